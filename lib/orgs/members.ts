import { z } from "zod";
import type { Db, Prisma, Role } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { lockOrgForManagement, requirePermission } from "./access";

/** The roles of DESIGN.md, most powerful first (the order of role pickers). */
import { ROLES } from "../auth/actor";

export { ROLES };

export const roleSchema = z.enum(ROLES, { message: `Role must be one of ${ROLES.join(", ")}` });

export interface MemberView {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: Date;
}

/** Members of the context's org, owners first, then by email. */
export async function listMembers(db: Db, ctx: OrgContext): Promise<MemberView[]> {
  requirePermission(ctx, "org:read");
  const rows = await db.membership.findMany({
    where: { orgId: ctx.org.id },
    select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  return rows
    .map((r) => ({ userId: r.user.id, email: r.user.email, name: r.user.name, role: r.role, joinedAt: r.createdAt }))
    .sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || a.email.localeCompare(b.email));
}

async function memberForUpdate(tx: Prisma.TransactionClient, ctx: OrgContext, userId: string) {
  // Scoped by org: a member of another org is simply not found here.
  const member = await tx.membership.findUnique({
    where: { orgId_userId: { orgId: ctx.org.id, userId } },
    select: { id: true, role: true, user: { select: { email: true } } },
  });
  if (!member) throw new AppError("not_found", "No such member in this organisation.");
  return member;
}

async function assertNotLastOwner(tx: Prisma.TransactionClient, ctx: OrgContext, what: string) {
  const owners = await tx.membership.count({ where: { orgId: ctx.org.id, role: "owner" } });
  if (owners <= 1) throw new AppError("conflict", `${what}: an organisation needs at least one owner. Make someone else owner first.`);
}

/** Sets a member's role. The last owner cannot be demoted; the check runs under the org's row lock. */
export async function changeRole(db: Db, ctx: OrgContext, input: { userId: string; role: Role }, request: RequestInfo) {
  requirePermission(ctx, "org:manage");
  const { userId, role } = z.object({ userId: z.string().min(1).max(64), role: roleSchema }).parse(input);
  return db.$transaction(async (tx) => {
    await lockOrgForManagement(tx, ctx);
    const member = await memberForUpdate(tx, ctx, userId);
    if (member.role === role) return { changed: false, role };
    if (member.role === "owner") await assertNotLastOwner(tx, ctx, `${member.user.email} stays owner`);
    await tx.membership.update({ where: { id: member.id }, data: { role } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "member.role_changed",
      target: { type: "user", id: userId },
      diff: { role: { before: member.role, after: role } },
      meta: { email: member.user.email },
      request,
    });
    return { changed: true, role };
  });
}

/** Removes a member from the org (the account stays). The last owner cannot be removed. */
export async function removeMember(db: Db, ctx: OrgContext, input: { userId: string }, request: RequestInfo) {
  requirePermission(ctx, "org:manage");
  const { userId } = z.object({ userId: z.string().min(1).max(64) }).parse(input);
  await db.$transaction(async (tx) => {
    await lockOrgForManagement(tx, ctx);
    const member = await memberForUpdate(tx, ctx, userId);
    if (member.role === "owner") await assertNotLastOwner(tx, ctx, `${member.user.email} cannot be removed`);
    await tx.membership.delete({ where: { id: member.id } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "member.removed",
      target: { type: "user", id: userId },
      diff: { role: { before: member.role, after: null } },
      meta: { email: member.user.email },
      request,
    });
  });
}
