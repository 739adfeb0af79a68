/**
 * charter-agent: Charter's host agent. Installs the org's signed Codex requirements, keeps them in place and reports
 * the host's real state. Node's standard library only; built into one file (build.mjs).
 */
import { enrollCommand } from "./enroll-command";
import { EXIT, processIO, type CliIO } from "./io";
import { pullCommand } from "./pull-command";
import { runCommand } from "./run-command";
import { statusCommand } from "./status-command";
import { AGENT_VERSION } from "./version";

const COMMANDS: Record<string, { summary: string; run: (args: string[], io: CliIO) => Promise<number> }> = {
  enroll: { summary: "enroll --server URL --org SLUG --trust-fingerprint FP   exchange an enrolment secret (CHARTER_ENROLL_SECRET) for this host's token", run: enrollCommand },
  pull: { summary: "pull [options]   fetch, verify and install the org's signed requirements once", run: (args, io) => pullCommand(args, io, { prog: "charter-agent pull", validate: bundledValidator }) },
  run: { summary: "run [options]    keep them installed: poll, repair drift, check in (for systemd, launchd, Windows services)", run: runCommand },
  status: { summary: "status [--json]  installed version, file on disk, last check and error, Codex version, OS", run: statusCommand },
};

/** Charter's own validator, bundled into this file but evaluated only when a new bundle arrives (not on a 304). */
async function bundledValidator(toml: string): Promise<string | null> {
  const { charterValidate } = await import("./validate");
  return charterValidate(toml);
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === "--version" || verb === "-v") {
    io.out(AGENT_VERSION);
    return EXIT.ok;
  }
  if (!verb || verb === "--help" || verb === "-h" || verb === "help") {
    io.out(`charter-agent ${AGENT_VERSION}\nusage: charter-agent <command> [options]   (charter-agent <command> --help for details)\n\ncommands:`);
    for (const c of Object.values(COMMANDS)) io.out(`  ${c.summary}`);
    return verb ? EXIT.ok : EXIT.usage;
  }
  const entry = COMMANDS[verb];
  if (!entry) {
    io.err(`charter-agent: unknown command "${verb}" (try: ${Object.keys(COMMANDS).join(", ")})`);
    return EXIT.usage;
  }
  return entry.run(rest, io);
}
