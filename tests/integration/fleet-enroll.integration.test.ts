import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OrgContext } from "../../lib/auth/actor";
import { createAgentToken, revokeAgentToken } from "../../lib/agents";
import { createEnrollmentSecret, enrollHost, listEnrollmentSecrets, revokeEnrollmentSecret, updateAgentSettings } from "../../lib/fleet/enroll";
import { createCheckInIngest, type CheckInIngest } from "../../lib/fleet/ingest";
import { deliverDueWebhooks, saveWebhook, signWebhook } from "../../lib/webhooks";
import { codeOf, makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

const db = useTestDb();
const ingests: CheckInIngest[] = [];
beforeEach(() => resetDb(db));
afterEach(async () => {
  await Promise.all(ingests.splice(0).map((i) => i.close()));
});

async function member(role: "owner" | "admin" | "viewer" = "owner"): Promise<OrgContext> {
  const { org, actor } = await makeOrgWithMember(db, role);
  return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role };
}

const host = (hostname = "runner-1") => ({ hostname, os: "linux", arch: "x64", agentVersion: "0.2.0", codexVersion: null });

function ingest() {
  // Deliveries are driven by the tests (deliverDueWebhooks with their clock), not by the background worker.
  const i = createCheckInIngest(db, { flushMs: 10, log: () => {}, onQueued: () => {} });
  ingests.push(i);
  return i;
}

const report = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ ...host(), state: "current", installedVersion: 1, installedSha256: "a".repeat(64), diskSha256: "a".repeat(64), lastCheckAt: new Date().toISOString(), lastError: null, events: [], ...over });

