import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { orgContext } from "../../lib/orgs";
import { changeRole, listMembers, removeMember } from "../../lib/orgs/members";
import { acceptInvitation, acceptInvitationWithNewAccount, describeInvitation, inviteMember, listInvitations, revokeInvitation } from "../../lib/orgs/invitations";
import { createOrganization, getOrgSettings, updateOrgSettings } from "../../lib/orgs/settings";
import { createApiToken, listApiTokens } from "../../lib/tokens";
import { verifyPassword } from "../../lib/auth/password";
import type { Role } from "../../lib/db";
import type { UserActor } from "../../lib/auth/actor";
import { codeOf, makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

const db = useTestDb();
beforeEach(() => resetDb(db));

async function addMember(orgId: string, role: Role, email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`): Promise<UserActor> {
  const user = await db.user.create({ data: { email, name: role } });
  await db.membership.create({ data: { orgId, userId: user.id, role } });
  return { type: "user", userId: user.id, email, name: role };
}

async function ownerCtx() {
  const { org, actor } = await makeOrgWithMember(db, "owner");
  return { org, actor, ctx: await orgContext(db, actor, org.slug, "org:manage") };
}

const events = (orgId: string, action: string) => db.auditEvent.findMany({ where: { orgId, action }, orderBy: { seq: "asc" } });

describe("invitations", () => {
  it("stores only the sha256 of the one-time secret, expires in 7 days and audits the invite with the secret redacted", async () => {
    const { org, ctx } = await ownerCtx();
    const { invitation, secret } = await inviteMember(db, ctx, { email: "  New.Person@Example.com ", role: "auditor" }, testRequest);
    expect(invitation.email).toBe("new.person@example.com");
    const row = await db.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(row.tokenHash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(secret);
    const days = (row.expiresAt.getTime() - row.createdAt.getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);
    const [event] = await events(org.id, "member.invited");
    expect(event.diff).toMatchObject({ email: { after: "new.person@example.com" }, role: { after: "auditor" }, secret: { after: "[redacted]" } });
    expect(JSON.stringify({ ...event, id: String(event.id) })).not.toContain(secret);
  });

  it("re-inviting an email replaces the pending invitation: the old link stops working", async () => {
    const { ctx } = await ownerCtx();
    const first = await inviteMember(db, ctx, { email: "a@example.com", role: "viewer" }, testRequest);
    const second = await inviteMember(db, ctx, { email: "A@example.com", role: "approver" }, testRequest);
    expect((await listInvitations(db, ctx)).map((i) => [i.email, i.role])).toEqual([["a@example.com", "approver"]]);
    expect((await describeInvitation(db, first.secret))?.status).toBe("revoked");
    const user = await db.user.create({ data: { email: "a@example.com" } });
    const actor: UserActor = { type: "user", userId: user.id, email: user.email, name: null };
    expect(await codeOf(acceptInvitation(db, actor, first.secret, testRequest))).toBe("conflict");
    expect((await acceptInvitation(db, actor, second.secret, testRequest)).role).toBe("approver");
  });

  it("refuses to invite someone who is already a member, and changes nothing", async () => {
    const { org, actor, ctx } = await ownerCtx();
    expect(await codeOf(inviteMember(db, ctx, { email: actor.email.toUpperCase(), role: "viewer" }, testRequest))).toBe("conflict");
    expect(await db.invitation.count({ where: { orgId: org.id } })).toBe(0);
  });

  it("refuses a malformed email or unknown role with a validation error", async () => {
    const { ctx } = await ownerCtx();
    expect(await codeOf(inviteMember(db, ctx, { email: "not-an-email", role: "viewer" }, testRequest))).toBe("validation_failed");
    expect(await codeOf(inviteMember(db, ctx, { email: "x@example.com", role: "superuser" as Role }, testRequest))).toBe("validation_failed");
  });

  it("only a signed-in user whose email matches (case-insensitively) can accept, and only once", async () => {
    const { org, ctx } = await ownerCtx();
    const { secret } = await inviteMember(db, ctx, { email: "colleague@example.com", role: "auditor" }, testRequest);
    const stranger = await db.user.create({ data: { email: "stranger@example.com" } });
    expect(await codeOf(acceptInvitation(db, { type: "user", userId: stranger.id, email: stranger.email, name: null }, secret, testRequest))).toBe("forbidden");
    const colleague = await db.user.create({ data: { email: "Colleague@Example.com" } });
    const actor: UserActor = { type: "user", userId: colleague.id, email: colleague.email, name: null };
    const joined = await acceptInvitation(db, actor, secret, testRequest);
    expect(joined).toMatchObject({ org: { slug: org.slug }, role: "auditor" });
    expect((await orgContext(db, actor, org.slug)).role).toBe("auditor");
    expect(await codeOf(acceptInvitation(db, actor, secret, testRequest))).toBe("conflict");
    const [event] = await events(org.id, "member.joined");
    expect(event).toMatchObject({ actorId: colleague.id, targetId: colleague.id, diff: { role: { before: null, after: "auditor" } } });
  });

  it("an expired, revoked or unknown invitation is refused with a clear error", async () => {
    const { ctx } = await ownerCtx();
    const user = await db.user.create({ data: { email: "late@example.com" } });
    const actor: UserActor = { type: "user", userId: user.id, email: user.email, name: null };
    const expired = await inviteMember(db, ctx, { email: "late@example.com", role: "viewer" }, testRequest);
    await db.invitation.update({ where: { id: expired.invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(acceptInvitation(db, actor, expired.secret, testRequest)).rejects.toThrow(/expired/);
    const revoked = await inviteMember(db, ctx, { email: "late@example.com", role: "viewer" }, testRequest);
    await revokeInvitation(db, ctx, { invitationId: revoked.invitation.id }, testRequest);
    await expect(acceptInvitation(db, actor, revoked.secret, testRequest)).rejects.toThrow(/revoked/);
    expect(await codeOf(acceptInvitation(db, actor, "inv_nonsense", testRequest))).toBe("not_found");
    expect(await codeOf(acceptInvitation(db, actor, "garbage", testRequest))).toBe("not_found");
    expect(await db.membership.count({ where: { userId: user.id } })).toBe(0);
  });

  it("a visitor without an account creates a local account for exactly the invited email and joins in one step", async () => {
    const { org, ctx } = await ownerCtx();
    const { secret } = await inviteMember(db, ctx, { email: "fresh@example.com", role: "approver" }, testRequest);
    expect(await codeOf(acceptInvitationWithNewAccount(db, secret, { name: "Fresh", password: "short" }, testRequest))).toBe("validation_failed");
    expect(await db.user.count({ where: { email: "fresh@example.com" } })).toBe(0);
    const joined = await acceptInvitationWithNewAccount(db, secret, { name: "Fresh", password: "a-long-enough-password" }, testRequest);
    expect(joined).toMatchObject({ email: "fresh@example.com", role: "approver", org: { slug: org.slug } });
    const user = await db.user.findUniqueOrThrow({ where: { email: "fresh@example.com" } });
    expect(user.passwordHash).not.toContain("a-long-enough-password");
    expect(await verifyPassword("a-long-enough-password", user.passwordHash!)).toBe(true);
    expect(await codeOf(acceptInvitationWithNewAccount(db, secret, { name: "Again", password: "a-long-enough-password" }, testRequest))).toBe("conflict");
  });

  it("refuses to create an account when the invited email already has one (sign in first)", async () => {
    const { ctx } = await ownerCtx();
    await db.user.create({ data: { email: "exists@example.com" } });
    const { secret } = await inviteMember(db, ctx, { email: "exists@example.com", role: "viewer" }, testRequest);
    await expect(acceptInvitationWithNewAccount(db, secret, { name: "X", password: "a-long-enough-password" }, testRequest)).rejects.toThrow(/already exists/);
    expect((await describeInvitation(db, secret))?.status).toBe("pending");
  });

  it("two simultaneous acceptances of one link create exactly one account", async () => {
    const { ctx } = await ownerCtx();
    const { secret } = await inviteMember(db, ctx, { email: "race@example.com", role: "viewer" }, testRequest);
    const results = await Promise.all([0, 1].map(() => codeOf(acceptInvitationWithNewAccount(db, secret, { name: "R", password: "a-long-enough-password" }, testRequest))));
    expect(results.sort()).toEqual(["conflict", "ok"]);
    expect(await db.user.count({ where: { email: "race@example.com" } })).toBe(1);
  });
});

describe("roles and removal", () => {
  it("changes a role and records the before/after diff in the audit log", async () => {
    const { org, ctx } = await ownerCtx();
    const viewer = await addMember(org.id, "viewer");
    expect(await changeRole(db, ctx, { userId: viewer.userId, role: "admin" }, testRequest)).toEqual({ changed: true, role: "admin" });
    expect((await orgContext(db, viewer, org.slug)).role).toBe("admin");
    const [event] = await events(org.id, "member.role_changed");
    expect(event).toMatchObject({ targetId: viewer.userId, diff: { role: { before: "viewer", after: "admin" } } });
  });

  it("the last owner can be neither demoted nor removed; with a second owner both work", async () => {
    const { org, actor, ctx } = await ownerCtx();
    await expect(changeRole(db, ctx, { userId: actor.userId, role: "admin" }, testRequest)).rejects.toThrow(/at least one owner/);
    await expect(removeMember(db, ctx, { userId: actor.userId }, testRequest)).rejects.toThrow(/at least one owner/);
    expect((await orgContext(db, actor, org.slug)).role).toBe("owner");
    const other = await addMember(org.id, "owner");
    await removeMember(db, ctx, { userId: other.userId }, testRequest);
    expect(await codeOf(orgContext(db, other, org.slug))).toBe("not_found");
    const [event] = await events(org.id, "member.removed");
    expect(event.diff).toEqual({ role: { before: "owner", after: null } });
  });

  it("two owners demoting each other at the same moment leave exactly one owner", async () => {
    const { org, actor: a, ctx: ctxA } = await ownerCtx();
    const b = await addMember(org.id, "owner");
    const ctxB = await orgContext(db, b, org.slug, "org:manage");
    const results = await Promise.all([
      codeOf(changeRole(db, ctxA, { userId: b.userId, role: "viewer" }, testRequest)),
      codeOf(changeRole(db, ctxB, { userId: a.userId, role: "viewer" }, testRequest)),
    ]);
    expect(results.sort()).toEqual(["forbidden", "ok"].sort());
    expect(await db.membership.count({ where: { orgId: org.id, role: "owner" } })).toBe(1);
  });

  it("two owners removing each other at the same moment leave exactly one owner", async () => {
    const { org, actor: a, ctx: ctxA } = await ownerCtx();
    const b = await addMember(org.id, "owner");
    const ctxB = await orgContext(db, b, org.slug, "org:manage");
    await Promise.all([codeOf(removeMember(db, ctxA, { userId: b.userId }, testRequest)), codeOf(removeMember(db, ctxB, { userId: a.userId }, testRequest))]);
    expect(await db.membership.count({ where: { orgId: org.id, role: "owner" } })).toBe(1);
  });

  it("an owner demoted a moment ago can no longer manage, although their context was resolved before", async () => {
    const { org, ctx: ctxA } = await ownerCtx();
    const b = await addMember(org.id, "owner");
    const viewer = await addMember(org.id, "viewer");
    const staleCtxB = await orgContext(db, b, org.slug, "org:manage");
    await changeRole(db, ctxA, { userId: b.userId, role: "viewer" }, testRequest);
    expect(await codeOf(changeRole(db, staleCtxB, { userId: viewer.userId, role: "owner" }, testRequest))).toBe("forbidden");
  });

  it("members are listed with roles, owners first; another org's member is not found", async () => {
    const { org, actor, ctx } = await ownerCtx();
    await addMember(org.id, "viewer", "v@example.com");
    await addMember(org.id, "admin", "a@example.com");
    expect((await listMembers(db, ctx)).map((m) => [m.email, m.role])).toEqual([[actor.email, "owner"], ["a@example.com", "admin"], ["v@example.com", "viewer"]]);
    const other = await makeOrgWithMember(db, "viewer");
    expect(await codeOf(changeRole(db, ctx, { userId: other.user.id, role: "owner" }, testRequest))).toBe("not_found");
    expect(await codeOf(removeMember(db, ctx, { userId: other.user.id }, testRequest))).toBe("not_found");
    expect((await orgContext(db, other.actor, other.org.slug)).role).toBe("viewer");
  });
});

describe("settings and new organisations", () => {
  it("approvals required accepts 0..10, audits the diff, and refuses anything else without changing it", async () => {
    const { org, ctx } = await ownerCtx();
    expect(await updateOrgSettings(db, ctx, { approvalsRequired: 2 }, testRequest)).toEqual({ changed: true, approvalsRequired: 2 });
    for (const bad of [11, -1, 1.5, Number.NaN]) expect(await codeOf(updateOrgSettings(db, ctx, { approvalsRequired: bad }, testRequest))).toBe("validation_failed");
    expect((await getOrgSettings(db, ctx)).approvalsRequired).toBe(2);
    const [event] = await events(org.id, "org.settings_updated");
    expect(event.diff).toEqual({ approvalsRequired: { before: 0, after: 2 } });
  });

  it("any signed-in user creates an org and becomes its owner; a taken or malformed address is refused", async () => {
    const { actor, org } = await makeOrgWithMember(db, "viewer");
    const created = await createOrganization(db, actor, { name: "Globex", slug: "Globex-EU" }, testRequest);
    expect(created.slug).toBe("globex-eu");
    expect((await orgContext(db, actor, "globex-eu", "org:manage")).role).toBe("owner");
    expect(await codeOf(createOrganization(db, actor, { name: "Again", slug: org.slug }, testRequest))).toBe("conflict");
    expect(await codeOf(createOrganization(db, actor, { name: "Bad", slug: "-bad-" }, testRequest))).toBe("validation_failed");
    expect((await events(created.id, "org.created")).length).toBe(1);
  });

  it("API tokens are an owner's business: an admin's context cannot list or create them", async () => {
    const { org, ctx } = await ownerCtx();
    const admin = await addMember(org.id, "admin");
    const adminCtx = await orgContext(db, admin, org.slug, "org:read");
    expect(await codeOf(createApiToken(db, adminCtx, { name: "ci", scopes: ["read"] }, testRequest))).toBe("forbidden");
    expect(await codeOf(listApiTokens(db, adminCtx))).toBe("forbidden");
    await createApiToken(db, ctx, { name: "ci", scopes: ["read"] }, testRequest);
    expect((await listApiTokens(db, ctx)).map((t) => t.name)).toEqual(["ci"]);
  });
});
