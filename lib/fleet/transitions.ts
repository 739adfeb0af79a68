import type { Prisma } from "../db";
import { recordAudit, type RequestInfo } from "../audit";
import { enqueueWebhookEvents } from "../webhooks";

/** A host whose reported state just changed to drifted or failed. */
export interface Transition {
  /** The check-in that reported the change. */
  request: RequestInfo;
  tokenId: string;
  orgId: string;
  hostname: string;
  prevState: string | null;
  state: string;
  lastError: string | null;
  installedVersion: number | null;
  diskSha256: string | null;
  installedSha256: string | null;
  at: Date;
}

/** Webhook event names (also the X-Charter-Event header). */
export const HOST_EVENT = { drifted: "agent.host.drifted", failed: "agent.host.failed" } as const;

/**
 * Audit events and webhook deliveries for hosts that changed to drifted or failed, inside the ingest's transaction.
 * The actor is the host's agent token.
 */
export async function recordTransitions(tx: Prisma.TransactionClient, transitions: Transition[]): Promise<void> {
  const byOrg = new Map<string, Transition[]>();
  for (const t of transitions) byOrg.set(t.orgId, [...(byOrg.get(t.orgId) ?? []), t]);
  for (const [orgId, list] of byOrg) {
    for (const t of list) {
      await recordAudit(tx, {
        orgId,
        actor: { type: "token", id: t.tokenId, label: `agent ${t.hostname}` },
        action: t.state === "drifted" ? "agent.host.drifted" : "agent.host.failed",
        target: { type: "agent_token", id: t.tokenId },
        diff: { state: { before: t.prevState, after: t.state } },
        meta: { hostname: t.hostname, reason: t.lastError, installedVersion: t.installedVersion, diskSha256: t.diskSha256, installedSha256: t.installedSha256 },
        request: t.request,
      });
    }
    await enqueueWebhookEvents(
      tx,
      orgId,
      list.map((t) => ({
        event: t.state === "drifted" ? HOST_EVENT.drifted : HOST_EVENT.failed,
        data: { hostId: t.tokenId, hostname: t.hostname, state: t.state, previousState: t.prevState, reason: t.lastError, installedVersion: t.installedVersion, at: t.at.toISOString() },
      })),
    );
  }
}
