/**
 * `run`: the long-running mode for systemd, launchd and Windows services. Each cycle pulls (with drift repair and the
 * Codex check) and checks in; between cycles the installed file is watched and a change or removal is repaired at
 * once from the last good copy. Polls every --interval seconds (or the server's pollIntervalSeconds) with ±20 %
 * jitter, and after failures backs off exponentially from 5 s up to the interval, so a server outage is survived
 * without a thundering herd when it comes back. Stops cleanly on SIGTERM/SIGINT.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "./args";
import { checkIn } from "./checkin";
import { codexVersion, findCodex } from "./codex";
import { AgentFailure } from "./failure";
import { EXIT, type CliIO } from "./io";
import { COMMON_HELP, COMMON_OPTIONS, loadPinned, resolveOptions, type PullOptions } from "./pull";
import { runCycle } from "./pull-command";
import { startRelayIfConfigured, stopRelay } from "./relay-hook";
import { hostFileOf, loadPullState, saveHostStatus, sha256, stateFileOf } from "./state";

const USAGE = `usage: charter-agent run [--interval SECONDS] [--drift-check SECONDS] [pull options]`;
const FIRST_BACKOFF_MS = 5_000;

const jitter = (ms: number) => Math.round(ms * (0.8 + Math.random() * 0.4));

/** The sha256 the agent last installed at --out, or null when nothing is installed (then there is nothing to watch). */
async function expectedSha(opts: PullOptions): Promise<string | null> {
  const state = await loadPullState(stateFileOf(opts.stateDir, opts.org), opts.org).catch(() => null);
  return state?.outputs[opts.out]?.fileSha256 ?? null;
}

async function diskSha(file: string): Promise<string | null> {
  try {
    return sha256(await readFile(file));
  } catch {
    return null;
  }
}

export async function runCommand(args: string[], io: CliIO): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(`${USAGE}

Keeps this host on the org's current requirements: pulls every --interval seconds (default 300, or what the server
asks for in its check-in answer) with jitter, backs off exponentially while the server is unreachable, repairs the
file within --drift-check seconds (default 5) when it is changed or removed, logging each repair, and checks in
after every cycle. Each line goes to stdout (done) or stderr (failed); service managers add the timestamps.

${COMMON_HELP}`);
    return EXIT.ok;
  }
  let opts: PullOptions | string;
  let intervalS = 300;
  let driftS = 5;
  try {
    const { values } = parseArgs({ args, strict: true, allowPositionals: false, options: { ...COMMON_OPTIONS, interval: { type: "string" }, "drift-check": { type: "string" } } });
    intervalS = values.interval === undefined ? intervalS : Number(values.interval);
    driftS = values["drift-check"] === undefined ? driftS : Number(values["drift-check"]);
    opts = await resolveOptions("charter-agent run", values, { findCodex });
    if (!Number.isFinite(intervalS) || intervalS <= 0) opts = `--interval must be a positive number of seconds, got ${JSON.stringify(values.interval)}`;
    else if (!Number.isFinite(driftS) || driftS <= 0) opts = `--drift-check must be a positive number of seconds, got ${JSON.stringify(values["drift-check"])}`;
  } catch (err) {
    if (err instanceof AgentFailure) {
      io.err(`charter-agent run: failed: ${err.reason}: ${err.message}`);
      return EXIT.failed;
    }
    opts = (err as Error).message;
  }
  if (typeof opts === "string") {
    io.err(`charter-agent run: ${opts}`);
    io.err(USAGE);
    return EXIT.usage;
  }
  const o = opts;
  const pinned = await loadPinned(o);
  if (typeof pinned === "string") {
    io.err(`charter-agent run: ${pinned}`);
    return EXIT.usage;
  }

  let stopped = false;
  let wake: (() => void) | null = null;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);

  let intervalMs = intervalS * 1000;
  let failures = 0;
  let missingCheckin = false;
  let lastCodexAt = 0;
  let codex: string | null = null;
  io.out(`charter-agent run: keeping ${o.out} on ${o.org}'s requirements from ${o.server.origin} (every ${Math.round(intervalMs / 1000)} s)`);
  while (!stopped) {
    const r = await runCycle(o, pinned, io, io.out);
    if (r.ok) io.out(r.line);
    else io.err(r.line);
    if (r.host) {
      if (Date.now() - lastCodexAt > 3_600_000) {
        codex = await codexVersion(o.codex); // at most hourly: Codex upgrades are rare, spawning it is not free
        lastCodexAt = Date.now();
      }
      const c = await checkIn(o, r.host, !r.ok, codex);
      if (c.ok) {
        await saveHostStatus(hostFileOf(o.stateDir, o.org), r.host);
        if (c.pollIntervalSeconds) intervalMs = c.pollIntervalSeconds * 1000;
      } else if ("missing" in c) {
        if (!missingCheckin) io.err(`charter-agent run: ${o.server.origin} has no check-in endpoint; pulling only`);
        missingCheckin = true;
      } else io.err(`charter-agent run: warning: check-in failed: ${c.error.reason}: ${c.error.message}`);
      // The decisions relay starts (or hears the new settings) once the server has answered this cycle.
      if (c.ok || "missing" in c) {
        await startRelayIfConfigured({ server: o.server, token: o.token, org: o.org, stateDir: o.stateDir, settings: c.ok ? c.settings : {}, log: io.out });
      }
    }
    failures = r.ok ? 0 : failures + 1;
    const delay = jitter(r.ok ? intervalMs : Math.min(intervalMs, FIRST_BACKOFF_MS * 2 ** (failures - 1)));
    await waitOrDrift(o, delay, driftS * 1000, () => stopped, (w) => (wake = w));
  }
  await stopRelay();
  io.out("charter-agent run: stopped");
  return EXIT.ok;
}

/** Sleeps `ms`, returning early when stopped or when the installed file no longer matches what was installed. */
async function waitOrDrift(o: PullOptions, ms: number, driftMs: number, stopped: () => boolean, setWake: (w: () => void) => void) {
  const until = Date.now() + ms;
  const expected = await expectedSha(o);
  while (!stopped() && Date.now() < until) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.min(driftMs, until - Date.now()));
      setWake(() => {
        clearTimeout(t);
        resolve();
      });
    });
    if (expected && (await diskSha(o.out)) !== expected) return; // drifted: the next cycle repairs it now
  }
}
