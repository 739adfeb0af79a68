import { beforeEach, describe, expect, it } from "vitest";
import { recordAudit } from "../../lib/audit";
import { recordSignInFailed } from "../../lib/auth/auth-audit";
import { signInLocal } from "../../lib/auth/credentials";
import { SIGNIN_THROTTLE, signInThrottle } from "../../lib/auth/throttle";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";

const db = useTestDb();
beforeEach(() => resetDb(db));

const MINUTE = 60_000;
const fromIp = (ip: string) => ({ requestId: "req-t", ip });

async function fail(email: string, times: number, ip = "192.0.2.1") {
  for (let i = 0; i < times; i++) await signInLocal(db, { email, password: `wrong-${i}` }, fromIp(ip));
}
const reasons = async () =>
  (await db.auditEvent.findMany({ where: { action: "auth.signin_failed" }, orderBy: [{ chain: "asc" }, { seq: "asc" }] })).map((e) => (e.meta as { reason: string }).reason);
const oldestFailure = async () => (await db.auditEvent.findFirstOrThrow({ where: { action: "auth.signin_failed" }, orderBy: { createdAt: "asc" } })).createdAt.getTime();

describe("throttling failed password sign-ins", () => {
  it("after 10 failures for an email the 11th attempt is refused even with the right password, audited as throttled", async () => {
    const { actor } = await makeOrgWithMember(db, "owner", { password: "right-pass" });
    await fail(actor.email, SIGNIN_THROTTLE.PER_EMAIL);
    expect(await signInLocal(db, { email: actor.email, password: "right-pass" }, fromIp("192.0.2.1"))).toEqual({ ok: false, retryAfterMinutes: 15 });
    expect(await db.session.count()).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "auth.signin" } })).toBe(0);
    const all = await reasons();
    expect(all.filter((r) => r === "bad_password")).toHaveLength(10);
    expect(all.at(-1)).toBe("throttled");
  });

  it("9 failures still let the right password in", async () => {
    const { actor } = await makeOrgWithMember(db, "owner", { password: "right-pass" });
    await fail(actor.email, SIGNIN_THROTTLE.PER_EMAIL - 1);
    expect(await signInLocal(db, { email: actor.email, password: "right-pass" }, fromIp("192.0.2.1"))).toMatchObject({ ok: true });
  });

  it("unknown emails are throttled the same way, so the limiter does not reveal which accounts exist", async () => {
    await fail("nobody@nowhere.example", 10);
    expect(await signInThrottle(db, { email: "nobody@nowhere.example" })).toEqual({ throttled: true, scope: "email", retryAfterMinutes: 15 });
    expect(await signInThrottle(db, { email: "somebody-else@nowhere.example" })).toEqual({ throttled: false });
  });

  it("counts only the last 15 minutes, and says how long is left", async () => {
    await fail("late@nowhere.example", 10);
    const first = await oldestFailure();
    expect(await signInThrottle(db, { email: "late@nowhere.example" }, new Date(first + 14 * MINUTE))).toMatchObject({ throttled: true, retryAfterMinutes: 1 });
    expect(await signInThrottle(db, { email: "late@nowhere.example" }, new Date(first + 15 * MINUTE + 1))).toEqual({ throttled: false });
  });

  it("throttled attempts do not extend the lock; a success afterwards does not reset the count", async () => {
    const { actor } = await makeOrgWithMember(db, "owner", { password: "right-pass" });
    await fail(actor.email, 9);
    expect(await signInLocal(db, { email: actor.email, password: "right-pass" }, fromIp("192.0.2.1"))).toMatchObject({ ok: true });
    await fail(actor.email, 1);
    // 10 failures in the window despite the success in between.
    expect(await signInLocal(db, { email: actor.email, password: "right-pass" }, fromIp("192.0.2.1"))).toMatchObject({ ok: false, retryAfterMinutes: 15 });
    await fail(actor.email, 3); // refused as throttled, not counted
    const later = new Date((await oldestFailure()) + 15 * MINUTE + 1);
    // The oldest failure has left the window: 9 remain, so the right password works again.
    expect(await signInLocal(db, { email: actor.email, password: "right-pass" }, fromIp("192.0.2.1"), later)).toMatchObject({ ok: true });
  });

  it("a member of several orgs has one failure counted once, though it is written to each org's chain", async () => {
    const { actor, user } = await makeOrgWithMember(db, "owner", { password: "right-pass" });
    const other = await db.organization.create({ data: { slug: "second", name: "Second" } });
    await db.membership.create({ data: { orgId: other.id, userId: user.id, role: "viewer" } });
    await fail(actor.email, 9);
    expect(await db.auditEvent.count({ where: { action: "auth.signin_failed" } })).toBe(18);
    expect(await signInThrottle(db, { email: actor.email })).toEqual({ throttled: false });
  });

  it("failures recorded before attempts were tagged are counted once per request, not once per org chain", async () => {
    const { actor, org, user } = await makeOrgWithMember(db, "owner");
    const other = await db.organization.create({ data: { slug: "legacy", name: "Legacy" } });
    for (let i = 0; i < 9; i++) {
      await db.$transaction(async (tx) => {
        for (const orgId of [org.id, other.id]) {
          await recordAudit(tx, {
            orgId,
            actor: { type: "anonymous", label: actor.email },
            action: "auth.signin_failed",
            target: { type: "user", id: user.id },
            meta: { method: "local", reason: "bad_password", email: actor.email },
            request: { requestId: `legacy-${i}`, ip: "192.0.2.9" },
          });
        }
      });
    }
    expect(await signInThrottle(db, { email: actor.email, ip: "192.0.2.9" })).toEqual({ throttled: false });
  });

  it("50 failures from one IP refuse further password sign-ins from it, for any email, but not from other IPs", async () => {
    for (let i = 0; i < SIGNIN_THROTTLE.PER_IP; i++) {
      await recordSignInFailed(db, { email: `guess${i}@nowhere.example`, method: "local", reason: "unknown_user", request: fromIp("198.51.100.66") });
    }
    const { actor } = await makeOrgWithMember(db, "owner", { password: "right-pass" });
    expect(await signInLocal(db, { email: actor.email, password: "right-pass" }, fromIp("198.51.100.66"))).toEqual({ ok: false, retryAfterMinutes: 15 });
    expect(await signInThrottle(db, { email: actor.email, ip: "198.51.100.66" })).toMatchObject({ throttled: true, scope: "ip" });
    expect(await signInLocal(db, { email: actor.email, password: "right-pass" }, fromIp("198.51.100.67"))).toMatchObject({ ok: true });
  });

  it("failed single sign-on attempts do not count toward the password limit", async () => {
    for (let i = 0; i < 10; i++) await recordSignInFailed(db, { email: "sso@acme.example", method: "oidc", reason: "domain_not_allowed", request: fromIp("192.0.2.5") });
    expect(await signInThrottle(db, { email: "sso@acme.example", ip: "192.0.2.5" })).toEqual({ throttled: false });
  });
});
