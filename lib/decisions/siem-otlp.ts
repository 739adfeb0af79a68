import { z } from "zod";
import { httpUrl } from "../http-url";
import type { Db, Prisma } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { open, seal } from "../crypto/secretbox";
import { enqueueDeliveries, type OutboxEvent } from "../webhooks/outbox";

/*
 * OTLP/HTTP logs export to a SIEM, beside the signed webhook: each stored decision and each audit event of the org
 * becomes one OTLP log record, POSTed as OTLP/HTTP JSON to the org's collector (`…/v1/logs`) with the org's headers.
 * Deliveries share the webhook's outbox (WebhookDelivery with sink "otlp"): same retries, same dead-letter list.
 * Decisions are queued in the transaction that stores them (lib/webhooks enqueueWebhookEvents); audit events are
 * queued by the delivery loop from a cursor on the org's audit chain (its seq is gap-free and committed in order,
 * lib/audit/record.ts), so recording an event stays one insert.
 */

type Tx = Prisma.TransactionClient;
const SEAL_CONTEXT = "otlp-export-headers";
/** Audit events per export delivery. */
export const AUDIT_CHUNK = 200;

// Headers the exporter sets itself, or that a proxy would misread; an org cannot override them.
const RESERVED_HEADERS = new Set(["content-type", "content-length", "content-encoding", "host", "connection", "transfer-encoding", "user-agent"]);

export const otlpExportSchema = z.strictObject({
  endpoint: httpUrl("Give the collector's http(s) logs URL, e.g. https://collector.example/v1/logs"),
  enabled: z.boolean().default(true),
  /** Replaces every header when given; kept as they are when left out (their values are never shown again). */
  headers: z
    .array(
      z.strictObject({
        name: z.string().trim().min(1, "A header needs a name").max(100).regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "Header names are letters, digits and - _ . only")
          .refine((n) => !RESERVED_HEADERS.has(n.toLowerCase()), "Charter sets this header itself"),
        value: z.string().max(4000, "At most 4000 characters").regex(/^[^\r\n]*$/, "A header value is one line"),
      }),
    )
    .max(20, "At most 20 headers")
    .optional(),
});
export type OtlpExportInput = z.input<typeof otlpExportSchema>;

export interface OtlpExportView {
  endpoint: string;
  enabled: boolean;
  headerNames: string[];
  updatedAt: Date;
}

export async function getOtlpExport(db: Db, ctx: OrgContext): Promise<OtlpExportView | null> {
  requirePermission(ctx, "org:read");
  return db.otlpExport.findUnique({ where: { orgId: ctx.org.id }, select: { endpoint: true, enabled: true, headerNames: true, updatedAt: true } });
}

/**
 * Sets the export (org:manage, like the webhook). Header values are sealed with the master key and never returned or
 * audited (only their names). A new export starts with the audit events recorded from now on.
 */
export async function saveOtlpExport(db: Db, ctx: OrgContext, input: OtlpExportInput, request: RequestInfo): Promise<OtlpExportView> {
  requirePermission(ctx, "org:manage");
  const next = otlpExportSchema.parse(input);
  const names = next.headers?.map((h) => h.name);
  if (names && new Set(names.map((n) => n.toLowerCase())).size !== names.length) throw new AppError("validation_failed", "Each header name may appear once.");
  return db.$transaction(async (tx) => {
    const before = await tx.otlpExport.findUnique({ where: { orgId: ctx.org.id }, select: { endpoint: true, enabled: true, headerNames: true } });
    const headers = next.headers
      ? { headerNames: next.headers.map((h) => h.name), headersSealed: next.headers.length ? seal(JSON.stringify(Object.fromEntries(next.headers.map((h) => [h.name, h.value]))), `${SEAL_CONTEXT}:${ctx.org.id}`) : null }
      : {};
    const [{ seq }] = await tx.$queryRaw<{ seq: number }[]>`SELECT COALESCE(MAX(seq), 0)::int AS seq FROM "AuditEvent" WHERE chain = ${ctx.org.id}`;
    const saved = await tx.otlpExport.upsert({
      where: { orgId: ctx.org.id },
      // The event recorded below is the first one exported.
      create: { orgId: ctx.org.id, endpoint: next.endpoint, enabled: next.enabled, auditSeq: seq, ...headers },
      update: { endpoint: next.endpoint, enabled: next.enabled, ...headers },
      select: { endpoint: true, enabled: true, headerNames: true, updatedAt: true },
    });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: before ? "decisions.otlp_export.updated" : "decisions.otlp_export.created",
      target: { type: "otlp_export", id: ctx.org.id },
      diff: {
        endpoint: { before: before?.endpoint ?? null, after: saved.endpoint },
        enabled: { before: before?.enabled ?? null, after: saved.enabled },
        ...(next.headers ? { headers: { before: before?.headerNames ?? [], after: saved.headerNames } } : {}),
      },
      request,
    });
    return saved;
  });
}

