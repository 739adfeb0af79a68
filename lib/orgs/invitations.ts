import { z } from "zod";
import type { Db, Prisma, Role } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext, type UserActor } from "../auth/actor";
import { hashPassword } from "../auth/password";
import { requirePermission } from "./access";
import { hashSecret, newSecret } from "../crypto/tokens";
import { roleSchema } from "./members";

const INVITE_PREFIX = "inv_";
export const INVITATION_TTL_DAYS = 7;
export const MIN_PASSWORD_LENGTH = 12;

export const inviteSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address").max(320),
  role: roleSchema,
});

export const newAccountSchema = z.object({
  name: z.string().trim().min(1, "Enter your name").max(120),
  password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`).max(1024),
});

export type InvitationStatus = "pending" | "expired" | "revoked" | "accepted";

function statusOf(inv: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now = Date.now()): InvitationStatus {
  if (inv.acceptedAt) return "accepted";
  if (inv.revokedAt) return "revoked";
  return inv.expiresAt.getTime() <= now ? "expired" : "pending";
}

/**
 * Invites an email address with a role. The secret (the link `/invite/<secret>`) is returned once; only its sha256 is
 * stored. Inviting an address again replaces its pending invitation, so only the newest link works.
 */
export async function inviteMember(db: Db, ctx: OrgContext, input: { email: string; role: Role }, request: RequestInfo) {
  requirePermission(ctx, "org:manage");
  const { email, role } = inviteSchema.parse(input);
  const secret = newSecret(INVITE_PREFIX);
  const expiresAt = new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000);
  const invitation = await db.$transaction(async (tx) => {
    const member = await tx.membership.findFirst({ where: { orgId: ctx.org.id, user: { email: { equals: email, mode: "insensitive" } } }, select: { role: true } });
    if (member) throw new AppError("conflict", `${email} is already a member (${member.role}). Change their role instead.`);
    const now = new Date();
    const replaced = await tx.invitation.updateMany({
      where: { orgId: ctx.org.id, email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    const created = await tx.invitation.create({
      data: {
        orgId: ctx.org.id,
        email,
        role,
        tokenHash: hashSecret(secret),
        expiresAt,
        invitedById: ctx.actor.type === "user" ? ctx.actor.userId : null,
      },
      select: { id: true, email: true, role: true, expiresAt: true },
    });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "member.invited",
      target: { type: "invitation", id: created.id },
      diff: { email: { after: email }, role: { after: role }, expiresAt: { after: expiresAt.toISOString() }, secret: { after: "[redacted]" } },
      meta: replaced.count ? { replacedPendingInvitations: replaced.count } : null,
      request,
    });
    return created;
  });
  return { invitation, secret };
}

/** Invitations not yet accepted or revoked (expired ones included, marked), newest first. */
export async function listInvitations(db: Db, ctx: OrgContext) {
  requirePermission(ctx, "org:manage");
  const rows = await db.invitation.findMany({
    where: { orgId: ctx.org.id, acceptedAt: null, revokedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, role: true, createdAt: true, expiresAt: true, acceptedAt: true, revokedAt: true, invitedBy: { select: { email: true } } },
  });
  return rows.map((r) => ({ id: r.id, email: r.email, role: r.role, createdAt: r.createdAt, expiresAt: r.expiresAt, invitedBy: r.invitedBy?.email ?? null, status: statusOf(r) }));
}

export async function revokeInvitation(db: Db, ctx: OrgContext, input: { invitationId: string }, request: RequestInfo) {
  requirePermission(ctx, "org:manage");
  const { invitationId } = z.object({ invitationId: z.string().min(1).max(64) }).parse(input);
  await db.$transaction(async (tx) => {
    const inv = await tx.invitation.findFirst({ where: { id: invitationId, orgId: ctx.org.id }, select: { id: true, email: true, acceptedAt: true, revokedAt: true } });
    if (!inv) throw new AppError("not_found", "No such invitation in this organisation.");
    if (inv.acceptedAt) throw new AppError("conflict", `${inv.email} already accepted this invitation; remove the member instead.`);
    if (inv.revokedAt) throw new AppError("conflict", `The invitation of ${inv.email} is already revoked.`);
    const revokedAt = new Date();
    await tx.invitation.update({ where: { id: inv.id }, data: { revokedAt } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "member.invitation_revoked",
      target: { type: "invitation", id: inv.id },
      diff: { revokedAt: { before: null, after: revokedAt.toISOString() } },
      meta: { email: inv.email },
      request,
    });
  });
}

export interface InvitationView {
  org: { slug: string; name: string };
  email: string;
  role: Role;
  expiresAt: Date;
  status: InvitationStatus;
  /** Whether an account with the invited email exists (then the invitee signs in instead of creating one). */
  accountExists: boolean;
}

/** What the invite page shows to whoever holds the link; null for an unknown or malformed secret. */
export async function describeInvitation(db: Db, secret: string): Promise<InvitationView | null> {
  if (!secret.startsWith(INVITE_PREFIX) || secret.length > 200) return null;
  const inv = await db.invitation.findUnique({
    where: { tokenHash: hashSecret(secret) },
    select: { email: true, role: true, expiresAt: true, acceptedAt: true, revokedAt: true, org: { select: { slug: true, name: true } } },
  });
  if (!inv) return null;
  const account = await db.user.findFirst({ where: { email: { equals: inv.email, mode: "insensitive" } }, select: { id: true } });
  return { org: inv.org, email: inv.email, role: inv.role, expiresAt: inv.expiresAt, status: statusOf(inv), accountExists: !!account };
}

/** Locks the invitation row and checks it can still be used; every refusal says why. */
async function usableInvitation(tx: Prisma.TransactionClient, secret: string) {
  if (!secret.startsWith(INVITE_PREFIX) || secret.length > 200) throw new AppError("not_found", "This invitation link is not valid.");
  const hash = hashSecret(secret);
  // The row lock makes acceptance single-use even when the link is opened twice at once.
  await tx.$queryRaw`SELECT id FROM "Invitation" WHERE "tokenHash" = ${hash} FOR UPDATE`;
  const inv = await tx.invitation.findUnique({
    where: { tokenHash: hash },
    select: { id: true, orgId: true, email: true, role: true, expiresAt: true, acceptedAt: true, revokedAt: true, org: { select: { slug: true, name: true } } },
  });
  if (!inv) throw new AppError("not_found", "This invitation link is not valid.");
  const status = statusOf(inv);
  if (status === "accepted") throw new AppError("conflict", "This invitation was already used. Sign in to reach the organisation.");
  if (status === "revoked") throw new AppError("conflict", `This invitation was revoked. Ask an owner of ${inv.org.name} for a new one.`);
  if (status === "expired") throw new AppError("conflict", `This invitation expired. Ask an owner of ${inv.org.name} for a new one.`);
  return inv;
}

async function join(tx: Prisma.TransactionClient, inv: Awaited<ReturnType<typeof usableInvitation>>, user: UserActor, request: RequestInfo, accountCreated: boolean) {
  const existing = await tx.membership.findUnique({ where: { orgId_userId: { orgId: inv.orgId, userId: user.userId } }, select: { role: true } });
  if (existing) throw new AppError("conflict", `You are already a member of ${inv.org.name} (${existing.role}).`);
  await tx.membership.create({ data: { orgId: inv.orgId, userId: user.userId, role: inv.role } });
  await tx.invitation.update({ where: { id: inv.id }, data: { acceptedAt: new Date() } });
  await recordAudit(tx, {
    orgId: inv.orgId,
    actor: auditActor(user),
    action: "member.joined",
    target: { type: "user", id: user.userId },
    diff: { role: { before: null, after: inv.role } },
    meta: { email: user.email, invitationId: inv.id, accountCreated },
    request,
  });
  return { org: inv.org, role: inv.role };
}

/** A signed-in user accepts an invitation addressed to their email (compared case-insensitively). */
export async function acceptInvitation(db: Db, actor: UserActor, secret: string, request: RequestInfo) {
  return db.$transaction(async (tx) => {
    const inv = await usableInvitation(tx, secret);
    if (inv.email.toLowerCase() !== actor.email.toLowerCase()) {
      throw new AppError("forbidden", `This invitation is for ${inv.email}, but you are signed in as ${actor.email}. Sign out and use the invited address.`);
    }
    return join(tx, inv, actor, request, false);
  });
}

/**
 * For an invitee without an account: creates a local account for exactly the invited email and joins, in one
 * transaction. The invitee then signs in with the new password.
 */
export async function acceptInvitationWithNewAccount(db: Db, secret: string, input: { name: string; password: string }, request: RequestInfo) {
  const { name, password } = newAccountSchema.parse(input);
  // Fail fast on a dead link before paying for scrypt; the transaction below checks again under the row lock.
  await db.$transaction((tx) => usableInvitation(tx, secret));
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    const inv = await usableInvitation(tx, secret);
    const taken = await tx.user.findFirst({ where: { email: { equals: inv.email, mode: "insensitive" } }, select: { id: true } });
    if (taken) throw new AppError("conflict", `An account for ${inv.email} already exists. Sign in first, then accept the invitation.`);
    const user = await tx.user.create({ data: { email: inv.email, name, passwordHash }, select: { id: true, email: true, name: true } });
    const joined = await join(tx, inv, { type: "user", userId: user.id, email: user.email, name: user.name }, request, true);
    return { ...joined, email: user.email };
  });
}
