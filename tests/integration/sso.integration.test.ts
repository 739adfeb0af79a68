import { beforeEach, describe, expect, it } from "vitest";
import type { OidcConfig } from "../../lib/auth/oidc-config";
import { completeOidcSignIn } from "../../lib/auth/sso";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";

const db = useTestDb();
beforeEach(() => resetDb(db));

const config: OidcConfig = { issuer: "https://idp.example", clientId: "c", clientSecret: "s", allowedDomains: ["acme.example"], name: "SSO" };
const request = { requestId: "req-sso-1", ip: "203.0.113.7" };

const events = (action: string) => db.auditEvent.findMany({ where: { action }, orderBy: [{ chain: "asc" }, { seq: "asc" }] });

describe("OpenID Connect sign-in: finding, linking and creating users", () => {
  it("creates a password-less user with the provider identity for a first-time user of an allowed domain", async () => {
    const result = await completeOidcSignIn(db, config, { sub: "idp-alice", email: "Alice@Acme.example", email_verified: true, name: "Alice" }, request);
    expect(result).toMatchObject({ ok: true, email: "alice@acme.example", created: true, linked: true });
    const user = await db.user.findUniqueOrThrow({ where: { email: "alice@acme.example" }, include: { accounts: true } });
    expect(result.ok && result.userId).toBe(user.id);
    expect(user.passwordHash).toBeNull();
    expect(user.name).toBe("Alice");
    expect(user.accounts.map((a) => [a.provider, a.providerAccountId, a.type])).toEqual([["oidc", "idp-alice", "oidc"]]);
    // Charter keeps no provider tokens.
    expect(user.accounts[0].access_token).toBeNull();
    expect(user.accounts[0].id_token).toBeNull();
  });

  it("links the provider identity to an existing local user with the same email, keeping the password", async () => {
    const { user, org } = await makeOrgWithMember(db, "owner", { password: "local-pass" });
    await db.user.update({ where: { id: user.id }, data: { email: "owner@acme.example" } });
    const result = await completeOidcSignIn(db, config, { sub: "idp-owner", email: "owner@acme.example" }, request);
    expect(result).toEqual({ ok: true, userId: user.id, email: "owner@acme.example", created: false, linked: true, sessionId: expect.any(String) });
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id }, include: { accounts: true } });
    expect(after.passwordHash).toBe(user.passwordHash);
    expect(after.accounts).toHaveLength(1);
    const [signin] = await events("auth.signin");
    expect(signin).toMatchObject({ orgId: org.id, actorType: "user", actorId: user.id, actorLabel: "owner@acme.example", meta: { method: "oidc", accountLinked: true } });
  });

  it("signs a returning identity in as the same user without creating anything", async () => {
    const first = await completeOidcSignIn(db, config, { sub: "idp-alice", email: "alice@acme.example" }, request);
    const again = await completeOidcSignIn(db, config, { sub: "idp-alice", email: "alice@acme.example" }, request);
    expect(again).toEqual({ ok: true, userId: first.ok && first.userId, email: "alice@acme.example", created: false, linked: false, sessionId: expect.any(String) });
    expect(await db.user.count()).toBe(1);
    expect(await db.account.count()).toBe(1);
  });

  it("refuses an email outside the allowed domains, creating nothing, and records why", async () => {
    const result = await completeOidcSignIn(db, config, { sub: "idp-mallory", email: "mallory@evil-acme.example", email_verified: true }, request);
    expect(result).toEqual({ ok: false, reason: "domain_not_allowed", email: "mallory@evil-acme.example", domain: "evil-acme.example" });
    expect(await db.user.count()).toBe(0);
    expect(await db.account.count()).toBe(0);
    const [failed] = await events("auth.signin_failed");
    expect(failed).toMatchObject({
      chain: "global",
      orgId: null,
      actorType: "anonymous",
      actorLabel: "mallory@evil-acme.example",
      meta: { method: "oidc", reason: "domain_not_allowed", email: "mallory@evil-acme.example" },
      requestId: "req-sso-1",
      ip: "203.0.113.7",
    });
  });

  it("refuses an email the provider says is unverified, and a missing email", async () => {
    expect(await completeOidcSignIn(db, config, { sub: "x", email: "bob@acme.example", email_verified: false }, request)).toMatchObject({ ok: false, reason: "unverified_email" });
    expect(await completeOidcSignIn(db, config, { sub: "y", email: "bob@acme.example", email_verified: "false" }, request)).toMatchObject({ ok: false, reason: "unverified_email" });
    expect(await completeOidcSignIn(db, config, { sub: "z" }, request)).toMatchObject({ ok: false, reason: "missing_email" });
    expect(await completeOidcSignIn(db, config, { sub: "w", email: "not an email@acme.example" }, request)).toMatchObject({ ok: false, reason: "invalid_email" });
    expect(await db.user.count()).toBe(0);
    expect((await events("auth.signin_failed")).map((e) => (e.meta as { reason: string }).reason)).toEqual(["unverified_email", "unverified_email", "missing_email", "invalid_email"]);
  });

  it("does not hand an account already linked to one identity to a different identity with the same email", async () => {
    const first = await completeOidcSignIn(db, config, { sub: "idp-alice-old", email: "alice@acme.example" }, request);
    const other = await completeOidcSignIn(db, config, { sub: "idp-alice-new", email: "alice@acme.example" }, request);
    expect(other).toMatchObject({ ok: false, reason: "identity_conflict" });
    expect(await db.account.count()).toBe(1);
    const [failed] = await events("auth.signin_failed");
    expect(failed).toMatchObject({ actorType: "anonymous", targetId: first.ok && first.userId, meta: { reason: "identity_conflict" } });
  });
});