export async function deleteOtlpExport(db: Db, ctx: OrgContext, request: RequestInfo): Promise<void> {
  requirePermission(ctx, "org:manage");
  await db.$transaction(async (tx) => {
    const before = await tx.otlpExport.findUnique({ where: { orgId: ctx.org.id }, select: { endpoint: true } });
    if (!before) throw new AppError("not_found", "This organisation has no OTLP export.");
    await tx.otlpExport.delete({ where: { orgId: ctx.org.id } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "decisions.otlp_export.deleted",
      target: { type: "otlp_export", id: ctx.org.id },
      diff: { endpoint: { before: before.endpoint, after: null } },
      request,
    });
  });
}

/** Whether the org exports over OTLP (the outbox queues decisions for it). */
export async function otlpExportEnabled(tx: Tx, orgId: string): Promise<boolean> {
  const e = await tx.otlpExport.findUnique({ where: { orgId }, select: { enabled: true } });
  return e?.enabled === true;
}

/** The export's endpoint and header values, for the delivery only; null when it is gone or disabled. */
export function exportTarget(e: { endpoint: string; enabled: boolean; headersSealed: string | null } | null, orgId: string): { endpoint: string; headers: Record<string, string> } | null {
  if (!e?.enabled) return null;
  const headers = e.headersSealed ? (JSON.parse(open(e.headersSealed, `${SEAL_CONTEXT}:${orgId}`).toString("utf8")) as Record<string, string>) : {};
  return { endpoint: e.endpoint, headers };
}

/**
 * Queues the audit events recorded since each enabled export's cursor (AUDIT_CHUNK per delivery), moving the cursor
 * in the same transaction. Called by the delivery loop before it sends. Returns how many deliveries it queued.
 */
export async function queueAuditForOtlp(db: Db): Promise<number> {
  const exports = await db.otlpExport.findMany({ where: { enabled: true }, select: { orgId: true } });
  let queued = 0;
  for (const { orgId } of exports) {
    queued += await db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ auditSeq: number }[]>`SELECT "auditSeq" FROM "OtlpExport" WHERE "orgId" = ${orgId} AND enabled FOR UPDATE SKIP LOCKED`;
      if (!rows.length) return 0;
      const events = await tx.auditEvent.findMany({ where: { chain: orgId, seq: { gt: rows[0].auditSeq } }, orderBy: { seq: "asc" }, take: AUDIT_CHUNK * 5 });
      if (!events.length) return 0;
      const batches: OutboxEvent[] = [];
      for (let i = 0; i < events.length; i += AUDIT_CHUNK) {
        const chunk = events.slice(i, i + AUDIT_CHUNK).map(({ id: _id, chain: _chain, orgId: _org, ...e }) => ({ ...e, createdAt: e.createdAt.toISOString() }));
        batches.push({ event: "audit.recorded", data: { events: chunk } });
      }
      const queuedHere = await enqueueDeliveries(tx, orgId, "otlp", batches);
      await tx.otlpExport.update({ where: { orgId }, data: { auditSeq: events[events.length - 1].seq } });
      return queuedHere;
    });
  }
  return queued;
}

// ── OTLP/HTTP JSON (opentelemetry-proto logs/v1, JSON mapping: 64-bit integers as decimal strings) ─────────────────

type AnyValue = { stringValue: string } | { intValue: string } | { boolValue: boolean } | { doubleValue: number };
type KeyValue = { key: string; value: AnyValue };

function value(v: unknown): AnyValue | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "number") return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (typeof v === "string") return { stringValue: v };
  return { stringValue: JSON.stringify(v) };
}

function attributes(pairs: Record<string, unknown>): KeyValue[] {
  const out: KeyValue[] = [];
  for (const [key, v] of Object.entries(pairs)) {
    const av = value(v);
    if (av) out.push({ key, value: av });
  }
  return out;
}

const nanos = (iso: string | Date) => `${BigInt(new Date(iso).getTime()) * 1_000_000n}`;

