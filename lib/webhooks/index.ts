import { createHmac } from "node:crypto";
import { z } from "zod";
import { httpUrl } from "../http-url";
import { inBackground, registerLoop } from "../background";
import type { Db, Prisma } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { newSecret } from "../crypto/tokens";
import { open, seal } from "../crypto/secretbox";
import { exportTarget, otlpExportEnabled, otlpLogsBody, queueAuditForOtlp } from "../decisions/siem-otlp";
import { enqueueDeliveries, type OutboxEvent } from "./outbox";

/**
 * The org's one generic outgoing webhook. Events are queued in the same transaction as the change they report
 * (WebhookDelivery is an outbox), then POSTed by a worker with retries and backoff:
 *   POST <url>  Content-Type: application/json
 *   X-Charter-Event: <event>   X-Charter-Delivery: <id>   X-Charter-Timestamp: <unix seconds>
 *   X-Charter-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the webhook secret>
 *   body: {"id", "event", "org", "createdAt", "data"}
 */

type Tx = Prisma.TransactionClient;

export const WEBHOOK_SECRET_PREFIX = "whsec_";
/** Seconds to wait before retry n (1-based); after the last one the delivery is marked failed. */
export const RETRY_DELAYS_S = [10, 60, 300, 1800, 7200];
const SEAL_CONTEXT = "webhook-secret";

export const webhookSettingsSchema = z.object({
  url: httpUrl("Give an http(s) URL"),
  enabled: z.boolean().default(true),
});

export interface WebhookView {
  url: string;
  enabled: boolean;
  updatedAt: Date;
  recent: { id: string; event: string; attempts: number; deliveredAt: Date | null; failedAt: Date | null; lastError: string | null; lastStatus: number | null; createdAt: Date }[];
}

export async function getWebhook(db: Db, ctx: OrgContext): Promise<WebhookView | null> {
  requirePermission(ctx, "org:read");
  const hook = await db.orgWebhook.findUnique({ where: { orgId: ctx.org.id }, select: { url: true, enabled: true, updatedAt: true } });
  if (!hook) return null;
  const recent = await db.webhookDelivery.findMany({
    where: { orgId: ctx.org.id, sink: "webhook" },
    orderBy: { createdAt: "desc" },
    take: 10,
    select: { id: true, event: true, attempts: true, deliveredAt: true, failedAt: true, lastError: true, lastStatus: true, createdAt: true },
  });
  return { ...hook, recent };
}

/**
 * Sets the webhook URL (org:manage). A new webhook, or `rotateSecret`, gets a new signing secret, returned here once;
 * Charter keeps it sealed with the master key because it must sign with it.
 */
export async function saveWebhook(db: Db, ctx: OrgContext, input: z.input<typeof webhookSettingsSchema> & { rotateSecret?: boolean }, request: RequestInfo) {
  requirePermission(ctx, "org:manage");
  const { url, enabled } = webhookSettingsSchema.parse(input);
  return db.$transaction(async (tx) => {
    const before = await tx.orgWebhook.findUnique({ where: { orgId: ctx.org.id }, select: { url: true, enabled: true } });
    const secret = !before || input.rotateSecret ? newSecret(WEBHOOK_SECRET_PREFIX) : null;
    const secretSealed = secret ? seal(secret, `${SEAL_CONTEXT}:${ctx.org.id}`) : undefined;
    // Create and update apart: an upsert's create branch needs the sealed secret even when the row exists.
    if (before) await tx.orgWebhook.update({ where: { orgId: ctx.org.id }, data: { url, enabled, ...(secretSealed ? { secretSealed } : {}) } });
    else await tx.orgWebhook.create({ data: { orgId: ctx.org.id, url, enabled, secretSealed: secretSealed! } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: before ? "webhook.updated" : "webhook.created",
      target: { type: "webhook", id: ctx.org.id },
      diff: {
        url: { before: before?.url ?? null, after: url },
        enabled: { before: before?.enabled ?? null, after: enabled },
        ...(secret ? { secret: { after: "[redacted]" } } : {}),
      },
      request,
    });
    return { secret };
  });
}

export async function deleteWebhook(db: Db, ctx: OrgContext, request: RequestInfo) {
  requirePermission(ctx, "org:manage");
  await db.$transaction(async (tx) => {
    const before = await tx.orgWebhook.findUnique({ where: { orgId: ctx.org.id }, select: { url: true } });
    if (!before) throw new AppError("not_found", "This organisation has no webhook.");
    await tx.orgWebhook.delete({ where: { orgId: ctx.org.id } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "webhook.deleted",
      target: { type: "webhook", id: ctx.org.id },
      diff: { url: { before: before.url, after: null } },
      request,
    });
  });
}

/**
 * Queues events for the org's webhook, inside the caller's transaction; nothing when the org has none enabled. Events
 * of Decisions (`decisions.*`) are also queued for the org's OTLP logs export when it has one (lib/decisions/siem-otlp.ts).
 */
export async function enqueueWebhookEvents(tx: Tx, orgId: string, events: OutboxEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const hook = await tx.orgWebhook.findUnique({ where: { orgId }, select: { enabled: true } });
  const decisions = events.filter((e) => e.event.startsWith("decisions."));
  const otlp = decisions.length > 0 && (await otlpExportEnabled(tx, orgId));
  return (await enqueueDeliveries(tx, orgId, "webhook", hook?.enabled ? events : [])) + (await enqueueDeliveries(tx, orgId, "otlp", otlp ? decisions : []));
}

