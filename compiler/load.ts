// Entry files and their includes → parsed files, each read and parsed once. Includes resolve as
// in Apache (thrift-idl.md §3.1): an absolute path as is; a relative one against the including
// file's directory, then each `-I` directory in order. Missing includes, include cycles and two
// includes with one program name are errors here (Apache warns, crashes, or silently merges).
import { basename, dirname, isAbsolute, join, normalize, resolve } from "node:path";
import { error, type Diagnostic } from "./diagnostics.js";
import { SourceFile, spanOf } from "./source.js";
import type { Document, IncludeNode } from "./syntax/ast.js";
import { parseSource } from "./syntax/parse.js";

/** Why a file could not be read, as the OS said it: `"no such file"`, `"is a directory"`. */
export interface Unreadable {
  readonly reason: string;
}

/** How the loader reaches files: injected so tests can use in-memory files. */
export interface LoadOptions {
  /** The bytes of a file, or why it cannot be read (undefined: it does not exist). */
  readonly readFile: (path: string) => Uint8Array | Unreadable | undefined;
  /** `-I` directories, searched in order after the including file's directory. */
  readonly includeDirs: readonly string[];
}

/** An `include` of a loaded file, and the file it names unless that failed (reported). */
export interface LoadedInclude {
  readonly node: IncludeNode;
  /** The included program's name: the prefix of its names in the including file. */
  readonly name: string;
  readonly file: LoadedFile | undefined;
}

/** One file, read, decoded and parsed. */
export interface LoadedFile {
  /** The path as typed, or as the include resolved it (never made absolute). */
  readonly path: string;
  /** The program name: the file name without directory and last extension. */
  readonly name: string;
  readonly source: SourceFile;
  readonly document: Document;
  readonly includes: readonly LoadedInclude[];
}

/** The files of one run: the entry files that could be read, every file, and the diagnostics. */
export interface LoadResult {
  readonly entries: readonly LoadedFile[];
  /** Every loaded file, each once, included files before the files including them. */
  readonly files: readonly LoadedFile[];
  /** Every path the loader looked at, found or not (what `--watch` should watch). */
  readonly paths: readonly string[];
  readonly diagnostics: Diagnostic[];
}

/** The program name of a file: `shared/base.thrift` → `base`, `a.b.thrift` → `a.b`. */
export function programName(path: string): string {
  const file = basename(path);
  const dot = file.lastIndexOf(".");
  return dot > 0 ? file.slice(0, dot) : file;
}

/** Loads the entry files and, transitively, everything they include. */
export function loadFiles(paths: readonly string[], options: LoadOptions): LoadResult {
  return new Loader(options).load(paths);
}

/** The state of a file during loading: being loaded (its includes in progress) or done. */
type Entry = { state: "loading"; file: MutableFile } | { state: "done"; file: MutableFile };
type MutableFile = LoadedFile & { includes: LoadedInclude[] };

class Loader {
  private readonly options: LoadOptions;
  private readonly byKey = new Map<string, Entry>();
  private readonly byName = new Map<string, MutableFile>();
  private readonly files: LoadedFile[] = [];
  private readonly looked = new Set<string>();
  /** Resolved paths that could not be read, so each is tried once. */
  private readonly missing = new Set<string>();
  /** The files whose includes are being loaded, outermost first. */
  private readonly stack: LoadedFile[] = [];
  private readonly diagnostics: Diagnostic[] = [];

  constructor(options: LoadOptions) {
    this.options = options;
  }

  load(paths: readonly string[]): LoadResult {
    const entries: LoadedFile[] = [];
    for (const path of paths) {
      const key = resolve(path);
      const known = this.byKey.get(key);
      if (known !== undefined) {
        if (!entries.includes(known.file)) entries.push(known.file);
        continue;
      }
      this.looked.add(path);
      const bytes = this.options.readFile(path);
      if (!(bytes instanceof Uint8Array)) {
        // An empty file: the diagnostic has no code frame (there is no text to show).
        const empty = new SourceFile(path, "");
        const reason = bytes?.reason ?? "no such file";
        this.diagnostics.push(
          error(spanOf(empty, 0, 0), "file-not-found", `cannot read "${path}": ${reason}`),
        );
        continue;
      }
      entries.push(this.loadFile(path, bytes, undefined));
    }
    return {
      entries,
      files: this.files,
      paths: [...this.looked],
      diagnostics: this.diagnostics,
    };
  }

