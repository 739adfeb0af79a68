import { beforeEach, describe, expect, it } from "vitest";
import { verifyPassword } from "../../lib/auth/password";
import { DEMO_ORG, DEMO_OWNER_EMAIL, SAMPLE_REQUIREMENTS, resetPassword, seedDemo } from "../../lib/seed";
import { resetDb, useTestDb } from "./helpers";

const db = useTestDb();
beforeEach(() => resetDb(db));

describe("demo seed", () => {
  it("creates the acme org, an owner with a hashed generated password, and the sample draft", async () => {
    const result = await seedDemo(db);
    expect(result.created).toBe(true);
    expect(result.ownerPassword).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);

    const owner = await db.user.findUniqueOrThrow({ where: { email: DEMO_OWNER_EMAIL }, include: { memberships: { include: { org: true } } } });
    expect(owner.passwordHash).not.toContain(result.ownerPassword!);
    expect(await verifyPassword(result.ownerPassword!, owner.passwordHash!)).toBe(true);
    expect(owner.memberships).toHaveLength(1);
    expect(owner.memberships[0].role).toBe("owner");
    expect(owner.memberships[0].org.slug).toBe(DEMO_ORG.slug);

    const draft = await db.draft.findFirstOrThrow({ where: { orgId: owner.memberships[0].orgId } });
    expect(draft.toml).toBe(SAMPLE_REQUIREMENTS);
    expect(draft.revision).toBe(1);
  });

  it("is idempotent: a second run neither reveals nor changes the password", async () => {
    const first = await seedDemo(db);
    const hashBefore = (await db.user.findUniqueOrThrow({ where: { email: DEMO_OWNER_EMAIL } })).passwordHash;
    const second = await seedDemo(db);
    expect(second).toEqual({ created: false, ownerEmail: DEMO_OWNER_EMAIL });
    const hashAfter = (await db.user.findUniqueOrThrow({ where: { email: DEMO_OWNER_EMAIL } })).passwordHash;
    expect(hashAfter).toBe(hashBefore);
    expect(await db.organization.count()).toBe(1);
    expect(await db.draft.count()).toBe(1);
    expect(first.ownerPassword).toBeDefined();
  });

  it("uses a given password (the browser tests sign in with it)", async () => {
    await seedDemo(db, { password: "correct horse battery staple" });
    const owner = await db.user.findUniqueOrThrow({ where: { email: DEMO_OWNER_EMAIL } });
    expect(await verifyPassword("correct horse battery staple", owner.passwordHash!)).toBe(true);
  });

  it("reset-password replaces the hash: the old password stops working, the new one works", async () => {
    const { ownerPassword } = await seedDemo(db);
    const fresh = await resetPassword(db, DEMO_OWNER_EMAIL);
    const owner = await db.user.findUniqueOrThrow({ where: { email: DEMO_OWNER_EMAIL } });
    expect(await verifyPassword(ownerPassword!, owner.passwordHash!)).toBe(false);
    expect(await verifyPassword(fresh, owner.passwordHash!)).toBe(true);
  });

  it("reset-password names the email it cannot find", async () => {
    await expect(resetPassword(db, "nobody@example.com")).rejects.toThrow("No account with the email nobody@example.com");
  });
});
