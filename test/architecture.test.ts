// The import rules of STYLE.md, enforced: every import in compiler/ and runtime/ must be an edge
// listed here, and the file graph must have no cycle. A new edge is a design decision: add it here
// on purpose, with the reason, or restructure.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, test } from "vitest";

const root = resolve(import.meta.dirname, "..");

/** Files of a folder, recursively, as repo-relative paths with forward slashes. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(join(root, dir))) return out;
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** Import and re-export specifiers of a file (static and dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specifiers: string[] = [];
  const pattern =
    /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s+["']([^"']+)["']/g;
  for (const match of text.matchAll(pattern)) specifiers.push(match[1] ?? match[2] ?? match[3]!);
  return specifiers;
}

/** A relative specifier → repo-relative .ts path; a package or node: specifier stays as is. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  const path = relative(root, resolve(root, dirname(file), specifier))
    .split("\\")
    .join("/");
  return path.replace(/\.js$/, ".ts");
}

type Rule = { from: RegExp; allow: RegExp[]; why: string };

const SHARED = /^compiler\/(source|diagnostics|suggest)\.ts$/;
const NODE = /^node:/;
const RUNTIME_CORE =
  /^runtime\/(errors|codec|service|message|interceptor|deadline|cancel-scope|generated-support|auth)\.ts$/;

// First matching rule wins. Read as: files matching `from` may import only `allow`.
const rules: Rule[] = [
  // compiler: text → tokens → CST → AST → checked model → TypeScript
  {
    from: /^compiler\/syntax\//,
    allow: [/^compiler\/syntax\//, SHARED, /^chevrotain$/],
    why: "the parser stage; Chevrotain stays here",
  },
  {
    from: /^compiler\/check\//,
    allow: [/^compiler\/check\//, /^compiler\/syntax\/ast\.ts$/, SHARED],
    why: "the checker reads only the syntax tree",
  },
  {
    from: /^compiler\/emit\//,
    allow: [
      /^compiler\/emit\//,
      /^compiler\/check\/model\.ts$/,
      SHARED,
      /^prettier(\/doc)?$/,
      NODE,
    ],
    why: "the emitter reads only the checked model",
  },
  {
    from: /^compiler\/load\.ts$/,
    allow: [/^compiler\/syntax\/(ast|parse)\.ts$/, SHARED, NODE],
    why: "loading parses files and follows includes",
  },
  {
    from: /^compiler\/compile\.ts$/,
    allow: [
      /^compiler\/load\.ts$/,
      /^compiler\/check\/(check|model)\.ts$/,
      /^compiler\/emit\/file\.ts$/,
      SHARED,
      NODE,
    ],
    why: "compile runs load, check, emit",
  },
  {
    from: /^compiler\/cli[^/]*\.ts$/,
    allow: [
      /^compiler\/cli[^/]*\.ts$/,
      /^compiler\/(compile|index)\.ts$/,
      /^compiler\/(breaking|fmt|decode)\/run\.ts$/,
      SHARED,
      NODE,
    ],
    why: "the CLI drives compile through the compiler API (index.ts), and each tool through its run.ts",
  },
  {
    from: /^compiler\/breaking\//,
    allow: [
      /^compiler\/breaking\//,
      /^compiler\/compile\.ts$/,
      /^compiler\/check\/model\.ts$/,
      /^compiler\/cli-io\.ts$/,
      SHARED,
      NODE,
    ],
    why: "idlc breaking compares two checked models (git for --against)",
  },
  {
    from: /^compiler\/fmt\//,
    allow: [
      /^compiler\/fmt\//,
      /^compiler\/syntax\/(ast|parse|tokens|scanner)\.ts$/,
      /^compiler\/cli-io\.ts$/,
      SHARED,
    ],
    why: "idlc fmt lays out the tokens of a parsed file; pure apart from the CLI's I/O",
  },
  {
    from: /^compiler\/decode\/stdin\.ts$/,
    allow: [NODE],
    why: "idlc decode -: standard input (fd 0)",
  },
  {
    // The one place compiler/ reads the wire: decoding with the IDL needs both halves. It uses
    // the runtime's pure layers only (protocol readers, the envelope, the transport decoders;
    // never sockets), so captured bytes are read exactly as an idlc peer reads them.
    from: /^compiler\/decode\//,
    allow: [
      /^compiler\/decode\//,
      /^compiler\/compile\.ts$/,
      /^compiler\/check\/model\.ts$/,
      /^compiler\/cli-io\.ts$/,
      SHARED,
      /^runtime\/protocol\//,
      /^runtime\/message\.ts$/,
      /^runtime\/transport\/(detect|frame-decoder|header|buffered|message-scanner|transports|framed|out-buffer)\.ts$/,
    ],
    why: "idlc decode: the checked model plus the runtime's pure wire layers, no Node API",
  },
  { from: /^compiler\//, allow: [/^compiler\//, NODE], why: "compiler never imports runtime" },
  // runtime: bytes → frames → messages → typed calls → handlers
  {
    from: /^runtime\/protocol\//,
    allow: [/^runtime\/protocol\//],
    why: "values ⇄ bytes, no Node API, no I/O",
  },
  {
    from: /^runtime\/transport\//,
    allow: [/^runtime\/transport\//, /^runtime\/protocol\//, NODE],
    why: "bytes ⇄ frames",
  },
  {
    from: RUNTIME_CORE,
    allow: [RUNTIME_CORE, /^runtime\/protocol\//],
    why: "codecs, descriptors, envelopes and errors sit on the protocol layer",
  },
  {
    from: /^runtime\/registry\//,
    allow: [/^runtime\/registry\//, RUNTIME_CORE, NODE],
    why: "endpoint discovery; etcd loads on demand",
  },
  {
    from: /^runtime\/client\//,
    allow: [
      /^runtime\/client\//,
      RUNTIME_CORE,
      /^runtime\/transport\//,
      /^runtime\/protocol\//,
      /^runtime\/registry\//,
      NODE,
    ],
    why: "the client sends calls over transports to endpoints from a registry",
  },
  {
    from: /^runtime\/server\//,
    allow: [
      /^runtime\/server\//,
      RUNTIME_CORE,
      /^runtime\/transport\//,
      /^runtime\/protocol\//,
      NODE,
    ],
    why: "the server dispatches frames to handlers",
  },
  {
    from: /^runtime\/otel\//,
    allow: [/^runtime\/otel\//, RUNTIME_CORE, /^@opentelemetry\/api$/],
    why: "idlc/otel: interceptors over the OTel API, its own entry point (an optional peer dependency)",
  },
  {
    from: /^runtime\/index\.ts$/,
    allow: [/^runtime\/(?!otel\/)/],
    why: "the public surface; never idlc/otel, so idlc/runtime loads no OpenTelemetry",
  },
  {
    from: /^runtime\/codegen\//,
    allow: [RUNTIME_CORE],
    why: "what generated code calls: re-exports of the codec and service core",
  },
];

const files = [...sourceFiles("compiler"), ...sourceFiles("runtime")];
const graph = new Map(files.map((f) => [f, importsOf(f).map((s) => target(f, s))]));

describe("import rules (STYLE.md)", () => {
  test.each(files)("%s imports only what its layer may", (file) => {
    const rule = rules.find((r) => r.from.test(file));
    expect(rule, `no rule covers ${file}`).toBeDefined();
    const bad = graph.get(file)!.filter((t) => !rule!.allow.some((a) => a.test(t)));
    expect(bad, `${file} (${rule!.why}) may not import these`).toEqual([]);
  });

  test("relative imports point at files that exist", () => {
    const missing = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((t) => /^(compiler|runtime)\//.test(t) && !graph.has(t))
        .map((t) => `${file} → ${t}`),
    );
    expect(missing).toEqual([]);
  });

  test("the file graph has no cycle", () => {
    const state = new Map<string, "visiting" | "done">();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "visiting") {
        cycles.push([...path.slice(path.indexOf(file)), file].join(" → "));
        return;
      }
      state.set(file, "visiting");
      for (const t of graph.get(file) ?? []) if (graph.has(t)) visit(t, [...path, file]);
      state.set(file, "done");
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});

describe("runtime/index.ts is the one public surface", () => {
  const text = readFileSync(join(root, "runtime/index.ts"), "utf8");

  test("named re-exports only: no export *, no default export, no local code", () => {
    expect(text).not.toMatch(/export\s+\*/);
    expect(text).not.toMatch(/export\s+default/);
    const statements = text
      .replace(/\/\/.*$/gm, "")
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean);
    for (const s of statements) expect(s).toMatch(/^export (type )?\{[^}]*\} from "\.\/[^"]+"$/s);
  });

  test("its value exports are stable (snapshot)", async () => {
    const runtime = await import("idlc/runtime");
    await expect(Object.keys(runtime).sort().join("\n") + "\n").toMatchFileSnapshot(
      "runtime-exports.txt",
    );
  });

  test("every runtime name that generated code imports is exported", async () => {
    const runtime = await import("idlc/runtime");
    const exported = new Set(Object.keys(runtime));
    const typeExports = new Set(
      [...text.matchAll(/export type \{([^}]*)\}/g)].flatMap((m) =>
        m[1]!.split(",").map((n) => n.trim()),
      ),
    );
    const generated = [...sourceFiles("generated"), ...sourceFiles("test/compiler/golden")];
    for (const file of generated) {
      const source = readFileSync(join(root, file), "utf8");
      for (const m of source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+"idlc\/runtime"/g)) {
        for (const raw of m[2]!.split(",")) {
          const name = raw
            .trim()
            .replace(/^type\s+/, "")
            .split(/\s+as\s+/)[0]!;
          if (!name) continue;
          expect(exported.has(name) || typeExports.has(name), `${file} imports ${name}`).toBe(true);
        }
      }
    }
  });
});

