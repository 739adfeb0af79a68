import { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, TOKEN_SCOPES, type OrgContext, type TokenActor } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { hashSecret, looksLikeSecret, newSecret, secretPrefix } from "../crypto/tokens";

/** Admin API tokens look like `chr_<43 characters>`; the first 12 characters are kept to recognise a token in lists. */
const TOKEN_PREFIX = "chr_";
// Writing last-used on every request would turn reads into writes; a minute is precise enough to spot stale tokens.
const LAST_USED_GRANULARITY_MS = 60_000;

export const createTokenSchema = z.object({
  name: z.string().trim().min(1, "Give the token a name").max(80),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1, "Choose at least one scope").transform((s) => [...new Set(s)]),
  expiresInDays: z.number().int().min(1).max(365).nullable().default(90),
});
export type CreateTokenInput = z.input<typeof createTokenSchema>;

/** Creates a token; the secret is returned here once and never stored. */
export async function createApiToken(db: Db, ctx: OrgContext, input: CreateTokenInput, request?: RequestInfo) {
  // Owners only (DESIGN.md: owners manage members, tokens and settings); a token never mints tokens.
  requirePermission(ctx, "org:manage");
  const { name, scopes, expiresInDays } = createTokenSchema.parse(input);
  const secret = newSecret(TOKEN_PREFIX);
  const expiresAt = expiresInDays === null ? null : new Date(Date.now() + expiresInDays * 86_400_000);
  const token = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        orgId: ctx.org.id,
        name,
        prefix: secretPrefix(secret),
        tokenHash: hashSecret(secret),
        scopes,
        expiresAt,
        createdById: ctx.actor.type === "user" ? ctx.actor.userId : null,
      },
      select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, expiresAt: true },
    });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "token.created",
      target: { type: "api_token", id: created.id },
      diff: { name: { after: name }, scopes: { after: scopes }, expiresAt: { after: expiresAt?.toISOString() ?? null }, secret: { after: "[redacted]" } },
      request,
    });
    return created;
  });
  return { token, secret };
}

/** The org's tokens for the settings page: never the hash. */
export async function listApiTokens(db: Db, ctx: OrgContext) {
  requirePermission(ctx, "org:manage");
  return db.apiToken.findMany({
    where: { orgId: ctx.org.id },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, expiresAt: true, lastUsedAt: true, revokedAt: true, createdBy: { select: { email: true } } },
  });
}

export async function revokeApiToken(db: Db, ctx: OrgContext, tokenId: string, request?: RequestInfo) {
  requirePermission(ctx, "org:manage");
  z.string({ message: "Token id must be a string" }).min(1).max(64).parse(tokenId);
  await db.$transaction(async (tx) => {
    // Scoped by org: another org's token id is simply not found.
    const token = await tx.apiToken.findFirst({ where: { id: tokenId, orgId: ctx.org.id }, select: { id: true, revokedAt: true, name: true } });
    if (!token) throw new AppError("not_found", "No such token in this organisation.");
    if (token.revokedAt) throw new AppError("conflict", `Token "${token.name}" is already revoked.`);
    const revokedAt = new Date();
    await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "token.revoked",
      target: { type: "api_token", id: token.id },
      diff: { revokedAt: { before: null, after: revokedAt.toISOString() } },
      request,
    });
  });
}

/** Resolves a presented secret to its token actor; null when unknown, revoked or expired. */
export async function authenticateApiToken(db: Db, raw: string): Promise<TokenActor | null> {
  if (!looksLikeSecret(raw, TOKEN_PREFIX)) return null;
  const token = await db.apiToken.findUnique({
    where: { tokenHash: hashSecret(raw) },
    select: { id: true, name: true, orgId: true, scopes: true, expiresAt: true, revokedAt: true, lastUsedAt: true },
  });
  const now = Date.now();
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= now)) return null;
  if (!token.lastUsedAt || now - token.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { type: "token", tokenId: token.id, name: token.name, orgId: token.orgId, scopes: token.scopes.filter(isScope) };
}

function isScope(s: string): s is (typeof TOKEN_SCOPES)[number] {
  return (TOKEN_SCOPES as readonly string[]).includes(s);
}
