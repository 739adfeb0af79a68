import { parseCommand } from "./args";
import type { Command } from "./main";

const USAGE =
  "usage: charter rollout status [VERSION|latest] --server URL (or CHARTER_SERVER) --org SLUG [--wait] [--interval SECONDS] [--timeout SECONDS] [--json]   (admin token in CHARTER_TOKEN)";

/** What GET /api/v1/orgs/{org}/rollouts/{version} answers (the fields this command reads). */
interface RolloutStatus {
  version: number;
  previous: number | null;
  state: "running" | "paused" | "completed" | "halted" | "rolled_back" | "timed_out";
  currentRing: number;
  reason: string | null;
  rollbackVersion: number | null;
  rings: { name: string; target: string; status: string; hosts: number; installed: number; failed: number; drifted: number }[];
  gate: { verdict: string; reasons: string[] } | null;
}

const FINISHED = new Set(["completed", "halted", "rolled_back", "timed_out"]);

export function describeRollout(r: RolloutStatus): string[] {
  const head = `version ${r.version} (after ${r.previous ?? "none"}): ${r.state.replace("_", " ")}${r.reason ? ` — ${r.reason}` : ""}${r.rollbackVersion ? `; every host now gets version ${r.rollbackVersion}` : ""}`;
  const rings = r.rings.map(
    (ring) => `  ${ring.status === "current" ? "▶" : ring.status === "done" ? "✓" : "·"} ${ring.name} (${ring.target}): ${ring.installed}/${ring.hosts} installed${ring.failed ? `, ${ring.failed} failed` : ""}${ring.drifted ? `, ${ring.drifted} drifted` : ""}`,
  );
  const gate = r.gate ? [`  gates: ${r.gate.verdict}${r.gate.reasons.length ? ` — ${r.gate.reasons.join("; ")}` : ""}`] : [];
  return [head, ...rings, ...gate];
}

/**
 * `charter rollout status`: prints a rollout (rings with host counts, gate verdict). With --wait it polls until the
 * rollout finishes, so a pipeline can publish to a canary ring and wait for promotion. Exit 0 when the rollout is
 * completed (or, without --wait, whatever its state), 1 when it was rolled back, halted or timed out, 2 on usage and
 * request errors, 3 when --timeout passes first.
 */
export const rolloutCommand: Command = async (args, io) => {
  const parsed = parseCommand(args, io, "charter rollout", USAGE, {
    server: { type: "string" },
    org: { type: "string" },
    wait: { type: "boolean" },
    interval: { type: "string", default: "10" },
    timeout: { type: "string", default: "3600" },
    json: { type: "boolean" },
  });
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const [sub, version = "latest", ...extra] = positionals;
  const interval = Number(values.interval);
  const timeout = Number(values.timeout);
  const token = process.env.CHARTER_TOKEN;
  values.server ??= process.env.CHARTER_SERVER;
  const problem =
    sub !== "status" ? (sub ? `unknown subcommand "${sub}"` : "missing subcommand")
    : extra.length ? `unexpected "${extra.join(" ")}"`
    : !/^(latest|[1-9]\d{0,8})$/.test(version) ? `VERSION must be a version number or "latest", got "${version}"`
    : !values.server ? "--server is required (or CHARTER_SERVER)"
    : !values.org ? "--org is required"
    : !token ? "CHARTER_TOKEN is not set (an admin API token with the read scope)"
    : !(interval >= 1 && interval <= 3600) ? "--interval must be between 1 and 3600 seconds"
    : !(timeout > 0) ? "--timeout must be a positive number of seconds"
    : null;
  if (problem) {
    io.err(`charter rollout: ${problem}\n${USAGE}`);
    return 2;
  }
  const url = `${values.server!.replace(/\/$/, "")}/api/v1/orgs/${encodeURIComponent(values.org!)}/rollouts/${version}`;
  const deadline = Date.now() + timeout * 1000;
  let last = "";
  for (;;) {
    let status: RolloutStatus;
    try {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" }, signal: AbortSignal.timeout(30_000) });
      const body = (await res.json().catch(() => null)) as (RolloutStatus & { error?: { message: string } }) | null;
      if (!res.ok || !body) {
        io.err(`charter rollout: ${res.status} ${body?.error?.message ?? res.statusText}`);
        return 2;
      }
      status = body;
    } catch (err) {
      io.err(`charter rollout: cannot reach ${values.server}: ${(err as Error).message}`);
      return 2;
    }
    const lines = describeRollout(status);
    if (values.json) io.out(JSON.stringify(status));
    else if (lines.join("\n") !== last) io.out(lines.join("\n"));
    last = lines.join("\n");
    if (!values.wait) return status.state === "completed" || !FINISHED.has(status.state) ? 0 : 1;
    if (FINISHED.has(status.state)) return status.state === "completed" ? 0 : 1;
    if (Date.now() + interval * 1000 > deadline) {
      io.err(`charter rollout: still ${status.state} after ${timeout} seconds`);
      return 3;
    }
    await new Promise((r) => setTimeout(r, interval * 1000));
  }
};
