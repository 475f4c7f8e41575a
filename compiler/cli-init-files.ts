// The files `idlc init` writes: a project where `npm install && npm start` compiles the IDL,
// starts a server, makes a typed call and exits 0, and `npx tsc --noEmit` passes. Kept as data
// so the tour test and the README describe exactly these files.

/** What the template needs to know: the project's name and how package.json names idlc. */
export interface InitTemplateOptions {
  /** The npm package name, e.g. `my-app`. */
  readonly name: string;
  /** The dependency spec for idlc, e.g. `^0.1.0` or `file:../idlc-0.1.0.tgz`. */
  readonly idlcSpec: string;
}

/** Versions of the template's dev tools: the ones idlc itself is built and tested with. */
const DEV_DEPENDENCIES = {
  "@types/node": "^20.19.43",
  tsx: "^4.23.15",
  typescript: "^5.9.3",
} as const;

/** npm 11's allowlist of dependencies whose install scripts may run. */
const ALLOW_SCRIPTS = { esbuild: true } as const;

/** The template's package.json, as an object (cli-init-package.ts merges it into an existing one). */
export function initPackageJson(options: InitTemplateOptions): PackageJson {
  return {
    name: options.name,
    version: "0.1.0",
    private: true,
    // Top-level await in the scripts and `idlc/runtime` both need ES modules.
    type: "module",
    scripts: {
      generate: "idlc compile idl/greeter.thrift -o generated",
      start: "npm run generate && tsx src/main.ts",
      server: "npm run generate && tsx src/server.ts",
      client: "tsx src/client.ts",
      typecheck: "npm run generate && tsc --noEmit",
    },
    dependencies: { idlc: options.idlcSpec },
    devDependencies: DEV_DEPENDENCIES,
    // tsx uses esbuild, whose postinstall fetches its binary; npm 11 asks that it be allowed.
    allowScripts: ALLOW_SCRIPTS,
  };
}

/** The parts of a package.json that `idlc init` reads and writes. */
export interface PackageJson {
  [key: string]: unknown;
  type?: unknown;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

/** The template's files by path (relative to the project folder), in the order printed. */
export function initFiles(options: InitTemplateOptions): ReadonlyMap<string, string> {
  return new Map([
    ["package.json", `${JSON.stringify(initPackageJson(options), null, 2)}\n`],
    ["tsconfig.json", TSCONFIG],
    ["idl/greeter.thrift", GREETER_IDL],
    ["src/server.ts", SERVER],
    ["src/client.ts", CLIENT],
    ["src/main.ts", MAIN],
    [".gitignore", "node_modules/\n"],
  ]);
}

// Templates of TypeScript are arrays of lines, so no line of this module starts with `import`
// (the architecture test and the bundle test read those as this module's own imports).
function lines(...text: string[]): string {
  return `${text.join("\n")}\n`;
}

const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2023"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "types": ["node"],
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "exactOptionalPropertyTypes": true,
    "verbatimModuleSyntax": true,
    "skipLibCheck": true,
    "noEmit": true
  },
  "include": ["src", "generated"]
}
`;

const GREETER_IDL = `struct Greeting {
  1: required string text
  2: i64 greetedAt
}

exception NotFound {
  1: string message
}

/** Says hello. */
service Greeter {
  /** A greeting for \`name\`; NotFound when there is nobody to greet. */
  Greeting greet(1: string name) throws (1: NotFound notFound) (idempotent)
}
`;

const SERVER = lines(
  "// The Greeter server. `npm run server` runs it on PORT (default 9090) until Ctrl-C;",
  "// src/main.ts starts it in-process on a free port.",
  'import { pathToFileURL } from "node:url";',
  'import { createServer, type CallContext, type Server } from "idlc/runtime";',
  'import { Greeter, NotFound, type GreeterHandler } from "../generated/greeter.js";',
  "",
  "const handler: GreeterHandler = {",
  "  greet(name: string, context: CallContext) {",
  '    if (name === "") throw new NotFound({ message: "nobody to greet" });',
  "    console.log(`server: greet(${name}) from ${context.peer}`);",
  "    return { text: `Hello, ${name}!`, greetedAt: BigInt(Date.now()) };",
  "  },",
  "};",
  "",
  "/** Starts a Greeter server on 127.0.0.1:`port` (0: any free port). */",
  "export async function startServer(port: number): Promise<{ server: Server; port: number }> {",
  "  const server = createServer(); // compact protocol, framed transport: Apache Thrift's usual pair",
  "  server.add(Greeter, handler);",
  '  const address = await server.listen({ host: "127.0.0.1", port });',
  "  return { server, port: address.port };",
  "}",
  "",
  "if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {",
  "  const { server, port } = await startServer(Number(process.env.PORT ?? 9090));",
  "  console.log(`Greeter listening on 127.0.0.1:${port}`);",
  "  const stop = () => void server.close({ graceMs: 5_000 });",
  '  process.once("SIGINT", stop);',
  '  process.once("SIGTERM", stop);',
  "}",
);

const CLIENT = lines(
  "// A Greeter client. `npm run client` calls the server on PORT (default 9090); it may start",
  "// first: waitForReady makes the call wait (within its 5 s timeout) for the server to listen.",
  'import { pathToFileURL } from "node:url";',
  'import { connect, RpcError } from "idlc/runtime";',
  'import { Greeter, NotFound } from "../generated/greeter.js";',
  "",
  "/** Greets Ada, then nobody (a declared exception), on the server at 127.0.0.1:`port`. */",
  "export async function greet(port: number): Promise<void> {",
  '  const channel = connect({ host: "127.0.0.1", port });',
  "  const greeter = Greeter.client(channel);",
  "  try {",
  '    const greeting = await greeter.greet("Ada", { timeoutMs: 5_000, waitForReady: true });',
  "    console.log(greeting.text); // Hello, Ada!",
  "    try {",
  '      await greeter.greet("");',
  "    } catch (error) {",
  "      if (error instanceof NotFound) console.log(`not found: ${error.message}`);",
  "      else if (error instanceof RpcError) console.log(`call failed (${error.code}): ${error.message}`);",
  "      else throw error;",
  "    }",
  "  } finally {",
  "    await channel.close();",
  "  }",
  "}",
  "",
  "if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {",
  "  await greet(Number(process.env.PORT ?? 9090));",
  "}",
);

const MAIN = lines(
  "// `npm start`: the server and a client in one process, then a clean exit.",
  'import { greet } from "./client.js";',
  'import { startServer } from "./server.js";',
  "",
  "const { server, port } = await startServer(0);",
  "try {",
  "  await greet(port);",
  "} finally {",
  "  await server.close({ graceMs: 1_000 });",
  "}",
);