describe("enrolment secrets", () => {
  it("exchanges a secret for a new per-host token bound to the secret's group, hashed at rest and audited", async () => {
    const ctx = await member();
    const { secret, enrollmentSecret } = await createEnrollmentSecret(db, ctx, { name: "CI runners", group: "ci", maxUses: null }, testRequest);
    expect(secret).toMatch(/^che_[A-Za-z0-9_-]{43}$/);
    const stored = await db.enrollmentSecret.findUniqueOrThrow({ where: { id: enrollmentSecret.id } });
    expect(JSON.stringify(stored)).not.toContain(secret);

    const a = await enrollHost(db, { org: ctx.org.slug, secret, host: host("runner-1") }, testRequest);
    const b = await enrollHost(db, { org: ctx.org.slug, secret, host: host("runner-2") }, testRequest);
    expect(a).toMatchObject({ org: ctx.org.slug, group: "ci" });
    expect(a.token).toMatch(/^cha_/);
    expect(a.token).not.toBe(b.token);
    const tokens = await db.agentToken.findMany({ where: { orgId: ctx.org.id }, orderBy: { name: "asc" }, include: { host: true } });
    expect(tokens.map((t) => [t.name, t.group, t.enrollmentSecretId, t.host?.hostname, t.host?.lastSeenAt])).toEqual([
      ["runner-1", "ci", enrollmentSecret.id, "runner-1", null],
      ["runner-2", "ci", enrollmentSecret.id, "runner-2", null],
    ]);
    expect(JSON.stringify(tokens)).not.toContain(a.token);
    expect((await listEnrollmentSecrets(db, ctx))[0]).toMatchObject({ uses: 2, status: "active" });
    const audit = await db.auditEvent.findMany({ where: { orgId: ctx.org.id }, orderBy: { seq: "asc" }, select: { action: true, actorLabel: true, diff: true } });
    expect(audit.map((e) => e.action)).toEqual(["enrollment_secret.created", "agent.enrolled", "agent.enrolled"]);
    expect(audit[1].actorLabel).toBe("enrolment secret CI runners");
    expect(JSON.stringify(audit)).not.toContain(secret);
    expect(JSON.stringify(audit)).not.toContain(a.token);

    // The new token checks in as its own host; revoking one host's token leaves the other working.
    const i = ingest();
    expect((await i.submit(`Bearer ${a.token}`, report({ hostname: "runner-1" }), testRequest)).status).toBe(200);
    await revokeAgentToken(db, ctx, a.hostId, testRequest);
    expect((await i.submit(`Bearer ${a.token}`, report(), testRequest)).status).toBe(401);
    expect((await i.submit(`Bearer ${b.token}`, report({ hostname: "runner-2" }), testRequest)).status).toBe(200);
  });

  it("lets a single-use secret enrol exactly one host, even when many try at once", async () => {
    const ctx = await member();
    const { secret } = await createEnrollmentSecret(db, ctx, { name: "one laptop" }, testRequest);
    const tries = await Promise.all(Array.from({ length: 6 }, (_, n) => codeOf(enrollHost(db, { org: ctx.org.slug, secret, host: host(`h${n}`) }, testRequest))));
    expect(tries.filter((c) => c === "ok")).toHaveLength(1);
    expect(tries.filter((c) => c === "unauthenticated")).toHaveLength(5);
    expect(await db.agentToken.count()).toBe(1);
    expect((await listEnrollmentSecrets(db, ctx))[0].status).toBe("used up");
  });

  it("refuses expired, revoked, unknown and other-org secrets alike, and changes nothing", async () => {
    const ctx = await member();
    const other = await member();
    const expired = await createEnrollmentSecret(db, ctx, { name: "old", expiresInHours: 1 }, testRequest, new Date(Date.now() - 2 * 3_600_000));
    const revoked = await createEnrollmentSecret(db, ctx, { name: "revoked", maxUses: 5 }, testRequest);
    await revokeEnrollmentSecret(db, ctx, revoked.enrollmentSecret.id, testRequest);
    const elsewhere = await createEnrollmentSecret(db, other, { name: "theirs" }, testRequest);
    const attempts = [
      { org: ctx.org.slug, secret: expired.secret },
      { org: ctx.org.slug, secret: revoked.secret },
      { org: ctx.org.slug, secret: "che_" + "x".repeat(43) },
      { org: ctx.org.slug, secret: elsewhere.secret },
      { org: "no-such-org", secret: revoked.secret },
    ];
    for (const a of attempts) {
      await expect(enrollHost(db, { ...a, host: host() }, testRequest)).rejects.toMatchObject({ code: "unauthenticated", message: "The enrolment secret is unknown, expired, revoked or used up." });
    }
    expect(await codeOf(enrollHost(db, { org: ctx.org.slug, secret: revoked.secret, host: { ...host(), os: "beos" } }, testRequest))).toBe("validation_failed");
    expect(await db.agentToken.count()).toBe(0);
    expect((await listEnrollmentSecrets(db, ctx)).map((s) => s.status).sort()).toEqual(["expired", "revoked"]);
  });

  it("lets only admins and owners create and revoke secrets, and owners set the poll interval", async () => {
    const viewer = await member("viewer");
    const admin = await member("admin");
    expect(await codeOf(createEnrollmentSecret(db, viewer, { name: "x" }, testRequest))).toBe("forbidden");
    expect(await codeOf(createEnrollmentSecret(db, admin, { name: "x", maxUses: 0 }, testRequest))).toBe("validation_failed");
    const { enrollmentSecret } = await createEnrollmentSecret(db, admin, { name: "x" }, testRequest);
    expect(await codeOf(revokeEnrollmentSecret(db, viewer, enrollmentSecret.id, testRequest))).toBe("forbidden");
    expect(await codeOf(revokeEnrollmentSecret(db, admin, "nope", testRequest))).toBe("not_found");
    expect(await codeOf(updateAgentSettings(db, admin, { pollSeconds: 60 }, testRequest))).toBe("forbidden");
    const owner = await member("owner");
    expect(await codeOf(updateAgentSettings(db, owner, { pollSeconds: 5 }, testRequest))).toBe("validation_failed");
    await updateAgentSettings(db, owner, { pollSeconds: 600 }, testRequest);
    expect((await db.organization.findUniqueOrThrow({ where: { id: owner.org.id } })).agentPollSeconds).toBe(600);
  });
});

