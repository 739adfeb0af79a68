import { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext, type UserActor } from "../auth/actor";
import { requirePermission } from "./access";

export const MAX_APPROVALS_REQUIRED = 10;

export const orgSettingsSchema = z.object({
  approvalsRequired: z.coerce
    .number({ message: "Approvals required must be a number" })
    .int("Approvals required must be a whole number")
    .min(0, "Approvals required cannot be negative")
    .max(MAX_APPROVALS_REQUIRED, `At most ${MAX_APPROVALS_REQUIRED} approvals can be required`),
});

export async function getOrgSettings(db: Db, ctx: OrgContext) {
  requirePermission(ctx, "org:read");
  const org = await db.organization.findUniqueOrThrow({ where: { id: ctx.org.id }, select: { approvalsRequired: true, createdAt: true } });
  return org;
}

/** Owner-only org settings; the audit event records each changed field before/after. */
export async function updateOrgSettings(db: Db, ctx: OrgContext, input: { approvalsRequired: number }, request?: RequestInfo) {
  requirePermission(ctx, "org:manage");
  const next = orgSettingsSchema.parse(input);
  return db.$transaction(async (tx) => {
    const [before] = await tx.$queryRaw<{ approvalsRequired: number }[]>`
      SELECT "approvalsRequired" FROM "Organization" WHERE id = ${ctx.org.id} FOR UPDATE`;
    if (!before) throw new AppError("not_found", "This organisation no longer exists.");
    if (before.approvalsRequired === next.approvalsRequired) return { changed: false, ...next };
    await tx.organization.update({ where: { id: ctx.org.id }, data: { approvalsRequired: next.approvalsRequired } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "org.settings_updated",
      target: { type: "organization", id: ctx.org.id },
      diff: { approvalsRequired: { before: before.approvalsRequired, after: next.approvalsRequired } },
      request,
    });
    return { changed: true, ...next };
  });
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export const createOrgSchema = z.object({
  name: z.string().trim().min(2, "Name the organisation (at least 2 characters)").max(80),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(SLUG, "Use 1–40 lowercase letters, digits and dashes, not starting or ending with a dash"),
});

/** Any signed-in user may create an organisation; they become its first owner. */
export async function createOrganization(db: Db, actor: UserActor, input: { name: string; slug: string }, request?: RequestInfo) {
  const { name, slug } = createOrgSchema.parse(input);
  const taken = () => new AppError("conflict", `The address "${slug}" is taken. Choose another.`);
  return db.$transaction(async (tx) => {
    if (await tx.organization.findUnique({ where: { slug }, select: { id: true } })) throw taken();
    const org = await tx.organization.create({ data: { name, slug }, select: { id: true, slug: true, name: true } });
    await tx.membership.create({ data: { orgId: org.id, userId: actor.userId, role: "owner" } });
    await recordAudit(tx, {
      orgId: org.id,
      actor: auditActor(actor),
      action: "org.created",
      target: { type: "organization", id: org.id },
      diff: { name: { after: name }, slug: { after: slug } },
      meta: { owner: actor.email },
      request,
    });
    return org;
  }).catch((err: unknown) => {
    // Two people claiming the same address at once: the unique index decides, the loser gets the same answer.
    if ((err as { code?: string })?.code === "P2002") throw taken();
    throw err;
  });
}
