import type { Db, Prisma } from "../db";
import { eventHash, GENESIS_HASH, GLOBAL_CHAIN, type ChainedFields } from "./chain";
import { redact } from "./redact";

/** Who did it, as the audit log records it. */
export interface AuditActor {
  type: "user" | "token" | "system" | "anonymous";
  id?: string | null;
  /** Email, token name or "system": what a reader of the log sees. */
  label: string;
}

/** Where the request came from (lib/request.ts builds it from headers). */
export interface RequestInfo {
  requestId?: string | null;
  ip?: string | null;
}

export interface AuditInput {
  /** The org the event belongs to; null for events of no org (they go to the "global" chain). */
  orgId: string | null;
  actor: AuditActor;
  /** Dotted verb, e.g. "policy.draft.saved", "auth.signin", "auth.signin_failed", "token.created". */
  action: string;
  target?: { type: string; id?: string | null } | null;
  /** Field-level diff { field: { before, after } } (see `fieldDiff`); secrets are redacted before it is stored. */
  diff?: Record<string, { before?: unknown; after?: unknown }> | null;
  meta?: Record<string, unknown> | null;
  request?: RequestInfo | null;
}

type Tx = Prisma.TransactionClient;

/**
 * Appends an event to its org's hash chain. Call it inside the transaction that makes the change, so the change and
 * its record commit or fail together. A per-chain advisory lock orders concurrent writers.
 */
export async function recordAudit(tx: Tx, input: AuditInput) {
  const chain = input.orgId ?? GLOBAL_CHAIN;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`audit:${chain}`}))`;
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
    requestId: input.request?.requestId ?? null,
    ip: input.request?.ip ?? null,
  };
  return tx.auditEvent.create({
    data: { ...fields, diff: fields.diff ?? undefined, meta: fields.meta ?? undefined, hash: eventHash(fields) } as Prisma.AuditEventUncheckedCreateInput,
  });
}

/** Records an event in a transaction of its own (for events that accompany no other write, like a sign-in). */
export function recordAuditNow(db: Db, input: AuditInput) {
  // Writers of one chain queue on its lock; give a burst of them (many sign-ins at once) time to get through.
  return db.$transaction((tx) => recordAudit(tx, input), { maxWait: 15_000, timeout: 15_000 });
}
