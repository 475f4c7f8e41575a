// `idlc breaking --against <ref>`: the old version of each file is read from git, at the same path.
import { spawnSync } from "node:child_process";
import { basename, dirname } from "node:path";

/** Bytes git will hand back for one file (a contract far larger than this is not an IDL). */
const MAX_GIT_FILE_BYTES = 64 * 1024 * 1024;

/** Why a ref cannot be used, or undefined when it names a commit in the repository holding `path`. */
export function checkRef(ref: string, path: string): string | undefined {
  if (ref.startsWith("-")) return `--against: "${ref}" is not a git ref`;
  const r = git(dirname(path), ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (r.error) return `--against: cannot run git (${r.error.message})`;
  if (r.status !== 0)
    return `--against: "${ref}" is not a commit in the git repository of "${path}"`;
  return undefined;
}

/** A file's bytes at `ref` (its path relative to the current directory, as typed), or undefined. */
export function readAtRef(ref: string, path: string): Uint8Array | undefined {
  // `./name` with `-C dir` is relative to that directory, not to the repository's root.
  const r = git(dirname(path), ["show", `${ref}:./${basename(path)}`]);
  return r.status === 0 && !r.error ? r.stdout : undefined;
}

function git(cwd: string, args: readonly string[]) {
  return spawnSync("git", ["-C", cwd, ...args], {
    maxBuffer: MAX_GIT_FILE_BYTES,
    stdio: ["ignore", "pipe", "ignore"],
  });
}
