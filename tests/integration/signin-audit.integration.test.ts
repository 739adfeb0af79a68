import { beforeEach, describe, expect, it } from "vitest";
import { recordSignOut } from "../../lib/auth/auth-audit";
import { signInLocal } from "../../lib/auth/credentials";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";

const db = useTestDb();
beforeEach(() => resetDb(db));

const request = { requestId: "req-42", ip: "198.51.100.9" };
const auditOf = (action: string) => db.auditEvent.findMany({ where: { action }, orderBy: [{ orgId: "asc" }, { seq: "asc" }] });

describe("audit events of password sign-in and sign-out", () => {
  it("a successful sign-in is recorded in the chain of every org the user belongs to, with request id and IP", async () => {
    const { user, org, actor } = await makeOrgWithMember(db, "owner", { password: "right-pass" });
    const other = await db.organization.create({ data: { slug: "other", name: "Other" } });
    await db.membership.create({ data: { orgId: other.id, userId: user.id, role: "viewer" } });

    expect(await signInLocal(db, { email: actor.email, password: "right-pass" }, request)).toEqual({ ok: true, actor, sessionId: expect.any(String) });
    const events = await auditOf("auth.signin");
    expect(events.map((e) => e.orgId).sort()).toEqual([org.id, other.id].sort());
    for (const e of events) {
      expect(e).toMatchObject({ chain: e.orgId, actorType: "user", actorId: user.id, actorLabel: actor.email, targetType: "user", targetId: user.id, meta: { method: "local" }, requestId: "req-42", ip: "198.51.100.9" });
    }
  });

  it("a sign-in of a user without any org goes to the global chain", async () => {
    const { user, actor } = await makeOrgWithMember(db, "owner", { password: "right-pass" });
    await db.membership.deleteMany({ where: { userId: user.id } });
    await signInLocal(db, { email: actor.email, password: "right-pass" }, request);
    const [event] = await auditOf("auth.signin");
    expect(event).toMatchObject({ chain: "global", orgId: null, actorId: user.id });
  });

  it("a wrong password is recorded as bad_password in the user's org, never with the password", async () => {
    const { org, user, actor } = await makeOrgWithMember(db, "admin", { password: "right-pass" });
    expect(await signInLocal(db, { email: actor.email.toUpperCase(), password: "Wrong-Pass-123" }, request)).toEqual({ ok: false });
    const [event] = await auditOf("auth.signin_failed");
    expect(event).toMatchObject({ orgId: org.id, actorType: "anonymous", actorId: null, actorLabel: actor.email, targetId: user.id, meta: { method: "local", reason: "bad_password", email: actor.email }, requestId: "req-42", ip: "198.51.100.9" });
    expect(JSON.stringify(event, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain("Wrong-Pass-123");
    expect(await auditOf("auth.signin")).toEqual([]);
  });

  it("an unknown email is recorded as unknown_user in the global chain; an SSO-only account as no_password", async () => {
    expect(await signInLocal(db, { email: "ghost@nowhere.example", password: "whatever" }, request)).toEqual({ ok: false });
    const { org, actor } = await makeOrgWithMember(db, "viewer");
    expect(await signInLocal(db, { email: actor.email, password: "whatever" }, request)).toEqual({ ok: false });
    const events = await auditOf("auth.signin_failed");
    expect(events.map((e) => [e.orgId, (e.meta as { reason: string }).reason])).toEqual([
      [org.id, "no_password"],
      [null, "unknown_user"],
    ]);
    expect(events[1]).toMatchObject({ chain: "global", actorLabel: "ghost@nowhere.example" });
  });

  it("malformed input is recorded as invalid_input without echoing it", async () => {
    expect(await signInLocal(db, { email: "not-an-email", password: "p" }, request)).toEqual({ ok: false });
    const [event] = await auditOf("auth.signin_failed");
    expect(event).toMatchObject({ chain: "global", actorLabel: "anonymous", meta: { method: "local", reason: "invalid_input" } });
    expect(JSON.stringify(event.meta)).not.toContain("not-an-email");
  });

  it("sign-out is recorded for the user's orgs, and skipped for an account that no longer exists", async () => {
    const { org, user } = await makeOrgWithMember(db, "owner");
    await recordSignOut(db, user.id, request);
    await recordSignOut(db, "no-such-user", request);
    const events = await auditOf("auth.signout");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ orgId: org.id, actorId: user.id, requestId: "req-42" });
  });
});
