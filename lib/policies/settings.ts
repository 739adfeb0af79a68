import type { Db } from "../db";
import type { OrgContext } from "../auth/actor";

/** How many approvals publishing needs in the org (0 = direct publish). The settings area edits it. */
export async function approvalsRequired(db: Db, ctx: OrgContext): Promise<number> {
  const org = await db.organization.findUniqueOrThrow({ where: { id: ctx.org.id }, select: { approvalsRequired: true } });
  return org.approvalsRequired;
}
