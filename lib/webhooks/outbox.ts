import type { Prisma } from "../db";

/** An event for the outbox: its type and the JSON it carries. */
export interface OutboxEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Where a delivery goes: the org's signed webhook, or its OTLP logs export (lib/decisions/siem-otlp.ts). */
export type OutboxSink = "webhook" | "otlp";

/**
 * Queues one delivery per event for `sink` in WebhookDelivery, the outbox both sinks share, inside the caller's
 * transaction (so a delivery exists exactly when the change it reports is committed); the delivery loop sends them
 * (lib/webhooks deliverDueWebhooks). Returns how many were queued.
 */
export async function enqueueDeliveries(tx: Prisma.TransactionClient, orgId: string, sink: OutboxSink, events: readonly OutboxEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  await tx.webhookDelivery.createMany({ data: events.map((e) => ({ orgId, sink, event: e.event, payload: e.data as Prisma.InputJsonValue })) });
  return events.length;
}
