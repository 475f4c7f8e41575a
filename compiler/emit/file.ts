// One IDL program → one TypeScript module. TODO(#4): the emitter fills this in.
import type { Program } from "../check/model.js";

/** A generated module: its path relative to the output folder, and its formatted text. */
export interface EmittedFile {
  readonly path: string;
  readonly text: string;
}

/** Emits the module for one checked program (only called when the run has no errors). */
export async function emitProgram(program: Program): Promise<EmittedFile> {
  return { path: `${program.name}.ts`, text: "" };
}
