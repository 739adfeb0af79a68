import { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { hashSecret, newSecret, secretPrefix } from "../crypto/tokens";

/** Ingest keys (`chk_…`) may only write decisions through OTLP `/v1/logs`: they read nothing and manage nothing. */
export const INGEST_KEY_PREFIX = "chk_";
const MANAGE = "policy:publish" as const;

const nameSchema = z.string({ message: "Give the key a name" }).trim().min(1, "Give the key a name").max(80, "At most 80 characters");

export interface IngestKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export async function listIngestKeys(db: Db, ctx: OrgContext): Promise<IngestKeyView[]> {
  requirePermission(ctx, MANAGE);
  return db.decisionIngestKey.findMany({
    where: { orgId: ctx.org.id },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

/** Creates a key; its secret is returned here once, only the hash is kept. */
export async function createIngestKey(db: Db, ctx: OrgContext, input: { name: unknown }, request: RequestInfo) {
  requirePermission(ctx, MANAGE);
  const name = nameSchema.parse(input.name);
  const secret = newSecret(INGEST_KEY_PREFIX);
  const key = await db.$transaction(async (tx) => {
    const created = await tx.decisionIngestKey.create({
      data: { orgId: ctx.org.id, name, prefix: secretPrefix(secret), tokenHash: hashSecret(secret) },
      select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
    });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "decisions.ingest_key.created",
      target: { type: "decision_ingest_key", id: created.id },
      diff: { name: { after: name }, secret: { after: "[redacted]" } },
      request,
    });
    return created;
  });
  return { key, secret };
}

export async function revokeIngestKey(db: Db, ctx: OrgContext, id: string, request: RequestInfo) {
  requirePermission(ctx, MANAGE);
  z.string().min(1).max(64).parse(id);
  await db.$transaction(async (tx) => {
    const key = await tx.decisionIngestKey.findFirst({ where: { id, orgId: ctx.org.id }, select: { id: true, name: true, revokedAt: true } });
    if (!key) throw new AppError("not_found", "No such ingest key in this organisation.");
    if (key.revokedAt) throw new AppError("conflict", `Ingest key "${key.name}" is already revoked.`);
    const revokedAt = new Date();
    await tx.decisionIngestKey.update({ where: { id: key.id }, data: { revokedAt } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "decisions.ingest_key.revoked",
      target: { type: "decision_ingest_key", id: key.id },
      diff: { revokedAt: { before: null, after: revokedAt.toISOString() } },
      request,
    });
  });
}
