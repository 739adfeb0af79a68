import { parseArgs, type ParseArgsConfig } from "node:util";
import type { CliIO } from "./main";

type Options = NonNullable<ParseArgsConfig["options"]>;
const help = { help: { type: "boolean", short: "h" } } as const;
type Config<O extends Options> = { args: string[]; allowPositionals: true; strict: true; options: O & typeof help };

/**
 * The preamble every subcommand shares: parses `args` strictly with `options` plus -h/--help. Returns the values and
 * positionals, or the exit code to return at once: 2 with "PREFIX: problem" and the usage on stderr when the command
 * line does not parse, 0 with the usage on stdout for --help.
 */
export function parseCommand<const O extends Options>(args: string[], io: CliIO, prefix: string, usage: string, options: O): ReturnType<typeof parseArgs<Config<O>>> | number {
  let parsed;
  try {
    parsed = parseArgs<Config<O>>({ args, allowPositionals: true, strict: true, options: { ...options, ...help } });
  } catch (err) {
    io.err(`${prefix}: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.out(usage);
    return 0;
  }
  return parsed;
}
