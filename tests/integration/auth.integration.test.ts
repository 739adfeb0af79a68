import { beforeEach, describe, expect, it } from "vitest";
import { signInLocal } from "../../lib/auth/credentials";
import { actorFromSession, createSession } from "../../lib/auth/sessions";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

const db = useTestDb();
beforeEach(() => resetDb(db));

describe("local account sign-in", () => {
  it("accepts the right password, matching the email case-insensitively", async () => {
    const { actor } = await makeOrgWithMember(db, "owner", { password: "s3cret-enough" });
    const signedIn = await signInLocal(db, { email: actor.email.toUpperCase(), password: "s3cret-enough" }, testRequest);
    expect(signedIn).toMatchObject({ ok: true, actor });
  });

  it("refuses a wrong password", async () => {
    const { actor } = await makeOrgWithMember(db, "owner", { password: "s3cret-enough" });
    expect((await signInLocal(db, { email: actor.email, password: "s3cret-enougH" }, testRequest)).ok).toBe(false);
  });

  it("refuses an unknown email", async () => {
    expect((await signInLocal(db, { email: "ghost@example.com", password: "anything" }, testRequest)).ok).toBe(false);
  });

  it("refuses an account that has no password (identity-provider users)", async () => {
    const { actor } = await makeOrgWithMember(db, "owner");
    expect((await signInLocal(db, { email: actor.email, password: "" }, testRequest)).ok).toBe(false);
    expect((await signInLocal(db, { email: actor.email, password: "x" }, testRequest)).ok).toBe(false);
  });

  it("refuses malformed input without throwing", async () => {
    expect((await signInLocal(db, { email: "not-an-email", password: "x" }, testRequest)).ok).toBe(false);
    expect((await signInLocal(db, null, testRequest)).ok).toBe(false);
    expect((await signInLocal(db, { email: ["a@b.c"], password: 1 }, testRequest)).ok).toBe(false);
  });

  it("a session of a deleted user resolves to no actor", async () => {
    const { actor, user } = await makeOrgWithMember(db);
    const sessionId = await createSession(db, user.id);
    expect(await actorFromSession(db, { userId: user.id, sessionId })).toEqual(actor);
    await db.user.delete({ where: { id: user.id } });
    expect(await actorFromSession(db, { userId: user.id, sessionId })).toBeNull();
    expect(await actorFromSession(db, { userId: undefined, sessionId: undefined })).toBeNull();
  });
});
