import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrgContext } from "../../lib/auth/actor";
import { createBundleServer, type BundleServer } from "../../lib/bundles/serve";
import { parseBundlePayload } from "../../lib/bundles/payload";
import { hashSecret, newSecret, secretPrefix } from "../../lib/crypto/tokens";
import { AGENT_TOKEN_PREFIX } from "../../lib/agents";
import { getDraft, publishDraft, saveDraft } from "../../lib/policies";
import { createGroup, publishOverlay, saveOverlayDraft, updateGroup } from "../../lib/groups";
import { createCheckInIngest, type CheckInIngest } from "../../lib/fleet/ingest";
import { getHost, listFleet } from "../../lib/fleet/hosts";
import { saveWebhook } from "../../lib/webhooks";
import { getRollout, hostBucket, pauseRollout, promoteRollout, resumeRollout, rollbackRollout, tickRollouts } from "../../lib/rollouts";
import { codeOf, makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

/*
 * A simulated fleet of 1,000 hosts in three groups, fetching over real HTTP from the bundle fast path, through
 * three-ring rollouts: one that promotes to everyone and one that halts on failures and rolls back by itself.
 * Time is simulated by passing `now` to the gate evaluation; hosts report their installs the way agents do.
 */

const db = useTestDb();

const BASE_V1 = `allowed_approval_policies = ["on-request", "never"]\nallowed_sandbox_modes = ["read-only", "workspace-write"]\nallowed_approvals_reviewers = ["user", "auto_review"]\n`;
const BASE_V2 = `${BASE_V1}[features]\nfast_mode = false\n`;
const BASE_V3 = `enforce_residency = "us"\n${BASE_V2}`;
const CONTRACTORS = `# contractors: no unattended runs, no writes outside the sandbox\nallowed_approval_policies = ["on-request"]\nallowed_sandbox_modes = ["read-only"]\n`;

interface Host {
  id: string;
  secret: string;
  group: string;
}

let ctx: OrgContext;
let hosts: Host[];
let server: http.Server;
let bundles: BundleServer;
let checkins: CheckInIngest;
let url: string;

function groupOf(i: number) {
  return i % 10 < 4 ? "engineering" : i % 10 === 4 ? "contractors" : "ci";
}

async function publish(toml: string, rollout?: Parameters<typeof publishDraft>[2]["rollout"]) {
  const draft = await getDraft(db, ctx);
  await saveDraft(db, ctx, { toml, baseRevision: draft?.revision ?? 0 }, testRequest);
  return publishDraft(db, ctx, { note: "simulated", rollout }, testRequest);
}

/** Every host fetches its bundle over HTTP (saying what it has installed, as agents do); returns version per host. */
async function fetchAll(installed: Map<string, number>): Promise<Map<string, { version: number; toml: string }>> {
  const out = new Map<string, { version: number; toml: string }>();
  const queue = [...hosts];
  await Promise.all(
    Array.from({ length: 25 }, async () => {
      for (let h = queue.shift(); h; h = queue.shift()) {
        const have = installed.get(h.id);
        const res = await fetch(url, { headers: { authorization: `Bearer ${h.secret}`, ...(have ? { "x-charter-installed-version": String(have) } : {}) } });
        expect(res.status).toBe(200);
        const jws = await res.text();
        const payload = parseBundlePayload(JSON.parse(Buffer.from(jws.split(".")[1], "base64url").toString("utf8")));
        out.set(h.id, { version: payload.version, toml: payload.requirementsToml });
      }
    }),
  );
  return out;
}

function countBy<T>(values: Iterable<T>): Map<T, number> {
  const m = new Map<T, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

/** Hosts install what they were served; the bundle server writes the reported versions like any check-in. */
async function installServed(served: Map<string, { version: number }>, installed: Map<string, number>, only?: (h: Host) => boolean) {
  for (const h of hosts) if (!only || only(h)) installed.set(h.id, served.get(h.id)!.version);
  await fetchAll(installed);
  await bundles.flush();
}

/** A host's check-in over HTTP, as charter-agent sends it. */
async function checkIn(h: Host, report: { hostname?: string; state: "current" | "failed" | "drifted"; installedVersion: number; lastError?: string }) {
  const res = fetch(url.replace("/bundle", "/checkin"), {
    method: "POST",
    headers: { authorization: `Bearer ${h.secret}`, "content-type": "application/json" },
    body: JSON.stringify({
      hostname: report.hostname ?? `host-${h.id}`,
      os: "linux",
      arch: "x64",
      agentVersion: "0.1.0",
      codexVersion: "0.169.0",
      state: report.state,
      installedVersion: report.installedVersion,
      installedSha256: null,
      diskSha256: null,
      lastCheckAt: new Date().toISOString(),
      lastError: report.lastError ?? null,
      events: [],
    }),
  });
  return res;
}

const minutes = (start: Date, m: number) => new Date(start.getTime() + m * 60_000);

beforeAll(async () => {
  await resetDb(db);
  const { org, actor } = await makeOrgWithMember(db, "owner");
  ctx = { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
  hosts = Array.from({ length: 1000 }, (_, i) => ({ id: "", secret: newSecret(AGENT_TOKEN_PREFIX), group: groupOf(i) }));
  await db.agentToken.createMany({
    data: hosts.map((h, i) => ({ orgId: org.id, name: `host-${i}`, group: h.group, prefix: secretPrefix(h.secret), tokenHash: hashSecret(h.secret) })),
  });
  const ids = new Map((await db.agentToken.findMany({ where: { orgId: org.id }, select: { id: true, tokenHash: true } })).map((t) => [t.tokenHash, t.id]));
  for (const h of hosts) h.id = ids.get(hashSecret(h.secret))!;
  for (const [name, priority] of [["engineering", 0], ["contractors", 10], ["ci", 0]] as const) await createGroup(db, ctx, { name, priority }, testRequest);
  await publish(BASE_V1);
  await saveOverlayDraft(db, ctx, "contractors", { toml: CONTRACTORS, baseRevision: 0 }, testRequest);
  await publishOverlay(db, ctx, "contractors", { note: "contractors are stricter" }, testRequest);

  bundles = createBundleServer(db, { pollMs: 3_600_000, flushMs: 3_600_000, log: () => {} });
  checkins = createCheckInIngest(db, { flushMs: 50, log: () => {} });
  server = http.createServer((req, res) => (req.method === "POST" ? checkins.handleNode(req, res) : bundles.handleNode(req, res)));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/agent/bundle`;
}, 120_000);

afterAll(async () => {
  await bundles?.close();
  await checkins?.close();
  await new Promise((r) => server?.close(r));
});

const RINGS = [
  { name: "contractors", group: "contractors" },
  { name: "10% canary", percent: 10 },
];
const GATES = { minInstalledPercent: 100, maxFailurePercent: 5, soakMinutes: 10, emptyRingTimeoutMinutes: 30 };

// Each step fetches 1,000 bundles over HTTP: generous timeouts for a loaded machine (no test asserts a duration).
describe("a 1,000-host fleet in three groups", { timeout: 180_000 }, () => {
  const installed = new Map<string, number>();
  // Ring membership by the published rule: contractors first, then 10% of the others by a stable hash of the host id.
  const inCanary = (h: Host) => h.group !== "contractors" && hostBucket(ctx.org.id, h.id) < 10;

  it("serves each group its composed file: contractors get the stricter overlay, the others the base", async () => {
    const served = await fetchAll(installed);
    expect(countBy([...served.values()].map((s) => s.version))).toEqual(new Map([[1, 1000]]));
    const contractor = hosts.find((h) => h.group === "contractors")!;
    const engineer = hosts.find((h) => h.group === "engineering")!;
    expect(served.get(contractor.id)!.toml).toMatch(/allowed_sandbox_modes = \[ "read-only" \]/);
    expect(served.get(contractor.id)!.toml).toMatch(/allowed_approval_policies = \[ "on-request" \]/);
    expect(served.get(engineer.id)!.toml).toBe(BASE_V1);
    await installServed(served, installed);
  });

  it("promotes a three-ring rollout ring by ring to everyone, with exact host counts at each step", async () => {
    const canary = hosts.filter(inCanary).length;
    expect(canary).toBeGreaterThan(50);
    expect(canary).toBeLessThan(130);
    await publish(BASE_V2, { rings: RINGS, gates: GATES });
    const t0 = (await db.rollout.findFirstOrThrow({ where: { orgId: ctx.org.id, versionNumber: 2 } })).ringStartedAt;
    await bundles.poll();

    // Ring 0: the 100 contractors get version 2, everyone else keeps version 1.
    let served = await fetchAll(installed);
    expect(countBy([...served.values()].map((s) => s.version))).toEqual(new Map([[2, 100], [1, 900]]));
    expect(hosts.filter((h) => served.get(h.id)!.version === 2).every((h) => h.group === "contractors")).toBe(true);

    // The Agents page: only the ring's hosts are behind (assigned 2, have 1); the others have what they should.
    let fleet = await listFleet(db, ctx);
    expect(fleet.counts).toMatchObject({ behind: 100, current: 900 });
    expect(fleet.hosts.filter((h) => h.state === "behind").every((h) => h.group === "contractors" && h.assignedVersion === 2)).toBe(true);
    const waiting = hosts.find((h) => h.group === "engineering" && !inCanary(h))!;
    expect((await getHost(db, ctx, waiting.id)).assignment).toEqual({
      version: 1,
      group: "engineering",
      ring: "everyone",
      reason: 'ring "everyone" of the rollout of version 2 (running), not reached yet: it keeps version 1',
    });
    expect((await getHost(db, ctx, hosts.find((h) => h.group === "contractors")!.id)).assignment).toEqual({
      version: 2,
      group: "contractors",
      ring: "contractors",
      reason: 'ring "contractors" of the rollout of version 2, which has reached it',
    });

    // Gates wait for installs, then for the soak time.
    expect((await tickRollouts(db, { orgId: ctx.org.id, now: minutes(t0, 1) }))[0]).toMatchObject({ verdict: "wait", action: "none" });
    await installServed(served, installed, (h) => h.group === "contractors");
    fleet = await listFleet(db, ctx);
    expect(fleet.counts).toMatchObject({ behind: 0, current: 1000 });
    let status = await getRollout(db, ctx, 2, { now: minutes(t0, 5) });
    expect(status.rings[0]).toMatchObject({ hosts: 100, installed: 100, status: "current" });
    expect(status.gate?.verdict).toBe("wait");
    expect(status.gate?.reasons.join()).toMatch(/soaking/);

    // Soaked: ring 1 (the 10% canary) joins.
    expect((await tickRollouts(db, { orgId: ctx.org.id, now: minutes(t0, 11) }))[0]).toMatchObject({ verdict: "pass", action: "promoted" });
    await bundles.poll();
    served = await fetchAll(installed);
    expect(countBy([...served.values()].map((s) => s.version))).toEqual(new Map([[2, 100 + canary], [1, 900 - canary]]));
    await installServed(served, installed, (h) => h.group === "contractors" || inCanary(h));

    const t1 = minutes(t0, 11);
    expect((await tickRollouts(db, { orgId: ctx.org.id, now: minutes(t1, 11) }))[0]).toMatchObject({ action: "promoted" });
    await bundles.poll();
    served = await fetchAll(installed);
    expect(countBy([...served.values()].map((s) => s.version))).toEqual(new Map([[2, 1000]]));
    await installServed(served, installed);

    expect((await tickRollouts(db, { orgId: ctx.org.id, now: minutes(t1, 22) }))[0]).toMatchObject({ action: "completed" });
    status = await getRollout(db, ctx, 2, { tick: false });
    expect(status.state).toBe("completed");
    expect(status.rings.map((r) => [r.name, r.hosts, r.installed])).toEqual([
      ["contractors", 100, 100],
      ["10% canary", canary, canary],
      ["everyone", 900 - canary, 900 - canary],
    ]);
    expect(status.adoption).toEqual([{ version: 2, hosts: 1000 }]);
    expect(status.events.map((e) => e.kind)).toEqual(["started", "gate", "gate", "promoted", "promoted", "completed"]);
    expect((status.events[2].detail as { summary: unknown }).summary).toEqual({ verdict: "wait", hosts: 100, installed: 100, failed: 0, drifted: 0 });
    const audit = await db.auditEvent.findMany({ where: { orgId: ctx.org.id, action: { startsWith: "rollout." } }, orderBy: { seq: "asc" }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(["rollout.promoted", "rollout.promoted", "rollout.completed"]);
    // Contractors still get their overlay on top of version 2.
    const contractor = hosts.find((h) => h.group === "contractors")!;
    expect(served.get(contractor.id)!.toml).toMatch(/fast_mode = false/);
    expect(served.get(contractor.id)!.toml).toMatch(/allowed_sandbox_modes = \[ "read-only" \]/);
  });

  it("refuses another publish while a rollout is active, and lets admins pause, resume and promote by hand", async () => {
    await publish(BASE_V3, { rings: RINGS, gates: GATES });
    expect(await codeOf(publish(`allowed_web_search_modes = ["cached"]\n${BASE_V3}`))).toBe("conflict");
    expect((await pauseRollout(db, ctx, 3, { reason: "lunch" }, testRequest)).state).toBe("paused");
    expect(await tickRollouts(db, { orgId: ctx.org.id, now: minutes(new Date(), 60) })).toEqual([]);
    expect((await resumeRollout(db, ctx, 3, {}, testRequest)).state).toBe("running");
    const promoted = await promoteRollout(db, ctx, 3, { reason: "contractors look fine" }, testRequest);
    expect(promoted.currentRing).toBe(1);
    await bundles.poll();
    const served = await fetchAll(installed);
    expect(countBy([...served.values()].map((s) => s.version))).toEqual(new Map([[3, 100 + hosts.filter(inCanary).length], [2, 900 - hosts.filter(inCanary).length]]));
  });

  it("rolls back by hand: every host gets version 2's text again as version 4", async () => {
    const r = await rollbackRollout(db, ctx, 3, { reason: "residency breaks CI" }, testRequest);
    expect(r.state).toBe("rolled_back");
    expect(r.rollbackVersion).toBe(4);
    await bundles.poll();
    const served = await fetchAll(installed);
    expect(countBy([...served.values()].map((s) => s.version))).toEqual(new Map([[4, 1000]]));
    const engineer = hosts.find((h) => h.group === "engineering")!;
    expect(served.get(engineer.id)!.toml).toBe(BASE_V2);
    const v4 = await db.policyVersion.findUniqueOrThrow({ where: { orgId_number: { orgId: ctx.org.id, number: 4 } } });
    expect(v4.restoredFromNumber).toBe(2);
  });

  it("halts on install failures in the first ring and rolls back by itself, with an audit event and a webhook notification", async () => {
    await saveWebhook(db, ctx, { url: "http://127.0.0.1:9/hook" }, testRequest);
    await publish(`enforce_residency = "us"\n${BASE_V2}`, { rings: RINGS, gates: GATES });
    const t0 = (await db.rollout.findFirstOrThrow({ where: { orgId: ctx.org.id, versionNumber: 5 } })).ringStartedAt;
    await bundles.poll();
    let served = await fetchAll(installed);
    expect(countBy([...served.values()].map((s) => s.version))).toEqual(new Map([[5, 100], [4, 900]]));

    // 90 contractors install it; 10 report that Codex refused the file and they kept version 4 (10% > the 5% limit).
    const contractors = hosts.filter((h) => h.group === "contractors");
    const responses = await Promise.all(contractors.map((h, i) => checkIn(h, i < 10 ? { state: "failed", installedVersion: 4, lastError: "codex refused: enforce_residency" } : { state: "current", installedVersion: 5 })));
    await checkins.flush();
    expect(responses.map((r) => r.status)).toEqual(contractors.map(() => 200));
    const status = await getRollout(db, ctx, 5, { now: minutes(t0, 2), tick: false });
    expect(status.gate).toMatchObject({ verdict: "fail", values: { hosts: 100, installed: 90, failed: 10, failurePercent: 10 } });

    expect((await tickRollouts(db, { orgId: ctx.org.id, now: minutes(t0, 2) }))[0]).toMatchObject({ verdict: "fail", action: "rolled_back" });
    const after = await getRollout(db, ctx, 5, { tick: false });
    expect(after).toMatchObject({ state: "rolled_back", rollbackVersion: 6 });
    expect(after.reason).toMatch(/ring "contractors" failed its gates: 10 failed and 0 drifted of 100 hosts \(10%\) is above the 5% limit/);
    expect(after.events.map((e) => e.kind)).toEqual(["started", "rolled_back"]);

    // Every host, in the ring or not, now gets version 6 (version 4's text): nobody goes down a version number.
    await bundles.poll();
    served = await fetchAll(installed);
    expect(countBy([...served.values()].map((s) => s.version))).toEqual(new Map([[6, 1000]]));
    expect(served.get(hosts.find((h) => h.group === "ci")!.id)!.toml).toBe(BASE_V2);

    const audit = await db.auditEvent.findFirstOrThrow({ where: { orgId: ctx.org.id, action: "rollout.rolled_back", targetId: "5" } });
    expect(audit.actorType).toBe("system");
    const hook = await db.webhookDelivery.findFirstOrThrow({ where: { orgId: ctx.org.id, event: "rollout.rolled_back" } });
    expect((hook.payload as { text: string }).text).toMatch(/rollout of version 5 .* was rolled back \(every host now gets version 6\)/);
  });

  it("a host that starts matching a group's rules moves to that group, its overlay and its ring at its next fetch", async () => {
    const engineer = hosts.find((h) => h.group === "engineering" && !inCanary(h))!;
    expect((await checkIn(engineer, { hostname: "ext-laptop-7", state: "current", installedVersion: 6 })).status).toBe(200);
    await checkins.flush();
    await updateGroup(db, ctx, "contractors", { rules: { hostnamePattern: "ext-*" } }, testRequest);
    await publish(BASE_V3, { rings: RINGS, gates: GATES });
    await bundles.poll();
    const served = await fetchAll(installed);
    expect(countBy([...served.values()].map((s) => s.version))).toEqual(new Map([[7, 101], [6, 899]]));
    expect(served.get(engineer.id)).toMatchObject({ version: 7 });
    expect(served.get(engineer.id)!.toml).toMatch(/allowed_sandbox_modes = \[ "read-only" \]/);
  });

  it("a host moving group mid-rollout gets its new group's version and ring at its next check, and keeps what it installed when it moves out", async () => {
    // Rollout of version 7 is in ring 0 (contractors, which now includes hostnames ext-*); version 6 is the previous one.
    const outside = hosts.filter((h) => h.group === "ci" && !inCanary(h));
    const [mover, visitor] = outside;
    const fetchOne = async (h: Host, have?: number) => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${h.secret}`, ...(have ? { "x-charter-installed-version": String(have) } : {}) } });
      expect(res.status).toBe(200);
      const payload = parseBundlePayload(JSON.parse(Buffer.from((await res.text()).split(".")[1], "base64url").toString("utf8")));
      return { version: payload.version, toml: payload.requirementsToml };
    };
    expect(await fetchOne(mover, 6)).toEqual({ version: 6, toml: BASE_V2 });
    expect(await fetchOne(visitor, 6)).toEqual({ version: 6, toml: BASE_V2 });

    // Both report a contractor hostname: at their next fetch they are in ring 0 and get version 7 with the overlay.
    for (const h of [mover, visitor]) expect((await checkIn(h, { hostname: `ext-${h.id}`, state: "current", installedVersion: 6 })).status).toBe(200);
    await checkins.flush();
    await bundles.poll();
    for (const h of [mover, visitor]) {
      const got = await fetchOne(h, 6);
      expect(got.version).toBe(7);
      expect(got.toml).toMatch(/^enforce_residency = "us"/m);
      expect(got.toml).toMatch(/allowed_sandbox_modes = \[ "read-only" \]/);
    }

    // The mover installs 7, then both go back to a ci hostname: the mover keeps version 7 (no host goes down a
    // version), now without the contractors' overlay; the visitor, which never installed 7, gets version 6 again.
    expect((await checkIn(mover, { hostname: `ci-${mover.id}`, state: "current", installedVersion: 7 })).status).toBe(200);
    expect((await checkIn(visitor, { hostname: `ci-${visitor.id}`, state: "current", installedVersion: 6 })).status).toBe(200);
    await checkins.flush();
    await bundles.poll();
    expect(await fetchOne(mover, 7)).toEqual({ version: 7, toml: BASE_V3 });
    expect(await fetchOne(visitor, 6)).toEqual({ version: 6, toml: BASE_V2 });
    const status = await getRollout(db, ctx, 7, { tick: false });
    expect(status.rings[0]).toMatchObject({ name: "contractors", hosts: 101 });
  });
});
