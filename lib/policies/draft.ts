import type { Db } from "../db";
import type { OrgContext } from "../auth/actor";

export interface DraftView {
  toml: string;
  revision: number;
  updatedAt: Date;
  updatedBy: string | null;
}

/** The org's current draft, or null when none was ever saved. */
export async function getDraft(db: Db, ctx: OrgContext): Promise<DraftView | null> {
  const draft = await db.draft.findUnique({
    where: { orgId_name: { orgId: ctx.org.id, name: "default" } },
    select: { toml: true, revision: true, updatedAt: true, updatedBy: { select: { email: true } } },
  });
  return draft && { toml: draft.toml, revision: draft.revision, updatedAt: draft.updatedAt, updatedBy: draft.updatedBy?.email ?? null };
}
