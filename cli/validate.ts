/** `charter validate FILE [--json]`: exit 0 when Codex would load the file, 1 when it would refuse it, 2 on usage errors. */
import { readFile } from "node:fs/promises";
import { CODEX_VERSION, validateRequirements } from "../lib/requirements/index";
import type { Command } from "./main";

const USAGE = "usage: charter validate FILE [--json]";

export const validateCommand: Command = async (args, io) => {
  const json = args.includes("--json");
  const rest = args.filter((a) => a !== "--json");
  if (rest.length === 1 && (rest[0] === "--help" || rest[0] === "-h")) {
    io.out(USAGE);
    io.out(`Checks a requirements.toml as Codex ${CODEX_VERSION} loads it: errors make Codex refuse to start, warnings and info are what it does silently.`);
    return 0;
  }
  const unknownFlag = rest.find((a) => a.startsWith("-") && a !== "-");
  if (rest.length !== 1 || unknownFlag) {
    io.err(unknownFlag ? `charter validate: unknown option ${unknownFlag}` : `charter validate: expected exactly one FILE`);
    io.err(USAGE);
    return 2;
  }
  const file = rest[0];
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    io.err(`charter validate: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return 2;
  }

  const result = validateRequirements(text);
  if (json) {
    io.out(JSON.stringify(result.diagnostics, null, 2));
  } else {
    for (const d of result.diagnostics) io.out(`${file}:${d.line}:${d.column} ${d.severity} ${d.path || "(file)"}: ${d.message}`);
    const count = (s: string) => result.diagnostics.filter((d) => d.severity === s).length;
    const tally = `${count("error")} error(s), ${count("warning")} warning(s), ${count("info")} info`;
    io.out(
      result.valid
        ? `${file}: Codex ${CODEX_VERSION} would load this file (${tally})`
        : `${file}: Codex ${CODEX_VERSION} would refuse this file and not start (${tally})`,
    );
  }
  return result.valid ? 0 : 1;
};