/** The signature header value for a body sent at `timestamp` (unix seconds). Receivers recompute and compare it. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface DeliverOptions {
  now?: () => Date;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  limit?: number;
}

/**
 * Sends the deliveries that are due, each once: 2xx marks it delivered; anything else schedules the next attempt
 * (RETRY_DELAYS_S) or, after the last, marks it failed. Rows are claimed with SKIP LOCKED, so several processes can
 * run this at once without sending twice. Returns how many were attempted.
 */
export async function deliverDueWebhooks(db: Db, opts: DeliverOptions = {}): Promise<number> {
  const now = opts.now ?? (() => new Date());
  const fetchImpl = opts.fetchImpl ?? fetch;
  await queueAuditForOtlp(db);
  const claimed = await db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "WebhookDelivery"
      WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL AND "nextAttemptAt" <= ${now()}
      ORDER BY "nextAttemptAt" LIMIT ${opts.limit ?? 20} FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    // Claim: push the next attempt out so another worker does not pick these up while they are in flight.
    await tx.webhookDelivery.updateMany({ where: { id: { in: ids } }, data: { nextAttemptAt: new Date(now().getTime() + 60_000) } });
    return tx.webhookDelivery.findMany({
      where: { id: { in: ids } },
      select: { id: true, orgId: true, sink: true, event: true, payload: true, attempts: true, createdAt: true, org: { select: { slug: true, webhook: true, otlpExport: true } } },
    });
  });
  for (const d of claimed) {
    let status: number | null = null;
    let error: string | null = null;
    let target: { url: string; headers: Record<string, string>; body: string } | null = null;
    try {
      if (d.sink === "otlp") {
        const otlp = exportTarget(d.org.otlpExport, d.orgId);
        if (otlp) target = { url: otlp.endpoint, headers: { ...otlp.headers, "Content-Type": "application/json", "User-Agent": "charter-otlp-export" }, body: otlpLogsBody(d, d.org, now()) };
        else error = "OTLP export removed or disabled";
      } else if (d.org.webhook?.enabled) {
        const body = JSON.stringify({ id: d.id, event: d.event, org: d.org.slug, createdAt: d.createdAt.toISOString(), data: d.payload });
        const ts = Math.floor(now().getTime() / 1000);
        const secret = open(d.org.webhook.secretSealed, `${SEAL_CONTEXT}:${d.orgId}`).toString("utf8");
        target = {
          url: d.org.webhook.url,
          headers: {
            "Content-Type": "application/json",
            "User-Agent": "charter-webhooks",
            "X-Charter-Event": d.event,
            "X-Charter-Delivery": d.id,
            "X-Charter-Timestamp": String(ts),
            "X-Charter-Signature": signWebhook(secret, ts, body),
          },
          body,
        };
      } else {
        error = "webhook removed or disabled";
      }
      if (target) {
        const res = await fetchImpl(target.url, { method: "POST", headers: target.headers, body: target.body, redirect: "manual", signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000) });
        status = res.status;
        await res.body?.cancel().catch(() => {});
        if (!res.ok) error = `HTTP ${res.status}`;
      }
    } catch (err) {
      // The message of a failed fetch or unseal; never the headers or body (they carry credentials).
      error = (err as Error).message.slice(0, 300);
    }
    const retrying = target !== null;
    const attempts = d.attempts + 1;
    if (!error) {
      await db.webhookDelivery.update({ where: { id: d.id }, data: { attempts, deliveredAt: now(), lastStatus: status, lastError: null } });
    } else {
      const delay = retrying ? RETRY_DELAYS_S[attempts - 1] : undefined;
      await db.webhookDelivery.update({
        where: { id: d.id },
        data: delay === undefined
          ? { attempts, failedAt: now(), lastStatus: status, lastError: error }
          : { attempts, nextAttemptAt: new Date(now().getTime() + delay * 1000), lastStatus: status, lastError: error },
      });
    }
  }
  return claimed.length;
}

// One delivery loop per process, started by whoever first queues an event; it also picks up what other processes or
// an earlier run left due. Registered in lib/background.ts, so it can be stopped and its pass waited for.
const globalForHooks = globalThis as unknown as { charterWebhookWorker?: { kick(): void } };

export function webhookWorker(db: Db, intervalMs = 5_000): { kick(): void } {
  if (globalForHooks.charterWebhookWorker) return globalForHooks.charterWebhookWorker;
  let running = false;
  let again = false;
  let stopped = false;
  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    void inBackground(
      deliverDueWebhooks(db)
        .then((n) => (n > 0 ? (again = true) : undefined))
        .catch((err) => console.error("[webhooks] delivery failed; will retry", err))
        .finally(() => {
          running = false;
          if (again && !stopped) {
            again = false;
            setImmediate(run);
          }
        }),
    );
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  const worker = { kick: run };
  const unregister = registerLoop({
    stop: () => {
      stopped = true;
      clearInterval(timer);
      unregister();
      if (globalForHooks.charterWebhookWorker === worker) delete globalForHooks.charterWebhookWorker;
    },
  });
  globalForHooks.charterWebhookWorker = worker;
  return worker;
}
