import { AppError } from "../errors";
import type { Db } from "../db";
import { can, scopesAllow, type Actor, type OrgContext, type Permission, type UserActor } from "../auth/actor";

/**
 * Resolves the actor's standing in the org named by `slug` and checks one permission. A non-member gets the same
 * "not found" as a missing org, so org names cannot be probed; a token works only in its own org.
 */
export async function orgContext(db: Db, actor: Actor, slug: string, permission: Permission = "org:read"): Promise<OrgContext> {
  // Server actions take the slug from the client: anything but a slug (undefined would match every org in a Prisma
  // filter, a number or NUL would reach the database) names no organisation.
  if (typeof slug !== "string" || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) throw new AppError("not_found", "No such organisation.");
  if (actor.type === "token") {
    const org = await db.organization.findFirst({ where: { slug, id: actor.orgId }, select: { id: true, slug: true, name: true } });
    if (!org) throw new AppError("not_found", `No organisation "${slug}" for this token.`);
    if (!scopesAllow(actor.scopes, permission)) {
      throw new AppError("forbidden", `This token's scopes (${actor.scopes.join(", ") || "none"}) do not allow this.`);
    }
    return { actor, org, role: null };
  }
  const membership = await db.membership.findFirst({
    where: { userId: actor.userId, org: { slug } },
    select: { role: true, org: { select: { id: true, slug: true, name: true } } },
  });
  if (!membership) throw new AppError("not_found", `No organisation "${slug}" among yours.`);
  if (!can(membership.role, permission)) throw new AppError("forbidden", `Your role (${membership.role}) may not do this in ${membership.org.name}.`);
  return { actor, org: membership.org, role: membership.role };
}

/** The orgs a user belongs to, for the switcher and the landing redirect. */
export async function listOrgs(db: Db, actor: UserActor) {
  const rows = await db.membership.findMany({
    where: { userId: actor.userId },
    select: { role: true, org: { select: { slug: true, name: true } } },
    orderBy: { org: { name: "asc" } },
  });
  return rows.map((r) => ({ slug: r.org.slug, name: r.org.name, role: r.role }));
}
