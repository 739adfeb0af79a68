import { beforeEach, describe, expect, it } from "vitest";
import { recordSignOut } from "../../lib/auth/auth-audit";
import { signInLocal } from "../../lib/auth/credentials";
import { SESSION_MAX_AGE_SECONDS } from "../../lib/auth/session-security";
import { actorFromSession, createSession, revokeUserSessions } from "../../lib/auth/sessions";
import { completeOidcSignIn } from "../../lib/auth/sso";
import { resetPassword } from "../../lib/seed";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";

const db = useTestDb();
beforeEach(() => resetDb(db));

const request = { requestId: "req-s", ip: "192.0.2.10" };
const HOURS_8 = SESSION_MAX_AGE_SECONDS * 1000;

async function signedIn(password = "right-pass") {
  const member = await makeOrgWithMember(db, "owner", { password });
  const result = await signInLocal(db, { email: member.actor.email, password }, request);
  if (!result.ok) throw new Error("sign-in failed");
  return { ...member, sessionId: result.sessionId, claims: { userId: member.user.id, sessionId: result.sessionId } };
}

describe("server-side sessions behind the JWT", () => {
  it("a password sign-in creates a Session row of the user that lasts 8 hours, and the JWT's claims resolve to the user", async () => {
    const before = Date.now();
    const { user, actor, sessionId, claims } = await signedIn();
    const row = await db.session.findUniqueOrThrow({ where: { sessionToken: sessionId } });
    expect(row.userId).toBe(user.id);
    expect(row.expires.getTime()).toBeGreaterThanOrEqual(before + HOURS_8);
    expect(row.expires.getTime()).toBeLessThanOrEqual(Date.now() + HOURS_8);
    expect(sessionId).toMatch(/^[\w-]{43}$/);
    expect(await actorFromSession(db, claims)).toEqual(actor);
  });

  it("an OIDC sign-in creates a Session row too", async () => {
    const config = { issuer: "https://idp.example", clientId: "c", clientSecret: "s", allowedDomains: ["acme.example"], name: "SSO" };
    const result = await completeOidcSignIn(db, config, { sub: "idp-1", email: "sso@acme.example" }, request);
    if (!result.ok) throw new Error("refused");
    expect(await actorFromSession(db, { userId: result.userId, sessionId: result.sessionId })).toMatchObject({ userId: result.userId, email: "sso@acme.example" });
  });

  it("after sign-out the same JWT claims resolve to no one, and the sign-out is audited", async () => {
    const { user, claims, sessionId } = await signedIn();
    await recordSignOut(db, user.id, request, sessionId);
    expect(await db.session.count({ where: { sessionToken: sessionId } })).toBe(0);
    expect(await actorFromSession(db, claims)).toBeNull();
    expect(await db.auditEvent.count({ where: { action: "auth.signout", actorId: user.id } })).toBe(1);
  });

  it("signing out one session leaves the user's other sessions alive", async () => {
    const { user, claims, sessionId } = await signedIn();
    const other = await createSession(db, user.id);
    await recordSignOut(db, user.id, request, sessionId);
    expect(await actorFromSession(db, claims)).toBeNull();
    expect(await actorFromSession(db, { userId: user.id, sessionId: other })).not.toBeNull();
  });

  it("a session is refused once it has expired, however the JWT was refreshed", async () => {
    const { actor, claims } = await signedIn();
    const now = Date.now();
    expect(await actorFromSession(db, claims, new Date(now + HOURS_8 - 60_000))).toEqual(actor);
    expect(await actorFromSession(db, claims, new Date(now + HOURS_8 + 1_000))).toBeNull();
  });

  it("claims without a session id, with an unknown one, or with another user's are refused", async () => {
    const { user, claims } = await signedIn();
    const { user: other } = await makeOrgWithMember(db, "viewer");
    expect(await actorFromSession(db, { userId: user.id })).toBeNull();
    expect(await actorFromSession(db, { userId: user.id, sessionId: "no-such-session" })).toBeNull();
    expect(await actorFromSession(db, { userId: other.id, sessionId: claims.sessionId })).toBeNull();
  });

  it("a password reset ends every session of that user and no one else's", async () => {
    const { user, actor, claims } = await signedIn();
    const second = await createSession(db, user.id);
    const bystander = await signedIn("other-pass");
    await resetPassword(db, actor.email);
    expect(await actorFromSession(db, claims)).toBeNull();
    expect(await actorFromSession(db, { userId: user.id, sessionId: second })).toBeNull();
    expect(await actorFromSession(db, bystander.claims)).toEqual(bystander.actor);
    expect(await revokeUserSessions(db, bystander.user.id)).toBe(1);
    expect(await actorFromSession(db, bystander.claims)).toBeNull();
  });

  it("a new sign-in clears the user's expired session rows", async () => {
    const { user } = await makeOrgWithMember(db, "owner");
    const old = await createSession(db, user.id, new Date(Date.now() - HOURS_8 - 60_000));
    await createSession(db, user.id);
    expect(await db.session.count({ where: { sessionToken: old } })).toBe(0);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(1);
  });
});
