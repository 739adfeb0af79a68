import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OrgContext } from "../../lib/auth/actor";
import { getDraft, publishDraft, saveDraft } from "../../lib/policies";
import { createAgentToken, revokeAgentToken } from "../../lib/agents";
import { createCheckInIngest, type CheckInIngest } from "../../lib/fleet/ingest";
import { getHost, listFleet, versionAdoption } from "../../lib/fleet/hosts";
import { MAX_AGENT_BODY_BYTES } from "../../lib/fleet/schemas";
import { hashSecret, newSecret, secretPrefix } from "../../lib/crypto/tokens";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

const db = useTestDb();
const ingests: CheckInIngest[] = [];
beforeEach(() => resetDb(db));
afterEach(async () => {
  await Promise.all(ingests.splice(0).map((i) => i.close()));
});

const V1 = `allowed_approval_policies = ["on-request"]\nallowed_approvals_reviewers = ["user"]\n`;
const V2 = `allowed_approval_policies = ["on-request"]\nallowed_sandbox_modes = ["read-only"]\nallowed_approvals_reviewers = ["user"]\n`;
const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);

async function owner(): Promise<OrgContext> {
  const { org, actor } = await makeOrgWithMember(db, "owner");
  return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
}

async function publish(ctx: OrgContext, toml: string) {
  const draft = await getDraft(db, ctx);
  await saveDraft(db, ctx, { toml, baseRevision: draft?.revision ?? 0 }, testRequest);
  return publishDraft(db, ctx, { note: "test" }, testRequest);
}

function ingest(env: Record<string, string | undefined> = {}) {
  const i = createCheckInIngest(db, { flushMs: 20, env, log: () => {} });
  ingests.push(i);
  return i;
}

function report(over: Record<string, unknown> = {}) {
  return {
    hostname: "build-07",
    os: "linux",
    arch: "x64",
    agentVersion: "0.2.0",
    codexVersion: "0.169.0",
    state: "current",
    installedVersion: 1,
    installedSha256: SHA_A,
    diskSha256: SHA_A,
    lastCheckAt: new Date().toISOString(),
    lastError: null,
    events: [],
    ...over,
  };
}

