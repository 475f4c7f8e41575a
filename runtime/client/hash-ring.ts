// Consistent hashing: a ring of virtual nodes, 160 per endpoint of average weight (ketama's
// count), placed by hashing `host:port#i`. A key goes to the owner of the first point at or after
// its hash; when that owner may not take calls (ejected, unreachable, the attempt that just
// failed) the walk goes on to the next distinct owner, so its keys move to their next owner and
// come back when it does. An endpoint joining or leaving moves only the keys of its own points,
// about 1/N of them.

/** Virtual nodes of an endpoint of average weight. */
export const VIRTUAL_NODES = 160;
/** The most points one endpoint gets, whatever its weight (bounds the ring's memory). */
const MAX_NODES_PER_ENDPOINT = 2_000;

/** 32-bit FNV-1a over UTF-16 code units, then murmur3's finalizer so near keys spread. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The hash of a call's key (numbers and bigints hash as their decimal text). */
export function hashKeyOf(key: string | number | bigint): number {
  return hashText(typeof key === "string" ? key : String(key));
}

/** An owner on the ring: its identity and its weight. */
export interface RingMember {
  /** `host:port`: where its points are placed. */
  readonly address: string;
  readonly weight: number;
}

/** The ring for one set of members; rebuilt when the set or a weight changes. */
export class HashRing {
  /** Point hashes, ascending, and the member index owning each. */
  private readonly points: Uint32Array;
  private readonly owners: Uint32Array;
  private readonly size: number;

  constructor(members: readonly RingMember[]) {
    this.size = members.length;
    const mean = members.reduce((sum, m) => sum + m.weight, 0) / Math.max(1, members.length);
    const counts = members.map((m) =>
      Math.min(MAX_NODES_PER_ENDPOINT, Math.max(1, Math.round((VIRTUAL_NODES * m.weight) / mean))),
    );
    const total = counts.reduce((a, b) => a + b, 0);
    const hashes = new Uint32Array(total);
    const owners = new Uint32Array(total);
    let k = 0;
    members.forEach((m, index) => {
      for (let i = 0; i < counts[index]!; i++, k++) {
        hashes[k] = hashText(`${m.address}#${i}`);
        owners[k] = index;
      }
    });
    const order = Array.from({ length: total }, (_, i) => i).sort(
      (a, b) => hashes[a]! - hashes[b]! || owners[a]! - owners[b]!,
    );
    this.points = Uint32Array.from(order, (i) => hashes[i]!);
    this.owners = Uint32Array.from(order, (i) => owners[i]!);
  }

  /**
   * The index of the member owning `hash`: the first point's owner at or after it for which
   * `usable(index)` holds, walking on (wrapping once) past the others. Returns the plain owner
   * when no member is usable, and -1 on an empty ring.
   */
  owner(hash: number, usable: (index: number) => boolean): number {
    const n = this.points.length;
    if (n === 0) return -1;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.points[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    const first = this.owners[lo % n]!;
    if (this.size === 1 || usable(first)) return first;
    for (let step = 1; step < n; step++) {
      const candidate = this.owners[(lo + step) % n]!;
      if (candidate !== first && usable(candidate)) return candidate;
    }
    return first;
  }
}
