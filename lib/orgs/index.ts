import { AppError } from "../errors";
import type { Db } from "../db";
import { can, type Actor, type OrgContext, type Permission } from "../auth/actor";

/**
 * Resolves the actor's membership in the org named by `slug`. A non-member gets the same "not found" as a missing org,
 * so org names cannot be probed.
 */
export async function orgContext(db: Db, actor: Actor, slug: string, permission: Permission = "org:read"): Promise<OrgContext> {
  const membership = await db.membership.findFirst({
    where: { userId: actor.userId, org: { slug } },
    select: { role: true, org: { select: { id: true, slug: true, name: true } } },
  });
  if (!membership) throw new AppError("not_found", `No organisation "${slug}" among yours.`);
  if (!can(membership.role, permission)) throw new AppError("forbidden", `Your role (${membership.role}) may not do this in ${membership.org.name}.`);
  return { actor, org: membership.org, role: membership.role };
}

/** The orgs an actor belongs to, for the switcher and the landing redirect. */
export async function listOrgs(db: Db, actor: Actor) {
  const rows = await db.membership.findMany({
    where: { userId: actor.userId },
    select: { role: true, org: { select: { slug: true, name: true } } },
    orderBy: { org: { name: "asc" } },
  });
  return rows.map((r) => ({ slug: r.org.slug, name: r.org.name, role: r.role }));
}