async function checkIn(i: CheckInIngest, token: string | null, body: unknown) {
  const res = await i.handle(
    new Request("http://charter.test/api/v1/agent/checkin", {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
  return { status: res.status, body: await res.json() };
}

describe("POST /api/v1/agent/checkin", () => {
  it("stores what an admin-made token's host reports and answers the poll interval", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    const { token, secret } = await createAgentToken(db, ctx, { name: "laptop", group: "ci" }, testRequest);
    const r = await checkIn(ingest(), secret, report({ events: [{ at: "2026-11-27T10:00:00Z", state: "installed", version: 1 }] }));
    expect(r).toMatchObject({ status: 200, body: { pollIntervalSeconds: 300 } });
    expect(Date.parse(r.body.serverTime)).not.toBeNaN();
    const host = await db.agentHost.findUniqueOrThrow({ where: { tokenId: token.id } });
    expect(host).toMatchObject({ hostname: "build-07", os: "linux", codexVersion: "0.169.0", reportedState: "current", installedVersion: 1, diskSha256: SHA_A, checkIns: 1 });
    expect(host.firstSeenAt).not.toBeNull();
    const history = await db.agentHostHistory.findMany({ where: { tokenId: token.id }, orderBy: { at: "asc" } });
    expect(history.map((h) => [h.kind, h.state])).toEqual([["event", "installed"], ["checkin", "current"]]);
  });

  it("refuses a missing, unknown or revoked token with 401 and stores nothing", async () => {
    const ctx = await owner();
    const { token, secret } = await createAgentToken(db, ctx, { name: "gone" }, testRequest);
    await revokeAgentToken(db, ctx, token.id, testRequest);
    const i = ingest();
    expect((await checkIn(i, null, report())).status).toBe(401);
    expect((await checkIn(i, "cha_unknown", report())).body.error.code).toBe("unauthenticated");
    expect(await checkIn(i, secret, report())).toMatchObject({ status: 401, body: { error: { code: "unauthenticated", message: "The agent token is unknown or revoked." } } });
    expect(await db.agentHost.count()).toBe(0);
    expect(await db.agentHostHistory.count()).toBe(0);
  });

  it("answers bad input with one clear error and changes nothing", async () => {
    const ctx = await owner();
    const { secret } = await createAgentToken(db, ctx, { name: "h" }, testRequest);
    const i = ingest();
    expect(await checkIn(i, secret, "{not json")).toMatchObject({ status: 400, body: { error: { code: "bad_request" } } });
    const wrong = await checkIn(i, secret, report({ os: "plan9" }));
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.message).toMatch(/^os: /);
    expect((await checkIn(i, secret, report({ diskSha256: "xyz" }))).body.error.message).toMatch(/^diskSha256: Expected a sha256/);
    expect((await checkIn(i, secret, report({ lastCheckAt: "yesterday" }))).status).toBe(422);
    const tooMany = Array.from({ length: 101 }, () => ({ at: "2026-11-27T10:00:00Z", state: "installed" }));
    expect((await checkIn(i, secret, report({ events: tooMany }))).body.error.message).toBe("events: At most 100 events per check-in");
    const big = await checkIn(i, secret, report({ lastError: "x".repeat(MAX_AGENT_BODY_BYTES) }));
    expect(big).toMatchObject({ status: 413, body: { error: { code: "payload_too_large" } } });
    expect(await db.agentHost.count()).toBe(0);
  });

  it("writes history only when something changed, plus one sample per host per day", async () => {
    const ctx = await owner();
    const { token, secret } = await createAgentToken(db, ctx, { name: "h" }, testRequest);
    const i = ingest();
    await checkIn(i, secret, report());
    await checkIn(i, secret, report());
    await checkIn(i, secret, report({ lastCheckAt: new Date().toISOString() }));
    expect(await db.agentHostHistory.count({ where: { tokenId: token.id } })).toBe(1);
    await checkIn(i, secret, report({ installedVersion: 2, installedSha256: SHA_B, diskSha256: SHA_B }));
    expect(await db.agentHostHistory.count({ where: { tokenId: token.id } })).toBe(2);
    // The last sample was yesterday: today's first check-in is sampled although nothing changed.
    await db.agentHost.update({ where: { tokenId: token.id }, data: { historyAt: new Date(Date.now() - 86_400_000) } });
    await checkIn(i, secret, report({ installedVersion: 2, installedSha256: SHA_B, diskSha256: SHA_B }));
    expect(await db.agentHostHistory.count({ where: { tokenId: token.id } })).toBe(3);
    expect((await db.agentHost.findUniqueOrThrow({ where: { tokenId: token.id } })).checkIns).toBe(5);
  });

  it("does not store an event twice when a host resends an unacknowledged check-in", async () => {
    const ctx = await owner();
    const { token, secret } = await createAgentToken(db, ctx, { name: "h" }, testRequest);
    const i = ingest();
    const events = [{ at: "2026-11-27T10:00:00.000Z", state: "drifted", reason: "file edited" }, { at: "2026-11-27T10:00:01.000Z", state: "repaired", version: 1 }];
    await checkIn(i, secret, report({ events }));
    await checkIn(i, secret, report({ events }));
    expect(await db.agentHostHistory.count({ where: { tokenId: token.id, kind: "event" } })).toBe(2);
  });

  it("stores every one of many concurrent check-ins, in batches, with one row per host", async () => {
    const ctx = await owner();
    // Made in one insert: 150 audited creations would only slow the test down.
    const tokens = Array.from({ length: 150 }, () => ({ secret: newSecret("cha_") }));
    await db.agentToken.createMany({ data: tokens.map((t, n) => ({ orgId: ctx.org.id, name: `h${n}`, prefix: secretPrefix(t.secret), tokenHash: hashSecret(t.secret) })) });
    const i = createCheckInIngest(db, { flushMs: 50, maxBatch: 64, log: () => {} });
    ingests.push(i);
    // Every host twice, the second report of one host in the same batch as its first.
    const results = await Promise.all(tokens.flatMap((t, n) => [checkIn(i, t.secret, report({ hostname: `h${n}` })), checkIn(i, t.secret, report({ hostname: `h${n}`, installedVersion: 2 }))]));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(await db.agentHost.count()).toBe(150);
    expect(await db.agentHost.aggregate({ _sum: { checkIns: true } })).toEqual({ _sum: { checkIns: 300 } });
  });

  it("asks for the org's interval, else CHARTER_AGENT_POLL_SECONDS, within bounds", async () => {
    const ctx = await owner();
    const { secret } = await createAgentToken(db, ctx, { name: "h" }, testRequest);
    expect((await checkIn(ingest({ CHARTER_AGENT_POLL_SECONDS: "120" }), secret, report())).body.pollIntervalSeconds).toBe(120);
    expect((await checkIn(ingest({ CHARTER_AGENT_POLL_SECONDS: "1" }), secret, report())).body.pollIntervalSeconds).toBe(30);
    await db.organization.update({ where: { id: ctx.org.id }, data: { agentPollSeconds: 900 } });
    expect((await checkIn(ingest({ CHARTER_AGENT_POLL_SECONDS: "120" }), secret, report())).body.pollIntervalSeconds).toBe(900);
  });
});

describe("host states", () => {
  it("derives current, behind, failed, drifted, never checked in, silent and revoked", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    await publish(ctx, V2);
    const make = (name: string, group?: string) => createAgentToken(db, ctx, { name, group }, testRequest);
    const [current, behind, failed, drifted, never, silent, revoked] = await Promise.all(
      ["current", "behind", "failed", "drifted", "never", "silent", "revoked"].map((n) => make(n, n === "current" ? "ci" : undefined)),
    );
    const i = ingest();
    await checkIn(i, current.secret, report({ hostname: "current", installedVersion: 2 }));
    await checkIn(i, behind.secret, report({ hostname: "behind", installedVersion: 1 }));
    await checkIn(i, failed.secret, report({ hostname: "failed", os: "darwin", state: "failed", installedVersion: 1, lastError: "codex refused: unknown variant `bogus`" }));
    // The host says current, but the file on disk is not the one it installed: drift.
    await checkIn(i, drifted.secret, report({ hostname: "drifted", installedVersion: 2, diskSha256: SHA_B }));
    await checkIn(i, silent.secret, report({ hostname: "silent", installedVersion: 2 }));
    await db.agentHost.update({ where: { tokenId: silent.token.id }, data: { lastSeenAt: new Date(Date.now() - 25 * 3_600_000) } });
    await checkIn(i, revoked.secret, report({ hostname: "revoked", installedVersion: 2 }));
    await revokeAgentToken(db, ctx, revoked.token.id, testRequest);

    const fleet = await listFleet(db, ctx);
    const state = Object.fromEntries(fleet.hosts.map((h) => [h.name, h.state]));
    expect(state).toEqual({ current: "current", behind: "behind", failed: "failed", drifted: "drifted", never: "never", silent: "silent", revoked: "revoked" });
    expect(fleet.counts).toEqual({ current: 1, behind: 1, failed: 1, drifted: 1, never: 1, silent: 1, revoked: 1 });
    expect(fleet.hosts.find((h) => h.name === "failed")?.lastError).toBe("codex refused: unknown variant `bogus`");
    expect((await listFleet(db, ctx, { state: "failed" })).hosts.map((h) => h.name)).toEqual(["failed"]);
    expect((await listFleet(db, ctx, { os: "darwin" })).hosts.map((h) => h.name)).toEqual(["failed"]);
    expect((await listFleet(db, ctx, { group: "ci" })).hosts.map((h) => h.name)).toEqual(["current"]);
    expect((await listFleet(db, ctx, { version: 1 })).counts).toMatchObject({ behind: 1, failed: 1, current: 0 });
    expect((await listFleet(db, ctx, { q: "DRIFT" })).hosts.map((h) => h.name)).toEqual(["drifted"]);
    void never;

    const detail = await getHost(db, ctx, drifted.token.id);
    expect(detail.state).toBe("drifted");
    expect(detail.history[0]).toMatchObject({ kind: "checkin", state: "drifted", diskSha256: SHA_B });

    const adoption = await versionAdoption(db, ctx);
    expect(adoption).toHaveLength(1);
    expect(adoption[0].versions).toEqual({ "1": 2, "2": 4 });
  });

  it("counts a token that only fetches the bundle by what the bundle endpoint saw", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    const { token } = await createAgentToken(db, ctx, { name: "old-agent" }, testRequest);
    await db.agentCheckIn.create({ data: { tokenId: token.id, orgId: ctx.org.id, versionServed: 1, versionInstalled: 1, at: new Date() } });
    const fleet = await listFleet(db, ctx);
    expect(fleet.hosts[0]).toMatchObject({ name: "old-agent", state: "current", installedVersion: 1 });
  });
});
