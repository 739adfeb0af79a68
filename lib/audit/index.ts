import { createHash } from "node:crypto";
import type { Db, Prisma } from "../db";

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
  /** Field-level diff { field: { before, after } }; pass secrets through `redact` first. */
  diff?: Record<string, { before?: unknown; after?: unknown }> | null;
  meta?: Record<string, unknown> | null;
  request?: RequestInfo | null;
}

export const GLOBAL_CHAIN = "global";
export const GENESIS_HASH = "0".repeat(64);

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
    actorLabel: input.actor.label,
    action: input.action,
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    diff: (input.diff ?? null) as Prisma.JsonValue,
    meta: (input.meta ?? null) as Prisma.JsonValue,
    requestId: input.request?.requestId ?? null,
    ip: input.request?.ip ?? null,
  };
  return tx.auditEvent.create({
    data: { ...fields, diff: fields.diff ?? undefined, meta: fields.meta ?? undefined, hash: eventHash(fields) } as Prisma.AuditEventUncheckedCreateInput,
  });
}

/** Records an event in a transaction of its own (for events that accompany no other write, like a sign-in). */
export function recordAuditNow(db: Db, input: AuditInput) {
  return db.$transaction((tx) => recordAudit(tx, input));
}

/** The fields a hash covers: everything but the row id and the hash itself. */
export interface ChainedFields {
  chain: string;
  seq: number;
  orgId: string | null;
  prevHash: string;
  createdAt: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  diff: Prisma.JsonValue | null;
  meta: Prisma.JsonValue | null;
  requestId: string | null;
  ip: string | null;
}

/** sha256 over a canonical JSON form (sorted keys, ISO time), so the hash can be recomputed from the stored row. */
export function eventHash(f: ChainedFields): string {
  return createHash("sha256").update(canonicalJson({ ...f, createdAt: f.createdAt.toISOString() })).digest("hex");
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}