describe("runtime/codegen/index.ts is what generated code calls, apart from the user API", () => {
  test("named re-exports only, and stable value exports (snapshot)", async () => {
    const text = readFileSync(join(root, "runtime/codegen/index.ts"), "utf8");
    expect(text).not.toMatch(/export\s+\*/);
    expect(text).not.toMatch(/export\s+default/);
    const codegen = await import("idlc/runtime/codegen");
    await expect(Object.keys(codegen).sort().join("\n") + "\n").toMatchFileSnapshot(
      "runtime-codegen-exports.txt",
    );
  });

  test("every name generated code imports from it is exported, and none is a user export", async () => {
    const codegen = new Set(Object.keys(await import("idlc/runtime/codegen")));
    const user = new Set(Object.keys(await import("idlc/runtime")));
    const generated = [...sourceFiles("generated"), ...sourceFiles("test/compiler/golden")];
    for (const file of generated) {
      const source = readFileSync(join(root, file), "utf8");
      for (const m of source.matchAll(/import\s+\{([^}]*)\}\s+from\s+"idlc\/runtime\/codegen"/g)) {
        for (const raw of m[1]!.split(",")) {
          const name = raw.trim();
          if (!name) continue;
          expect(codegen.has(name), `${file} imports ${name}`).toBe(true);
        }
      }
    }
    for (const name of codegen) expect(user.has(name), name).toBe(false);
  });
});