describe("drifted and failed hosts", () => {
  it("write an audit event and a signed webhook delivery once per change, retried until the receiver takes it", async () => {
    const ctx = await member();
    const received: { headers: IncomingMessage["headers"]; body: string }[] = [];
    let failNext = 1;
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(failNext-- > 0 ? 500 : 204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const { secret: hookSecret } = await saveWebhook(db, ctx, { url }, testRequest);
      expect(hookSecret).toMatch(/^whsec_/);
      const { token, secret } = await createAgentToken(db, ctx, { name: "laptop" }, testRequest);
      const i = ingest();
      await i.submit(`Bearer ${secret}`, report(), testRequest);
      await i.submit(`Bearer ${secret}`, report({ diskSha256: "b".repeat(64) }), testRequest);
      await i.submit(`Bearer ${secret}`, report({ diskSha256: "b".repeat(64) }), testRequest);
      await i.submit(`Bearer ${secret}`, report({ state: "failed", lastError: "codex refused: invalid type" }), testRequest);

      const audit = await db.auditEvent.findMany({ where: { orgId: ctx.org.id, action: { startsWith: "agent.host." } }, orderBy: { seq: "asc" } });
      expect(audit.map((e) => [e.action, e.actorType, e.targetId])).toEqual([
        ["agent.host.drifted", "token", token.id],
        ["agent.host.failed", "token", token.id],
      ]);
      expect(audit[1].meta).toMatchObject({ reason: "codex refused: invalid type" });

      let t = Date.now();
      const clock = () => new Date(t);
      expect(await deliverDueWebhooks(db, { now: clock })).toBe(2);
      expect(received).toHaveLength(2);
      const first = await db.webhookDelivery.findMany({ orderBy: { createdAt: "asc" } });
      expect(first.filter((d) => d.deliveredAt).length).toBe(1);
      const retry = first.find((d) => !d.deliveredAt)!;
      expect(retry).toMatchObject({ attempts: 1, lastStatus: 500, lastError: "HTTP 500" });
      expect(await deliverDueWebhooks(db, { now: clock })).toBe(0); // not due yet
      t += 11_000;
      expect(await deliverDueWebhooks(db, { now: clock })).toBe(1);
      expect(await db.webhookDelivery.count({ where: { deliveredAt: null } })).toBe(0);

      for (const r of received) {
        const ts = Number(r.headers["x-charter-timestamp"]);
        expect(r.headers["x-charter-signature"]).toBe(signWebhook(hookSecret!, ts, r.body));
      }
      const events = received.map((r) => JSON.parse(r.body));
      // The delivery refused with 500 came again, with the same id.
      expect(events).toHaveLength(3);
      expect(events[2].id).toBe(events[0].id);
      expect(events.slice(0, 2).map((e) => e.event).sort()).toEqual(["agent.host.drifted", "agent.host.failed"]);
      expect(events.find((e) => e.event === "agent.host.failed").data).toMatchObject({ hostname: "runner-1", reason: "codex refused: invalid type", previousState: "drifted" });
    } finally {
      receiver.close();
    }
  });

  it("gives up on a delivery after the last retry", async () => {
    const ctx = await member();
    await saveWebhook(db, ctx, { url: "http://127.0.0.1:1/unreachable" }, testRequest);
    const { secret } = await createAgentToken(db, ctx, { name: "laptop" }, testRequest);
    await ingest().submit(`Bearer ${secret}`, report({ state: "failed", lastError: "disk full" }), testRequest);
    let t = Date.now();
    for (let n = 0; n < 6; n++) {
      await deliverDueWebhooks(db, { now: () => new Date(t), timeoutMs: 1000 });
      t += 3 * 3_600_000;
    }
    const d = await db.webhookDelivery.findFirstOrThrow();
    expect(d.attempts).toBe(6);
    expect(d.failedAt).not.toBeNull();
    expect(d.deliveredAt).toBeNull();
  });
});
