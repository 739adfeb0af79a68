import type { Prisma } from "../db";
import { enqueueWebhookEvents } from "../webhooks";

type Tx = Prisma.TransactionClient;

/**
 * Tells people a rollout stopped (rolled back, halted, timed out): the org's webhook (lib/webhooks, signed, retried)
 * gets `rollout.<event>` queued in the transaction of the step, so it is sent exactly when the step commits; a log line
 * says the same. The audit event is the durable record.
 */
export interface RolloutNotice {
  org: string;
  version: number;
  event: "rolled_back" | "halted" | "timed_out";
  reasons: string[];
  rollbackVersion?: number | null;
}

export function rolloutNoticeText(n: RolloutNotice): string {
  const what = n.event === "rolled_back" ? `was rolled back${n.rollbackVersion ? ` (every host now gets version ${n.rollbackVersion})` : ""}` : n.event === "halted" ? "halted" : "timed out";
  return `Charter: the rollout of version ${n.version} in ${n.org} ${what}${n.reasons.length ? `: ${n.reasons.join("; ")}` : ""}.`;
}

export async function notifyRollout(tx: Tx, orgId: string, n: RolloutNotice): Promise<void> {
  const text = rolloutNoticeText(n);
  await enqueueWebhookEvents(tx, orgId, [{ event: `rollout.${n.event}`, data: { text, ...n } }]);
  console.warn(`[rollouts] ${text}`);
}
