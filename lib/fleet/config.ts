/** Bounds of the check-in interval Charter asks hosts for, in seconds. */
export const MIN_POLL_SECONDS = 30;
export const MAX_POLL_SECONDS = 86_400;
export const DEFAULT_POLL_SECONDS = 300;

function clampSeconds(n: number): number {
  return Math.min(MAX_POLL_SECONDS, Math.max(MIN_POLL_SECONDS, Math.round(n)));
}

/** The interval for an org: its own setting, else CHARTER_AGENT_POLL_SECONDS, else 300 s; always within the bounds. */
export function pollIntervalSeconds(orgSetting: number | null | undefined, env: Record<string, string | undefined> = process.env): number {
  if (orgSetting != null) return clampSeconds(orgSetting);
  const fromEnv = Number(env.CHARTER_AGENT_POLL_SECONDS);
  return env.CHARTER_AGENT_POLL_SECONDS && Number.isFinite(fromEnv) && fromEnv > 0 ? clampSeconds(fromEnv) : DEFAULT_POLL_SECONDS;
}
