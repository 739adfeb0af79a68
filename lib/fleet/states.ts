/**
 * The state the Agents page shows for a host, derived from what it reported and when. One function, so the page, the
 * counts and the filters agree. Order matters: a host that stopped calling is silent whatever it said last.
 */
export const HOST_STATES = ["current", "behind", "failed", "drifted", "never", "silent", "revoked"] as const;
export type HostState = (typeof HOST_STATES)[number];

export const HOST_STATE_LABEL: Record<HostState, string> = {
  current: "current",
  behind: "behind",
  failed: "failed",
  drifted: "drifted",
  never: "never checked in",
  silent: "silent",
  revoked: "revoked",
};

export interface StateInput {
  revokedAt: Date | null;
  /** Last check-in or bundle fetch; null when the token never called. */
  lastSeenAt: Date | null;
  /** The host's own view (check-in), null for hosts that only fetch the bundle. */
  reportedState: string | null;
  /** The version on the host: reported by check-in, else the bundle fetch's header, else what it was last served. */
  installedVersion: number | null;
}

/** A host is silent when it has not called for this long (CHARTER_FLEET_SILENT_HOURS, default 24). */
export function silentAfterMs(env: Record<string, string | undefined> = process.env): number {
  const hours = Number(env.CHARTER_FLEET_SILENT_HOURS || 24);
  return (Number.isFinite(hours) && hours > 0 ? hours : 24) * 3_600_000;
}

export function hostState(h: StateInput, expectedVersion: number | null, now: Date, silentMs: number): HostState {
  if (h.revokedAt) return "revoked";
  if (!h.lastSeenAt) return "never";
  if (now.getTime() - h.lastSeenAt.getTime() > silentMs) return "silent";
  if (h.reportedState === "failed") return "failed";
  if (h.reportedState === "drifted") return "drifted";
  if (expectedVersion !== null && (h.installedVersion === null || h.installedVersion < expectedVersion)) return "behind";
  return "current";
}
