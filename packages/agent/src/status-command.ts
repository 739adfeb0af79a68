/** `status [--json]`: what this host has, read from disk only (no network). */
import os from "node:os";
import path from "node:path";
import { parseArgs } from "./args";
import { codexVersion, findCodex } from "./codex";
import { AgentFailure } from "./failure";
import { EXIT, type CliIO } from "./io";
import { defaultOut, defaultStateDir } from "./paths";
import { hostState } from "./pull";
import { hostFileOf, loadConfig, loadHostStatus, loadPullState, stateFileOf } from "./state";
import { AGENT_VERSION } from "./version";

const USAGE = "usage: charter-agent status [--json] [--org SLUG] [--out PATH] [--state-dir DIR] [--codex PATH|--no-codex]";

export async function statusCommand(args: string[], io: CliIO): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(`${USAGE}

Prints the installed version, the sha256 of the file on disk and whether it is the file the agent installed, the last
check and last error, the Codex version on this host and the OS. Reads local files only.

Exit status: 0 current; 1 not current (drifted, failed, nothing installed) or the state cannot be read; 2 usage.`);
    return EXIT.ok;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { json: { type: "boolean" }, org: { type: "string" }, out: { type: "string" }, "state-dir": { type: "string" }, codex: { type: "string" }, "no-codex": { type: "boolean" } },
    }));
  } catch (err) {
    io.err(`charter-agent status: ${(err as Error).message}`);
    io.err(USAGE);
    return EXIT.usage;
  }
  const stateDir = path.resolve(values["state-dir"] ?? defaultStateDir());
  const out = path.resolve(values.out ?? defaultOut());
  try {
    const enrolment = await loadConfig(stateDir);
    const org = values.org ?? enrolment?.org;
    if (!org) {
      io.err("charter-agent status: --org SLUG is required (or enroll first)");
      return EXIT.usage;
    }
    const pull = await loadPullState(stateFileOf(stateDir, org), org);
    const host = await loadHostStatus(hostFileOf(stateDir, org));
    const failed = host.lastError !== null;
    const view = await hostState({ out, org, stateDir }, failed);
    const codex = await codexVersion(values["no-codex"] ? null : findCodex(values.codex));
    const report = {
      agentVersion: AGENT_VERSION,
      os: process.platform,
      osRelease: os.release(),
      arch: process.arch,
      node: process.versions.node,
      hostname: os.hostname(),
      server: enrolment?.server ?? null,
      org,
      hostId: enrolment?.hostId ?? null,
      group: enrolment?.group ?? null,
      out,
      state: view.state,
      installedVersion: view.installedVersion,
      installedSha256: view.installedSha256,
      diskSha256: view.diskSha256,
      matches: view.installedSha256 !== null && view.installedSha256 === view.diskSha256,
      expiresAt: pull?.expiresAt ?? null,
      lastCheckAt: host.lastCheckAt,
      lastError: host.lastError,
      codexVersion: codex,
      codexRefused: host.codexRefused,
      unsentEvents: host.events.length,
    };
    if (values.json) io.out(JSON.stringify(report, null, 2));
    else {
      const short = (s: string | null) => (s ? `${s.slice(0, 16)}…` : "none");
      io.out(`charter-agent ${AGENT_VERSION} on ${report.hostname} (${report.os} ${report.osRelease} ${report.arch}, node ${report.node})`);
      io.out(`org:          ${org}${report.server ? ` at ${report.server}` : " (not enrolled)"}${report.group ? `, group ${report.group}` : ""}`);
      io.out(`state:        ${report.state}`);
      io.out(`installed:    ${report.installedVersion === null ? "nothing yet" : `version ${report.installedVersion}, sha256 ${short(report.installedSha256)}`} at ${out}`);
      io.out(`on disk:      ${report.diskSha256 === null ? "missing" : `sha256 ${short(report.diskSha256)}`} — ${report.matches ? "matches the installed bundle" : report.installedSha256 === null ? "not installed by the agent" : "DIFFERS from the installed bundle"}`);
      io.out(`last check:   ${report.lastCheckAt ?? "never"}`);
      io.out(`last error:   ${report.lastError ?? "none"}`);
      io.out(`codex:        ${codex ?? "not found"}${host.codexRefused ? ` (refused version ${host.codexRefused.version}: ${host.codexRefused.message})` : ""}`);
    }
    return report.state === "current" ? EXIT.ok : EXIT.failed;
  } catch (err) {
    if (!(err instanceof AgentFailure)) throw err;
    io.err(`charter-agent status: failed: ${err.reason}: ${err.message}`);
    return EXIT.failed;
  }
}