  /**
   * Decodes, parses and registers one file, then loads its includes (depth first, so a cycle
   * shows as an include of a file still loading). `via` is the include that reached it.
   */
  private loadFile(path: string, bytes: Uint8Array, via: IncludeNode | undefined): MutableFile {
    const text = decodeUtf8(bytes);
    const source = new SourceFile(path, text ?? "");
    if (text === undefined) {
      const offset = firstInvalidUtf8(bytes);
      this.diagnostics.push(
        error(
          spanOf(source, 0, 0),
          "invalid-utf8",
          `file is not valid UTF-8 (first bad byte at offset ${offset})`,
        ),
      );
    }
    const parsed = text === undefined ? undefined : parseSource(source);
    for (const d of parsed?.diagnostics ?? []) this.diagnostics.push(d);
    const document: Document = parsed?.document ?? {
      ...spanOf(source, 0, 0),
      kind: "document",
      doc: undefined,
      headers: [],
      definitions: [],
    };
    const file: MutableFile = { path, name: programName(path), source, document, includes: [] };
    this.checkProgramName(file, via);
    this.byKey.set(resolve(path), { state: "loading", file });
    this.stack.push(file);
    for (const header of document.headers) {
      if (header.kind === "include") file.includes.push(this.loadInclude(header, file));
    }
    this.stack.pop();
    this.byKey.set(resolve(path), { state: "done", file });
    this.files.push(file);
    return file;
  }

  private loadInclude(node: IncludeNode, from: MutableFile): LoadedInclude {
    const name = programName(node.path);
    const candidates = isAbsolute(node.path)
      ? [node.path]
      : [
          join(dirname(from.path), node.path),
          ...this.options.includeDirs.map((d) => join(d, node.path)),
        ].map(normalize);
    for (const path of candidates) {
      const key = resolve(path);
      const known = this.byKey.get(key);
      if (known !== undefined) return this.linkKnown(node, from, name, known);
      if (this.missing.has(key)) continue;
      this.looked.add(path);
      const bytes = this.options.readFile(path);
      if (!(bytes instanceof Uint8Array)) {
        this.missing.add(key);
        continue;
      }
      const sameName = this.sameNameInclude(from, name, path);
      if (sameName !== undefined) {
        this.reportSameNameInclude(node, sameName, path);
        return { node, name, file: undefined };
      }
      return { node, name, file: this.loadFile(path, bytes, node) };
    }
    const searched = candidates.map((c) => `"${c}"`).join(", ");
    this.diagnostics.push(
      error(
        node.pathSpan,
        "include-not-found",
        `cannot find include "${node.path}" (looked for ${searched}; Apache only warns, ` +
          `idlc rejects it)`,
      ),
    );
    return { node, name, file: undefined };
  }

  /** An include of a file already seen: fine, unless it is still loading (a cycle). */
  private linkKnown(
    node: IncludeNode,
    from: MutableFile,
    name: string,
    known: Entry,
  ): LoadedInclude {
    if (known.state === "loading") {
      this.diagnostics.push(
        error(
          node.pathSpan,
          "include-cycle",
          `include cycle: ${this.cyclePath(known.file)} (Apache 0.17 crashes on it)`,
        ),
      );
      return { node, name, file: undefined };
    }
    const sameName = this.sameNameInclude(from, name, known.file.path);
    if (sameName !== undefined) {
      this.reportSameNameInclude(node, sameName, known.file.path);
      return { node, name, file: undefined };
    }
    return { node, name, file: known.file };
  }

  /** `a.thrift → b.thrift → a.thrift`: the files still loading from `start` on, then `start`. */
  private cyclePath(start: LoadedFile): string {
    const chain = this.stack.slice(this.stack.indexOf(start));
    return [...chain, start].map((f) => `"${f.path}"`).join(" → ");
  }

  /** Another include of `from` with the same program name but a different file, if any. */
  private sameNameInclude(
    from: MutableFile,
    name: string,
    path: string,
  ): LoadedInclude | undefined {
    return from.includes.find(
      (i) => i.name === name && i.file !== undefined && resolve(i.file.path) !== resolve(path),
    );
  }

  private reportSameNameInclude(node: IncludeNode, first: LoadedInclude, path: string): void {
    this.diagnostics.push(
      error(
        node.pathSpan,
        "duplicate-include-name",
        `"${path}" and "${first.file?.path}" are both program "${first.name}", so their names ` +
          `would mix under "${first.name}." (Apache silently merges them; idlc rejects it)`,
        [{ message: "first included here", span: first.node.pathSpan }],
      ),
    );
  }

  /** Two different files named alike in one run would write the same generated module. */
  private checkProgramName(file: MutableFile, via: IncludeNode | undefined): void {
    const other = this.byName.get(file.name);
    if (other === undefined) {
      this.byName.set(file.name, file);
      return;
    }
    const span = via?.pathSpan ?? spanOf(file.source, 0, 0);
    this.diagnostics.push(
      error(
        span,
        "duplicate-program-name",
        `"${file.path}" and "${other.path}" are both program "${file.name}"; their generated ` +
          `modules would both be "${file.name}.ts" (rename one of them)`,
      ),
    );
  }
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The text of UTF-8 bytes, BOM removed; undefined when the bytes are not UTF-8. */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    // TextDecoder drops a leading BOM by default (ignoreBOM: false), as Apache skips it.
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Offset of the first byte that makes `bytes` invalid UTF-8 (for the message). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let extra: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      [extra, min] = [1, 0x80];
    } else if (b >= 0xe0 && b <= 0xef) {
      [extra, min] = [2, 0x800];
    } else if (b >= 0xf0 && b <= 0xf4) {
      [extra, min] = [3, 0x10000];
    } else {
      return i;
    }
    let code = b & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += extra + 1;
  }
  return bytes.length;
}
