import { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, SYSTEM_REQUEST, type RequestInfo } from "../audit";
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
  // Every token expires; the org's longest token life (owner's setting, default 90 days) caps it.
  expiresInDays: z.number().int().min(1, "Tokens live at least 1 day").max(365, "Tokens live at most 365 days").default(90),
});

const DAY_MS = 86_400_000;

/** The org's longest token life; a token asking for more is refused, naming the limit. */
async function assertLifetime(db: Pick<Db, "organization">, orgId: string, days: number): Promise<void> {
  const org = await db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { tokenMaxDays: true } });
  if (days > org.tokenMaxDays) {
    throw new AppError("validation_failed", `Tokens of this organisation live at most ${org.tokenMaxDays} days (set by its owners); choose ${org.tokenMaxDays} or fewer.`, {
      field: "expiresInDays",
      max: org.tokenMaxDays,
    });
  }
}
export type CreateTokenInput = z.input<typeof createTokenSchema>;

/** Creates a token; the secret is returned here once and never stored. */
export async function createApiToken(db: Db, ctx: OrgContext, input: CreateTokenInput, request: RequestInfo) {
  // Owners only (DESIGN.md: owners manage members, tokens and settings); a token never mints tokens.
  requirePermission(ctx, "org:manage");
  const { name, scopes, expiresInDays } = createTokenSchema.parse(input);
  await assertLifetime(db, ctx.org.id, expiresInDays);
  const secret = newSecret(TOKEN_PREFIX);
  const expiresAt = new Date(Date.now() + expiresInDays * DAY_MS);
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
  const rows = await db.apiToken.findMany({
    where: { orgId: ctx.org.id },
    orderBy: { createdAt: "desc" },
    select: {
      id: true, name: true, prefix: true, scopes: true, createdAt: true, expiresAt: true, lastUsedAt: true, revokedAt: true, createdById: true,
      createdBy: { select: { email: true, memberships: { where: { orgId: ctx.org.id }, select: { role: true } } } },
    },
  });
  return rows.map(({ createdBy, createdById, ...t }) => ({
    ...t,
    createdBy: createdBy && { email: createdBy.email },
    // Made from the command line (no creator), or by someone still in the org.
    creatorIsMember: createdById === null || (createdBy?.memberships.length ?? 0) > 0,
  }));
}

export async function revokeApiToken(db: Db, ctx: OrgContext, tokenId: string, request: RequestInfo) {
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
    select: {
      id: true, name: true, orgId: true, scopes: true, createdAt: true, expiresAt: true, revokedAt: true, lastUsedAt: true, createdById: true,
      org: { select: { tokenMaxDays: true } },
    },
  });
  const now = Date.now();
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= now)) return null;
  // The owner's longest token life applies to tokens made before it was lowered, and a token ends with its creator's
  // membership (a token made from the command line has no creator).
  if (token.createdAt.getTime() + token.org.tokenMaxDays * DAY_MS <= now) return null;
  if (token.createdById !== null && !(await db.membership.findFirst({ where: { orgId: token.orgId, userId: token.createdById }, select: { role: true } }))) return null;
  if (!token.lastUsedAt || now - token.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { type: "token", tokenId: token.id, name: token.name, orgId: token.orgId, scopes: token.scopes.filter(isScope) };
}

function isScope(s: string): s is (typeof TOKEN_SCOPES)[number] {
  return (TOKEN_SCOPES as readonly string[]).includes(s);
}

/**
 * Mints a token for automation from the command line (`charter token create`), for an operator with access to the
 * database rather than a console session. Same limits as the console (scopes, the org's longest token life); the token
 * has no creator, and the audit event names the operator.
 */
export async function createApiTokenForOperator(db: Db, slug: string, input: CreateTokenInput, operator: string) {
  const org = await db.organization.findUnique({ where: { slug }, select: { id: true, slug: true, name: true } });
  if (!org) throw new AppError("not_found", `No organisation "${slug}".`);
  const { name, scopes, expiresInDays } = createTokenSchema.parse(input);
  await assertLifetime(db, org.id, expiresInDays);
  const secret = newSecret(TOKEN_PREFIX);
  const expiresAt = new Date(Date.now() + expiresInDays * DAY_MS);
  const token = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { orgId: org.id, name, prefix: secretPrefix(secret), tokenHash: hashSecret(secret), scopes, expiresAt, createdById: null },
      select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, expiresAt: true },
    });
    await recordAudit(tx, {
      orgId: org.id,
      actor: { type: "system", id: null, label: `charter token create (${operator})` },
      action: "token.created",
      target: { type: "api_token", id: created.id },
      diff: { name: { after: name }, scopes: { after: scopes }, expiresAt: { after: expiresAt.toISOString() }, secret: { after: "[redacted]" } },
      meta: { via: "command line" },
      request: SYSTEM_REQUEST,
    });
    return created;
  });
  return { token, secret, org };
}