// Severity numbers of the OTLP data model: INFO 9, WARN 13, ERROR 17.
const SEVERITY: Record<string, [number, string]> = { allow: [9, "INFO"], deny: [13, "WARN"], failed: [17, "ERROR"], timed_out: [17, "ERROR"] };

interface DecisionPayload {
  id: string;
  occurredAt: string;
  status: string;
  [field: string]: unknown;
}

function decisionRecord(d: DecisionPayload, ctx: { hostId?: unknown; group?: unknown; source?: unknown }, observed: string) {
  const [severityNumber, severityText] = SEVERITY[d.status] ?? [9, "INFO"];
  return {
    timeUnixNano: nanos(d.occurredAt),
    observedTimeUnixNano: observed,
    severityNumber,
    severityText,
    eventName: "charter.decision",
    body: { stringValue: `Auto-review ${d.status}: ${d.kind ?? "action"}${d.toolName ? ` ${d.toolName}` : ""}` },
    attributes: attributes({
      "event.name": "charter.decision",
      "decision.id": d.id,
      "decision.status": d.status,
      "decision.source": ctx.source,
      "codex.status": d.codexStatus,
      outcome: d.outcome,
      risk_level: d.riskLevel,
      user_authorization: d.userAuthorization,
      rationale: d.rationale,
      kind: d.kind,
      "tool.name": d.toolName,
      "tool.namespace": d.toolNamespace,
      "mcp.server": d.mcpServer,
      arguments: d.arguments,
      "tool.success": d.toolSuccess,
      model: d.model,
      "codex.version": d.codexVersion,
      originator: d.originator,
      "host.id": ctx.hostId,
      "host.name": d.hostName,
      "charter.group": ctx.group,
      "policy.version": d.policyVersion,
      "conversation.id": d.conversationId,
      call_id: d.callId,
      "turn.id": d.turnId,
      "duration_ms": d.durationMs,
      masked: Array.isArray(d.masked) && d.masked.length ? d.masked : null,
    }),
  };
}

function auditRecord(e: Record<string, unknown>, observed: string) {
  return {
    timeUnixNano: nanos(String(e.createdAt)),
    observedTimeUnixNano: observed,
    severityNumber: 9,
    severityText: "INFO",
    eventName: "charter.audit",
    body: { stringValue: `${e.actorLabel} ${e.action}${e.targetType ? ` ${e.targetType}${e.targetId ? ` ${e.targetId}` : ""}` : ""}` },
    attributes: attributes({
      "event.name": "charter.audit",
      "audit.action": e.action,
      "audit.seq": e.seq,
      "audit.hash": e.hash,
      "audit.prev_hash": e.prevHash,
      "actor.type": e.actorType,
      "actor.id": e.actorId,
      "actor.label": e.actorLabel,
      "target.type": e.targetType,
      "target.id": e.targetId,
      diff: e.diff,
      meta: e.meta,
      "request.id": e.requestId,
      "client.address": e.ip,
    }),
  };
}

/**
 * The OTLP/HTTP JSON body of one outbox delivery: `decisions.recorded` → one record per decision, `audit.recorded` →
 * one per audit event, anything else (alerts) → one record carrying the event's data.
 */
export function otlpLogsBody(delivery: { event: string; payload: unknown; createdAt: Date }, org: { slug: string }, now: Date): string {
  const observed = nanos(now);
  const p = (delivery.payload ?? {}) as Record<string, unknown>;
  let scope: string;
  let records: unknown[];
  if (delivery.event === "decisions.recorded") {
    scope = "charter.decisions";
    records = ((p.decisions as DecisionPayload[] | undefined) ?? []).map((d) => decisionRecord(d, p, observed));
  } else if (delivery.event === "audit.recorded") {
    scope = "charter.audit";
    records = ((p.events as Record<string, unknown>[] | undefined) ?? []).map((e) => auditRecord(e, observed));
  } else {
    scope = "charter.events";
    records = [
      {
        timeUnixNano: nanos(delivery.createdAt),
        observedTimeUnixNano: observed,
        severityNumber: 13,
        severityText: "WARN",
        eventName: `charter.${delivery.event}`,
        body: { stringValue: typeof p.detail === "string" ? p.detail : delivery.event },
        attributes: attributes({ "event.name": `charter.${delivery.event}`, ...p }),
      },
    ];
  }
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: attributes({ "service.name": "charter", "charter.org": org.slug }) },
        scopeLogs: [{ scope: { name: scope }, logRecords: records }],
      },
    ],
  });
}
