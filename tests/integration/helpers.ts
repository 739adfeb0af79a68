import { afterAll, inject } from "vitest";
import { createDb, type Db } from "../../lib/db";
import { AppError } from "../../lib/errors";
import { hashPassword } from "../../lib/auth/password";
import type { UserActor } from "../../lib/auth/actor";
import type { Role } from "../../lib/db";

/** A client on the run's test database, disconnected after the file. */
export function useTestDb(): Db {
  const db = createDb(inject("databaseUrl"));
  afterAll(() => db.$disconnect());
  return db;
}

/** A client as the database's owner (who migrates; an attacker with the owner's rights), disconnected after the file. */
export function useOwnerDb(): Db {
  const db = createDb(inject("ownerUrl"));
  afterAll(() => db.$disconnect());
  return db;
}

/**
 * Empties every table, so each test starts from nothing. The audit log refuses TRUNCATE by trigger; tests run as the
 * superuser, so they switch triggers off for this one transaction (`session_replication_role = replica`).
 */
export async function resetDb(db: Db) {
  const tables = await db.$queryRaw<{ tablename: string }[]>`
    SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  if (!tables.length) return;
  await db.$transaction([
    db.$executeRawUnsafe("SET LOCAL session_replication_role = replica"),
    db.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} CASCADE`),
  ]);
}

let counter = 0;

/** Creates an org with one member of the given role; returns the ids and the member as an Actor. */
export async function makeOrgWithMember(db: Db, role: Role = "owner", opts: { password?: string } = {}) {
  const n = ++counter;
  const org = await db.organization.create({ data: { slug: `org-${n}`, name: `Org ${n}` } });
  const email = `user${n}@org${n}.example`;
  const user = await db.user.create({
    data: { email, name: `User ${n}`, passwordHash: opts.password ? await hashPassword(opts.password) : null },
  });
  await db.membership.create({ data: { orgId: org.id, userId: user.id, role } });
  const actor: UserActor = { type: "user", userId: user.id, email, name: user.name };
  return { org, user, actor };
}

/** The AppError code a promise fails with ("ok" when it resolves; zod failures read as "validation_failed"). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    if (err instanceof AppError) return err.code;
    if ((err as Error)?.name === "ZodError") return "validation_failed";
    return String(err);
  }
}
