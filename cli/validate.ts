/**
 * `charter validate FILE [--codex VERSION] [--json]`: exit 0 when that Codex version (default the newest known) would
 * load the file, 1 when it would refuse it, 2 on usage errors. The file is read as bytes: bytes that are not UTF-8 are
 * refused as Codex refuses them.
 */
import { readFile } from "node:fs/promises";
import { CODEX_VERSIONS, isKnownCodexVersion, KNOWN_CODEX_VERSIONS, NEWEST_CODEX_VERSION, validateRequirementsBytes } from "../lib/requirements/index";
import type { Command } from "./main";

const USAGE = "usage: charter validate FILE [--codex VERSION] [--json]";

export const validateCommand: Command = async (args, io) => {
  const json = args.includes("--json");
  let rest = args.filter((a) => a !== "--json");
  let codex = NEWEST_CODEX_VERSION;
  const at = rest.indexOf("--codex");
  if (at >= 0) {
    const value = rest[at + 1];
    if (value === undefined || value.startsWith("-")) {
      io.err("charter validate: --codex needs a version, e.g. --codex 0.169.0");
      io.err(USAGE);
      return 2;
    }
    if (!isKnownCodexVersion(value)) {
      io.err(`charter validate: Codex ${value} is not a version Charter models; known versions: ${KNOWN_CODEX_VERSIONS.join(", ")}`);
      return 2;
    }
    codex = value;
    rest = rest.filter((_, i) => i !== at && i !== at + 1);
  }
  if (rest.length === 1 && (rest[0] === "--help" || rest[0] === "-h")) {
    io.out(USAGE);
    io.out(`Checks a requirements.toml as a Codex version loads it (default ${NEWEST_CODEX_VERSION}, the newest known): errors make Codex refuse to start, warnings and info are what it does silently.`);
    io.out("Known versions:");
    for (const v of CODEX_VERSIONS) io.out(`  ${v.version}${v.changes.length ? `: ${v.changes.join("; ")}` : ""}`);
    return 0;
  }
  const unknownFlag = rest.find((a) => a.startsWith("-") && a !== "-");
  if (rest.length !== 1 || unknownFlag) {
    io.err(unknownFlag ? `charter validate: unknown option ${unknownFlag}` : `charter validate: expected exactly one FILE`);
    io.err(USAGE);
    return 2;
  }
  const file = rest[0];
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    io.err(`charter validate: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return 2;
  }

  const result = validateRequirementsBytes(bytes, { codex });
  if (json) {
    io.out(JSON.stringify(result.diagnostics, null, 2));
  } else {
    for (const d of result.diagnostics) io.out(`${file}:${d.line}:${d.column} ${d.severity} ${d.path || "(file)"}: ${d.message}`);
    const count = (s: string) => result.diagnostics.filter((d) => d.severity === s).length;
    const tally = `${count("error")} error(s), ${count("warning")} warning(s), ${count("info")} info`;
    io.out(
      result.valid
        ? `${file}: Codex ${codex} would load this file (${tally})`
        : `${file}: Codex ${codex} would refuse this file and not start (${tally})`,
    );
  }
  return result.valid ? 0 : 1;
};
