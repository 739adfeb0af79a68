/** `pull`: one cycle, one line. Also the repository's `charter pull` (cli/pull.ts) with Charter's validator. */
import { parseArgs } from "./args";
import type { RequirementsCheck } from "./bundle/verify";
import { checkIn } from "./checkin";
import { codexVersion, findCodex } from "./codex";
import { AgentFailure } from "./failure";
import { readIfExists } from "./fsx";
import { EXIT, type CliIO } from "./io";
import { COMMON_HELP, COMMON_OPTIONS, loadPinned, pullCycle, resolveOptions, type PullOptions } from "./pull";
import { hostFileOf, loadHostStatus, saveHostStatus, type HostStatus } from "./state";

export const PULL_USAGE = (prog: string) => `usage: ${prog} [--server URL --org SLUG (--trust JWKS_FILE | --trust-fingerprint FP[,FP]) [--token TOKEN]]
                    [--out PATH] [--state-dir DIR] [--format toml|mobileconfig] [--check] [--timeout SECONDS] [--codex PATH|--no-codex]`;

const PULL_HELP = (prog: string) => `${PULL_USAGE(prog)}

Fetches the signed bundle of the org's current Codex requirements and installs it only after checking, in order:
the signature against a pinned key, the org, the expiry (5 min clock skew allowed), no rollback below the last
installed version, the sha256 of the text, and that Codex would load it. Then it writes --out atomically, keeps a
copy as the last good file, and has this host's Codex load it: if Codex refuses, the last good file goes back.
A file changed or removed on this host is put back (drift repair) even when the server is down.

${COMMON_HELP}
  --check                 fetch and verify, write nothing

Exit status: 0 installed, up to date or verified; 1 fetch, verification, Codex or write failed (installed file kept);
2 usage.`;

/** Runs one cycle with everything around it: host status, the failure line, a check-in when enrolled. */
export async function runCycle(opts: PullOptions, pinned: Parameters<typeof pullCycle>[1], io: CliIO, log: (line: string) => void) {
  const hostFile = hostFileOf(opts.stateDir, opts.org);
  let host: HostStatus;
  try {
    host = await loadHostStatus(hostFile);
  } catch (err) {
    return { ok: false as const, host: null, line: `${opts.prog}: failed: ${(err as AgentFailure).reason}: ${(err as Error).message}`, error: err as AgentFailure };
  }
  const kept = async () => ((await readIfExists(opts.out).catch(() => null)) ? `kept ${opts.out} unchanged` : `nothing written to ${opts.out}`);
  try {
    const cycle = await pullCycle(opts, pinned, host, log);
    if (!opts.check) {
      host.events.push(...cycle.events);
      host.lastCheckAt = new Date().toISOString();
      host.lastError = null;
      await saveHostStatus(hostFile, host);
    }
    return { ok: true as const, host, line: `${opts.prog}: ${cycle.message}` };
  } catch (err) {
    const failure = err instanceof AgentFailure ? err : new AgentFailure("error", (err as Error).message);
    const tail = failure.reason === "state-after-install" ? "" : ` — ${await kept()}`;
    const line = `${opts.prog}: ${failure.refused ? "refused" : "failed"}: ${failure.reason}: ${failure.message}${tail}`;
    if (!opts.check && failure.reason !== "state") {
      const lastError = `${failure.reason}: ${failure.message}`;
      // One "failed" event per distinct failure, not one per retry while the server is down.
      if (host.lastError !== lastError) host.events.push({ at: new Date().toISOString(), state: "failed", reason: lastError });
      host.lastCheckAt = new Date().toISOString();
      host.lastError = lastError;
      await saveHostStatus(hostFile, host);
    }
    return { ok: false as const, host, line, error: failure };
  }
}

export async function pullCommand(args: string[], io: CliIO, env: { prog: string; validate?: RequirementsCheck }): Promise<number> {
  const { prog } = env;
  if (args.includes("--help") || args.includes("-h")) {
    io.out(PULL_HELP(prog));
    return EXIT.ok;
  }
  let opts: PullOptions | string;
  try {
    const { values } = parseArgs({ args, strict: true, allowPositionals: false, options: { ...COMMON_OPTIONS, check: { type: "boolean" } } });
    opts = await resolveOptions(prog, values, { validate: env.validate, findCodex });
  } catch (err) {
    if (err instanceof AgentFailure) {
      io.err(`${prog}: failed: ${err.reason}: ${err.message}`);
      return EXIT.failed;
    }
    opts = (err as Error).message;
  }
  if (typeof opts === "string") {
    io.err(`${prog}: ${opts}`);
    io.err(PULL_USAGE(prog));
    return EXIT.usage;
  }
  const pinned = await loadPinned(opts);
  if (typeof pinned === "string") {
    io.err(`${prog}: ${pinned}`);
    return EXIT.usage;
  }
  const r = await runCycle(opts, pinned, io, io.err);
  if (r.ok) io.out(r.line);
  else io.err(r.line);
  // An enrolled host tells Charter what it now has; a check-in problem never changes the outcome of the pull.
  if (opts.enrolment && !opts.check && r.host) {
    const c = await checkIn(opts, r.host, !r.ok, await codexVersion(opts.codex));
    if (c.ok || "missing" in c) await saveHostStatus(hostFileOf(opts.stateDir, opts.org), r.host);
    else io.err(`${prog}: warning: check-in failed: ${c.error.reason}: ${c.error.message}`);
  }
  return r.ok ? EXIT.ok : EXIT.failed;
}
