// `idlc decode [--idl FILE] [-I dir]... [--protocol …] [--transport …] [--hex] [FILE|-]`: prints
// each message of a capture as one JSON line on stdout. A message that cannot be read is a line
// with `error` and `offset` (also said on stderr); the exit status is then 1. 2: bad command line.
import { hasErrors, printDiagnosticList, type CliIo } from "../cli-io.js";
import { checkFiles } from "../compile.js";
import type { Program } from "../check/model.js";
import { decodeCapture } from "./decode.js";
import { parseHex } from "./hex.js";
import { readStandardInput } from "./stdin.js";

/** The usage of `idlc decode`, printed after a command-line error. */
export const DECODE_USAGE = `Usage:
  idlc decode [--idl file] [-I dir]... [--protocol compact|binary|auto]
              [--transport framed|buffered|header|auto] [--hex] [file|-]
  Reads standard input when no file (or -) is given.`;

const PROTOCOLS = ["compact", "binary", "auto"] as const;
const TRANSPORTS = ["framed", "buffered", "header", "auto"] as const;

interface DecodeArgs {
  idl: string | undefined;
  includeDirs: string[];
  protocol: (typeof PROTOCOLS)[number];
  transport: (typeof TRANSPORTS)[number];
  hex: boolean;
  input: string;
}

function parseDecodeArgs(argv: readonly string[]): DecodeArgs | string {
  const args: DecodeArgs = {
    idl: undefined,
    includeDirs: [],
    protocol: "auto",
    transport: "auto",
    hex: false,
    input: "-",
  };
  const inputs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const inline = /^(--[a-z-]+)=(.*)$/s.exec(arg) ?? /^(-I)(.+)$/s.exec(arg);
    const option = inline?.[1] ?? arg;
    const value = (): string | undefined => (inline ? inline[2] : argv[++i]);
    switch (option) {
      case "--idl": {
        const v = value();
        if (v === undefined) return "option --idl needs a file";
        args.idl = v;
        break;
      }
      case "-I":
      case "--include-dir": {
        const v = value();
        if (v === undefined) return `option ${option} needs a value`;
        args.includeDirs.push(v);
        break;
      }
      case "--protocol": {
        const v = value();
        const p = PROTOCOLS.find((x) => x === v);
        if (p === undefined) return `--protocol must be compact, binary or auto, not "${v ?? ""}"`;
        args.protocol = p;
        break;
      }
      case "--transport": {
        const v = value();
        const t = TRANSPORTS.find((x) => x === v);
        if (t === undefined)
          return `--transport must be framed, buffered, header or auto, not "${v ?? ""}"`;
        args.transport = t;
        break;
      }
      case "--hex":
        if (inline) return "option --hex takes no value";
        args.hex = true;
        break;
      default:
        if (arg.startsWith("-") && arg !== "-") return `unknown option "${arg}"`;
        inputs.push(arg);
    }
  }
  if (inputs.length > 1) return `decode: one capture at a time, got ${inputs.length} files`;
  args.input = inputs[0] ?? "-";
  return args;
}

/** Runs `idlc decode`; resolves to the exit status. */
export function runDecode(argv: readonly string[], io: CliIo): number {
  const args = parseDecodeArgs(argv);
  if (typeof args === "string") {
    io.stderr(`idlc: ${args}\n\n${DECODE_USAGE}\n`);
    return 2;
  }
  let programs: Program[] | undefined;
  if (args.idl !== undefined) {
    const checked = checkFiles([args.idl], {
      readFile: (p) => io.readFile(p),
      includeDirs: args.includeDirs,
    });
    if (hasErrors(checked.diagnostics)) {
      printDiagnosticList(checked.diagnostics, "text", io);
      return 1;
    }
    programs = checked.allPrograms;
  }
  const raw = args.input === "-" ? readStandardInput() : io.readFile(args.input);
  if (raw === undefined || !(raw instanceof Uint8Array)) {
    const why = raw === undefined ? "no such file" : raw.reason;
    io.stderr(
      `idlc: cannot read ${args.input === "-" ? "standard input" : `"${args.input}"`}: ${why}\n`,
    );
    return 1;
  }
  let bytes = raw;
  if (args.hex) {
    const parsed = parseHex(new TextDecoder().decode(raw));
    if ("error" in parsed) {
      io.stderr(`idlc: --hex: ${parsed.error} (at character ${parsed.offset})\n`);
      return 1;
    }
    bytes = parsed.bytes;
  }
  const lines = decodeCapture(bytes, {
    transport: args.transport,
    protocol: args.protocol,
    ...(programs ? { programs } : {}),
  });
  let status = 0;
  for (const line of lines) {
    io.stdout(`${JSON.stringify(line)}\n`);
    if (typeof line.error === "string") {
      io.stderr(`idlc: decode: message at byte ${String(line.offset)}: ${line.error}\n`);
      status = 1;
    }
  }
  return status;
}
