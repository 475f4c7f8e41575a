/** Bounds enforced while reading, before anything is allocated for a declared size. */
export interface DecodeLimits {
  /** Largest string or binary, in bytes. Default 16_384_000 (Apache's max frame size). */
  readonly maxStringBytes: number;
  /** Largest list, set or map, in elements. Default 16_384_000. */
  readonly maxContainerSize: number;
  /** Deepest nesting of structs and containers, also while skipping. Default 64 (Apache's). */
  readonly maxDepth: number;
}

/** The defaults: Apache's, so a mixed fleet agrees on what is too big. */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = Object.freeze({
  maxStringBytes: 16_384_000,
  maxContainerSize: 16_384_000,
  maxDepth: 64,
});
