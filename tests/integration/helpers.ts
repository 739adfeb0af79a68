import { afterAll, inject } from "vitest";
import { drainBackground } from "../../lib/background";
import { createDb, type Db } from "../../lib/db";
import { AppError } from "../../lib/errors";
import { hashPassword } from "../../lib/auth/password";
import type { UserActor } from "../../lib/auth/actor";
import type { Role } from "../../lib/db";

/** A client on the run's test database, disconnected after the file (once the background work it started is done). */
export function useTestDb(): Db {
  const db = createDb(inject("databaseUrl"));
  afterAll(async () => {
    await drainBackground();
    await db.$disconnect();
  });
  return db;
}

/** A client as the database's owner (who migrates; an attacker with the owner's rights), disconnected after the file. */
export function useOwnerDb(): Db {
  const db = createDb(inject("ownerUrl"));
  afterAll(() => db.$disconnect());
  return db;
}

let ownerForReset: Db | undefined;
// Every file that uses these helpers ends with no background work left running, also those on the app's own client.
afterAll(async () => {
  await drainBackground();
  await ownerForReset?.$disconnect();
  ownerForReset = undefined;
});

/**
 * Empties every table, so each test starts from nothing. First it stops the background loops and waits for the work
 * the previous test left running (an outbox delivery, a sandbox run's reviews: lib/background.ts): a transaction of
 * theirs racing the TRUNCATE, which locks every table, deadlocks. The audit log refuses TRUNCATE (by privilege for the
 * app's role, by trigger for everyone else), so this runs as the owner with triggers off for this one transaction
 * (`session_replication_role = replica`). `db` is the caller's client: the owner's own is opened once per file.
 */
export async function resetDb(_db: Db) {
  await drainBackground();
  ownerForReset ??= createDb(inject("ownerUrl"));
  const owner = ownerForReset;
  // In name order, so the lock order does not change from one reset to the next.
  const tables = await owner.$queryRaw<{ tablename: string }[]>`
    SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`;
  if (!tables.length) return;
  await owner.$transaction([
    owner.$executeRawUnsafe("SET LOCAL session_replication_role = replica"),
    owner.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} CASCADE`),
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
