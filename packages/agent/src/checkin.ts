/**
 * POST /api/v1/agent/checkin (CONTRACTS.md "Host <-> server protocol"): the host's own view after a cycle, and the
 * events since the last acknowledged check-in. Acknowledged events are dropped; others wait for the next check-in.
 */
import os from "node:os";
import { AgentFailure } from "./failure";
import { expectOk, request } from "./http";
import { hostState, type PullOptions } from "./pull";
import type { HostStatus } from "./state";
import { AGENT_VERSION, userAgent } from "./version";

export type CheckinResult = { ok: true; pollIntervalSeconds: number | null; settings: Record<string, unknown> } | { ok: false; missing: true } | { ok: false; error: AgentFailure };

export function hostFacts(codexVersion: string | null) {
  return { hostname: os.hostname(), os: process.platform as "linux" | "darwin" | "win32", arch: process.arch, agentVersion: AGENT_VERSION, codexVersion };
}

export async function checkIn(opts: PullOptions, host: HostStatus, failed: boolean, codexVersion: string | null): Promise<CheckinResult> {
  const view = await hostState(opts, failed);
  const events = host.events.slice(-100);
  const body = JSON.stringify({
    ...hostFacts(codexVersion),
    state: view.state,
    installedVersion: view.installedVersion,
    installedSha256: view.installedSha256,
    diskSha256: view.diskSha256,
    lastCheckAt: host.lastCheckAt ?? new Date().toISOString(),
    lastError: host.lastError,
    events,
  });
  try {
    const res = await request(new URL("api/v1/agent/checkin", opts.server), {
      method: "POST",
      headers: { Authorization: `Bearer ${opts.token}`, "Content-Type": "application/json", Accept: "application/json", "User-Agent": userAgent() },
      body,
      timeoutMs: opts.timeoutMs,
      maxBytes: 64 * 1024,
      what: "checkin",
    });
    if (res.status === 404) return { ok: false, missing: true }; // a server without check-ins: bundles still work
    expectOk(res, "checkin");
    host.events = host.events.slice(events.length); // acknowledged
    let settings: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(res.body.toString("utf8")) as unknown;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) settings = parsed as Record<string, unknown>;
    } catch {
      // an answer without a usable interval keeps ours
    }
    const v = settings.pollIntervalSeconds;
    return { ok: true, pollIntervalSeconds: typeof v === "number" && Number.isFinite(v) && v > 0 ? v : null, settings };
  } catch (err) {
    return { ok: false, error: err instanceof AgentFailure ? err : new AgentFailure("checkin", String(err)) };
  }
}
