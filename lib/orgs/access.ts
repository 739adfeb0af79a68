import { AppError } from "../errors";
import type { Prisma } from "../db";
import { can, scopesAllow, type OrgContext, type Permission } from "../auth/actor";

/**
 * Re-checks a permission on an already-resolved context. Domain functions call it although their callers authorised
 * already, so a caller that passes a weaker context (a viewer's, a token's) is refused here too.
 */
export function requirePermission(ctx: OrgContext, permission: Permission): void {
  const allowed = ctx.actor.type === "token" ? scopesAllow(ctx.actor.scopes, permission) : ctx.role !== null && can(ctx.role, permission);
  if (!allowed) {
    const who = ctx.actor.type === "token" ? `This token's scopes (${ctx.actor.scopes.join(", ")})` : `Your role (${ctx.role})`;
    throw new AppError("forbidden", `${who} may not do this in ${ctx.org.name}.`);
  }
}

/**
 * Serialises membership changes of one org: locks its row for the transaction, then re-reads the acting member's role,
 * so a role taken away a moment ago (or two owners demoting each other at once) cannot slip through.
 */
export async function lockOrgForManagement(tx: Prisma.TransactionClient, ctx: OrgContext): Promise<void> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Organization" WHERE id = ${ctx.org.id} FOR UPDATE`;
  if (locked.length === 0) throw new AppError("not_found", "This organisation no longer exists.");
  if (ctx.actor.type !== "user") throw new AppError("forbidden", "Only members manage an organisation.");
  const me = await tx.membership.findUnique({ where: { orgId_userId: { orgId: ctx.org.id, userId: ctx.actor.userId } }, select: { role: true } });
  if (!me || !can(me.role, "org:manage")) throw new AppError("forbidden", `Your role no longer allows managing ${ctx.org.name}.`);
}
