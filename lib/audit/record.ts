import { z } from "zod";
import type { Db, Prisma } from "../db";
import { eventHash, GENESIS_HASH, GLOBAL_CHAIN, type ChainedFields } from "./chain";
import { AUDIT_EVENTS, isAuditEventType, type AuditEventType, type AuditMeta, type AuditTargetType } from "./events";
import { redact } from "./redact";
import { AUDIT_CHANNEL, auditKey, eventMac } from "./anchor";

/** Who did it, as the audit log records it. */
export interface AuditActor {
  type: "user" | "token" | "system" | "anonymous";
  id?: string | null;
  /** Email, token name or "system": what a reader of the log sees. */
  label: string;
}

/**
 * Where the request came from (lib/request.ts builds it from headers). Required on every event, so none silently loses
 * its request id and IP: work that no request started (timers, startup, the CLI) passes SYSTEM_REQUEST, said outright.
 */
export interface RequestInfo {
  requestId: string | null;
  ip: string | null;
}

/** The context of work no HTTP request started: a background job, startup, the CLI. */
export const SYSTEM_REQUEST: RequestInfo = Object.freeze({ requestId: null, ip: null });

/** The payload of an event of type T: `meta` is required unless the event's schema allows none. */
type MetaOf<T extends AuditEventType> = null extends AuditMeta<T> ? { meta?: AuditMeta<T> } : { meta: AuditMeta<T> };

/** One audit event of type T, as recordAudit takes it. */
export type AuditEventInput<T extends AuditEventType> = {
  /** The org the event belongs to; null for events of no org (they go to the "global" chain). */
  orgId: string | null;
  actor: AuditActor;
  /** The event type, one of lib/audit/events.ts. */
  action: T;
  target?: { type: AuditTargetType<T>; id?: string | null } | null;
  /** Field-level diff { field: { before, after } }; secrets are redacted before it is stored. */
  diff?: Record<string, { before?: unknown; after?: unknown }> | null;
  request: RequestInfo;
} & MetaOf<T>;

/** Any audit event: a union over the event types, so `action` decides what `meta` and `target` must be. */
export type AuditInput = { [T in AuditEventType]: AuditEventInput<T> }[AuditEventType];

/** Refuses an event whose type, target or payload is not the one lib/audit/events.ts declares (a bug, not bad input). */
function checkEvent(input: AuditInput) {
  const action: string = input.action;
  if (!isAuditEventType(action)) throw new Error(`Unknown audit event type "${action}": add it to lib/audit/events.ts.`);
  const def = AUDIT_EVENTS[action];
  if (!input.request || typeof input.request !== "object") throw new Error(`Audit event "${action}" has no request context (pass SYSTEM_REQUEST for work no request started).`);
  if (input.target && def.target !== null && input.target.type !== def.target) {
    throw new Error(`Audit event "${action}" targets "${def.target}", not "${input.target.type}".`);
  }
  const parsed = def.meta.safeParse(input.meta ?? null);
  if (!parsed.success) throw new Error(`Audit event "${action}" has a payload its schema refuses: ${z.prettifyError(parsed.error)}`);
}

type Tx = Prisma.TransactionClient;

/**
 * Appends an event to its org's hash chain. Call it inside the transaction that makes the change, so the change and
 * its record commit or fail together. A per-chain advisory lock orders concurrent writers.
 */
export async function recordAudit(tx: Tx, input: AuditInput) {
  checkEvent(input);
  const chain = input.orgId ?? GLOBAL_CHAIN;
  // The notification is delivered only if the transaction commits: the server then moves this chain's anchor
  // (lib/audit/anchor.ts). Sent with the lock, to cost no extra round trip.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`audit:${chain}`})), pg_notify(${AUDIT_CHANNEL}, ${chain})`;
  const last = await tx.auditEvent.findFirst({ where: { chain }, orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  const fields: ChainedFields = {
    chain,
    seq: (last?.seq ?? 0) + 1,
    orgId: input.orgId,
    prevHash: last?.hash ?? GENESIS_HASH,
    createdAt: new Date(),
    actorType: input.actor.type,
    actorId: input.actor.id ?? null,
    actorLabel: redact(input.actor.label) as string,
    action: input.action,
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    // Redacted and JSON-normalised before hashing, so the hash is over exactly what the row stores.
    diff: (redact(input.diff ?? null) ?? null) as Prisma.JsonValue,
    meta: (redact(input.meta ?? null) ?? null) as Prisma.JsonValue,
    requestId: input.request.requestId ?? null,
    ip: input.request.ip ?? null,
  };
  const hash = eventHash(fields);
  const key = auditKey();
  return tx.auditEvent.create({
    data: { ...fields, diff: fields.diff ?? undefined, meta: fields.meta ?? undefined, hash, mac: key && eventMac(key, chain, fields.seq, hash) } as Prisma.AuditEventUncheckedCreateInput,
  });
}

/** Records an event in a transaction of its own (for events that accompany no other write, like a sign-in). */
export function recordAuditNow(db: Db, input: AuditInput) {
  // Writers of one chain queue on its lock; give a burst of them (many sign-ins at once) time to get through.
  return db.$transaction((tx) => recordAudit(tx, input), { maxWait: 15_000, timeout: 15_000 });
}
