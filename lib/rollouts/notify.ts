/**
 * Tells people a rollout stopped by itself. Always a log line; also a JSON POST to CHARTER_ROLLOUT_WEBHOOK_URL when set
 * (e.g. a Slack or Teams incoming webhook: `text` carries the sentence). Sent after the transaction committed, never
 * awaited by it: a slow or failing webhook cannot block or undo the rollback. The audit event is the durable record.
 */
export interface RolloutNotice {
  org: string;
  version: number;
  event: string;
  reasons: string[];
}

export function rolloutNoticeText(n: RolloutNotice): string {
  const what = n.event === "rolled_back" ? "was rolled back" : n.event === "halted" ? "halted" : n.event === "timed_out" ? "timed out" : n.event;
  return `Charter: the rollout of version ${n.version} in ${n.org} ${what}${n.reasons.length ? `: ${n.reasons.join("; ")}` : ""}.`;
}

export function notifyRollout(n: RolloutNotice, env: Record<string, string | undefined> = process.env): void {
  const text = rolloutNoticeText(n);
  console.warn(`[rollouts] ${text}`);
  const url = env.CHARTER_ROLLOUT_WEBHOOK_URL;
  if (!url) return;
  void fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text, ...n }), signal: AbortSignal.timeout(5_000) }).catch((err) =>
    console.error(`[rollouts] webhook for ${n.org} v${n.version} failed: ${(err as Error).message}`),
  );
}
