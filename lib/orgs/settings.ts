import { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext, type UserActor } from "../auth/actor";
import { requirePermission } from "./access";
import { isKnownCodexVersion, KNOWN_CODEX_VERSIONS } from "../requirements/versions";

export const MAX_APPROVALS_REQUIRED = 10;

export const MAX_TOKEN_DAYS = 365;

export const orgSettingsSchema = z.object({
  approvalsRequired: z.coerce
    .number({ message: "Approvals required must be a number" })
    .int("Approvals required must be a whole number")
    .min(0, "Approvals required cannot be negative")
    .max(MAX_APPROVALS_REQUIRED, `At most ${MAX_APPROVALS_REQUIRED} approvals can be required`)
    .optional(),
  /** Longest life of an admin API token in days; unchanged when left out. */
  tokenMaxDays: z.coerce.number().int("Token lifetime must be a whole number of days").min(1, "Tokens live at least 1 day").max(MAX_TOKEN_DAYS, `Tokens live at most ${MAX_TOKEN_DAYS} days`).optional(),
  /** Codex versions policies are checked against; [] = the versions the hosts report. Unchanged when left out. */
  codexVersions: z
    .array(z.string().refine(isKnownCodexVersion, { message: `Choose among the Codex versions Charter knows: ${KNOWN_CODEX_VERSIONS.join(", ")}` }))
    .max(KNOWN_CODEX_VERSIONS.length)
    .optional(),
})
  // A setting not named here is a mistake to report, not to ignore; so is a save that names none.
  .strict()
  .refine((v) => v.approvalsRequired !== undefined || v.tokenMaxDays !== undefined || v.codexVersions !== undefined, "Name a setting to change");

export async function getOrgSettings(db: Db, ctx: OrgContext) {
  requirePermission(ctx, "org:read");
  const org = await db.organization.findUniqueOrThrow({ where: { id: ctx.org.id }, select: { approvalsRequired: true, tokenMaxDays: true, codexVersions: true, createdAt: true } });
  return org;
}

/** Owner-only org settings; the audit event records each changed field before/after. */
export async function updateOrgSettings(
  db: Db,
  ctx: OrgContext,
  input: { approvalsRequired?: number; tokenMaxDays?: number; codexVersions?: string[] },
  request: RequestInfo,
) {
  requirePermission(ctx, "org:manage");
  const next = orgSettingsSchema.parse(input);
  // Stored oldest first without repeats, so the same choice in another order changes nothing.
  const versions = next.codexVersions && KNOWN_CODEX_VERSIONS.filter((k) => next.codexVersions!.includes(k));
  return db.$transaction(async (tx) => {
    const [before] = await tx.$queryRaw<{ approvalsRequired: number; tokenMaxDays: number; codexVersions: string[] }[]>`
      SELECT "approvalsRequired", "tokenMaxDays", "codexVersions" FROM "Organization" WHERE id = ${ctx.org.id} FOR UPDATE`;
    if (!before) throw new AppError("not_found", "This organisation no longer exists.");
    const after = {
      approvalsRequired: next.approvalsRequired ?? before.approvalsRequired,
      tokenMaxDays: next.tokenMaxDays ?? before.tokenMaxDays,
      codexVersions: versions ?? before.codexVersions ?? [],
    };
    // The answer names the settings the caller gave.
    const given = Object.fromEntries(Object.entries(after).filter(([k]) => next[k as keyof typeof next] !== undefined));
    const diff: Record<string, { before: unknown; after: unknown }> = {};
    // Audit names: a field named after tokens would be redacted as if it held one (lib/audit/redact.ts).
    const label = { approvalsRequired: "approvalsRequired", tokenMaxDays: "adminApiLifetimeDays", codexVersions: "codexVersions" } as const;
    for (const k of ["approvalsRequired", "tokenMaxDays"] as const) if (before[k] !== after[k]) diff[label[k]] = { before: before[k], after: after[k] };
    if ((before.codexVersions ?? []).join() !== after.codexVersions.join()) diff.codexVersions = { before: before.codexVersions ?? [], after: after.codexVersions };
    if (Object.keys(diff).length === 0) return { changed: false, ...given };
    await tx.organization.update({ where: { id: ctx.org.id }, data: after });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "org.settings_updated",
      target: { type: "organization", id: ctx.org.id },
      diff,
      request,
    });
    return { changed: true, ...given };
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
export async function createOrganization(db: Db, actor: UserActor, input: { name: string; slug: string }, request: RequestInfo) {
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
