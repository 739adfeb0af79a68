import { mkdtempSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { Db } from "../../lib/db";
import { serveApi } from "../support/api-server";
import { makeOrgWithMember, resetDb } from "./helpers";

/*
 * A GitOps pipeline from a shell, against a real server over HTTP and a real database: mint a token, give the
 * "contractors" group a stricter overlay through a change request, publish a base change to a 10% ring, and wait for
 * it to promote to everyone (`charter rollout status --wait`). Hosts report their installs by check-in, as agents do.
 * The server is node:http running the admin API's handler (as app/api/v1/[...path]) and the check-in endpoint; the
 * CLI authenticates with the API token only, so the Auth.js session lookup is never reached (mocked to import).
 */
vi.mock("next-auth", () => import("../support/mock-next"));
vi.mock("next/headers", () => import("../support/mock-next"));

process.env.DATABASE_URL = inject("databaseUrl");
const { db } = await import("../../lib/db");
const { OPERATIONS } = await import("../../lib/ops");
const { router } = await import("../../lib/ops/http");
const { createCheckInIngest } = await import("../../lib/fleet/ingest");
const { hashSecret, newSecret, secretPrefix } = await import("../../lib/crypto/tokens");
const { AGENT_TOKEN_PREFIX } = await import("../../lib/agents");
const { hostBucket } = await import("../../lib/rollouts");
const { main } = await import("../../cli/main");

const BASE_V1 = `allowed_approval_policies = ["on-request", "never"]\nallowed_sandbox_modes = ["read-only", "workspace-write"]\n`;
const BASE_V2 = `${BASE_V1}[features]\nfast_mode = false\n`;
const CONTRACTORS = `# contractors: no unattended runs, no writes outside the sandbox\nallowed_approval_policies = ["on-request"]\nallowed_sandbox_modes = ["read-only"]\n`;

let server: Server;
let checkins: ReturnType<typeof createCheckInIngest>;
let base = "";
let slug = "";
let orgId = "";
let made: Awaited<ReturnType<typeof makeOrgWithMember>>;
const dir = mkdtempSync(path.join(tmpdir(), "charter-pipeline-"));
const hosts: { id: string; secret: string; group: string }[] = [];

async function charter(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** `charter VERB … --org SLUG` with the server from CHARTER_SERVER. */
const org = (...args: string[]) => charter(...args, "--org", slug);

function file(name: string, text: string) {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}

async function checkIn(h: (typeof hosts)[number], installedVersion: number) {
  const res = await fetch(`${base}/api/v1/agent/checkin`, {
    method: "POST",
    headers: { authorization: `Bearer ${h.secret}`, "content-type": "application/json" },
    body: JSON.stringify({
      hostname: `host-${h.id}`, os: "linux", arch: "x64", agentVersion: "0.1.0", codexVersion: "0.169.0", state: "current",
      installedVersion, installedSha256: null, diskSha256: null, lastCheckAt: new Date().toISOString(), lastError: null, events: [],
    }),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  await resetDb(db as Db);
  made = await makeOrgWithMember(db as Db, "owner");
  slug = made.org.slug;
  orgId = made.org.id;
  // 100 hosts: 20 contractors, 80 engineers (tokens carry the group, as enrolment gives it).
  for (let i = 0; i < 100; i++) hosts.push({ id: "", secret: newSecret(AGENT_TOKEN_PREFIX), group: i % 5 === 0 ? "contractors" : "engineering" });
  await db.agentToken.createMany({ data: hosts.map((h, i) => ({ orgId, name: `host-${i}`, group: h.group, prefix: secretPrefix(h.secret), tokenHash: hashSecret(h.secret) })) });
  const ids = new Map((await db.agentToken.findMany({ where: { orgId }, select: { id: true, tokenHash: true } })).map((t) => [t.tokenHash, t.id]));
  for (const h of hosts) h.id = ids.get(hashSecret(h.secret))!;

  checkins = createCheckInIngest(db as Db, { flushMs: 20, log: () => {} });
  ({ server, base } = await serveApi(router(OPERATIONS), { "/api/v1/agent/checkin": (req, res) => checkins.handleNode(req, res) }));
  process.env.CHARTER_SERVER = base;
});

afterAll(async () => {
  delete process.env.CHARTER_SERVER;
  delete process.env.CHARTER_TOKEN;
  await checkins?.close();
  await new Promise((resolve) => server?.close(resolve));
  await db.$disconnect();
});

describe("a GitOps pipeline with the charter command", { timeout: 120_000 }, () => {
  it("mints a token, gives contractors a stricter overlay through a change request, publishes to a 10% ring and waits for promotion", async () => {
    const token = await charter("token", "create", "--org", slug, "--name", "gitops", "--scope", "read,write,publish");
    expect(token.code).toBe(0);
    process.env.CHARTER_TOKEN = token.out;

    expect(await org("draft", "set", file("base-v1.toml", BASE_V1))).toMatchObject({ code: 0, out: "draft saved (revision 1)" });
    expect(await org("publish", "--note", "first")).toMatchObject({ code: 0, out: "version 1 published" });
    await Promise.all(hosts.map((h) => checkIn(h, 1)));
    await checkins.flush();

    expect(await org("group", "create", "contractors", "--priority", "10", "--description", "outside staff")).toMatchObject({
      code: 0,
      out: "group contractors: priority 10, 20 hosts, no overlay",
    });
    expect((await org("group", "overlay", "contractors", file("contractors.toml", CONTRACTORS))).code).toBe(0);
    const opened = await org("change", "open", "--group", "contractors", "--title", "contractors: read only", "--note", "no writes", "--json");
    expect(opened.code).toBe(0);
    const cr = JSON.parse(opened.out) as { number: number; group: string; state: string };
    expect(cr).toMatchObject({ group: "contractors", state: "approved" }); // the org requires no approvals
    // A newer overlay draft updates the open request.
    expect((await org("group", "overlay", "contractors", file("contractors.toml", `${CONTRACTORS}# reviewed by security\n`))).code).toBe(0);
    expect(await org("change", "update", String(cr.number), "--group", "contractors", "--from-draft")).toMatchObject({
      code: 0,
      out: `change request #${cr.number} (group contractors): approved, 0 of 0 approvals, revision 2`,
    });
    expect(await org("change", "update", String(cr.number), "--group", "contractors", "--from-draft")).toMatchObject({
      code: 1,
      err: "charter change: Nothing changed: the request already says this. (conflict)",
    });
    // Tokens never decide (no token scope approves): the refusal is Charter's own message, and the command fails.
    expect(await org("api", "policy.changes.approve", `number:=${cr.number}`)).toMatchObject({
      code: 1,
      err: `charter api policy.changes.approve: This token's scopes (read, write, publish) may not do this in ${made.org.name}. (forbidden)`,
    });
    expect(await org("change", "merge", String(cr.number), "--group", "contractors")).toMatchObject({
      code: 0,
      out: `group contractors: overlay version 1 published from change request #${cr.number}`,
    });
    const effective = await org("api", "groups.effective", "group=contractors", "--json");
    expect(JSON.parse(effective.out).toml).toMatch(/allowed_sandbox_modes = \[ "read-only" \]/);

    // A base change to a 10% ring first, then everyone.
    expect((await org("draft", "set", file("base-v2.toml", BASE_V2))).code).toBe(0);
    const published = await org("publish", "--note", "fast mode off", "--ring", "canary=10%", "--gates", '{"soakMinutes":0,"minInstalledPercent":100}');
    expect(published).toMatchObject({ code: 0, out: "version 2 published to canary (10% of hosts), then everyone; follow it with charter rollout status 2 --wait" });

    // The fleet API says what each host should have: the canary's hosts version 2, the others version 1.
    const canary = new Set(hosts.filter((h) => hostBucket(orgId, h.id) < 10).map((h) => h.id));
    expect(canary.size).toBeGreaterThan(0);
    const fleet = JSON.parse((await org("api", "fleet.hosts.list", "--json")).out) as { hosts: { id: string; group: string; assigned: { version: number; group: string | null; ring: string } }[] };
    expect(fleet.hosts).toHaveLength(100);
    for (const h of fleet.hosts) {
      expect(h.assigned).toMatchObject(canary.has(h.id) ? { version: 2, ring: "canary" } : { version: 1, ring: "everyone" });
      expect(h.assigned.group).toBe(h.group === "contractors" ? "contractors" : null);
    }

    const waiting = org("rollout", "status", "2", "--wait", "--interval", "1");
    await Promise.all(hosts.filter((x) => canary.has(x.id)).map((h) => checkIn(h, 2)));
    await checkins.flush();
    await vi.waitFor(async () => expect((await db.rollout.findFirstOrThrow({ where: { orgId, versionNumber: 2 } })).currentRing).toBe(1), { timeout: 60_000, interval: 200 });
    await Promise.all(hosts.filter((x) => !canary.has(x.id)).map((h) => checkIn(h, 2)));
    await checkins.flush();
    const done = await waiting;
    expect(done.code).toBe(0);
    expect(done.out).toContain("version 2 (after 1): completed");
  });
});

describe("an org that requires approvals", { timeout: 120_000 }, () => {
  it("publishes a base change only through an approved change request, which merges to a 10% ring first", async () => {
    const { decideChangeRequest } = await import("../../lib/policies");
    await db.organization.update({ where: { id: orgId }, data: { approvalsRequired: 1 } });
    const approver = await db.user.create({ data: { email: "approver@pipeline.example", name: "Approver" } });
    await db.membership.create({ data: { orgId, userId: approver.id, role: "approver" } });

    expect((await org("draft", "set", file("base-v3.toml", `enforce_residency = "us"\n${BASE_V2}`))).code).toBe(0);
    expect(await org("publish", "--note", "straight out", "--ring", "canary=10%")).toMatchObject({ code: 1, err: expect.stringMatching(/requires 1 approval.*\(forbidden\)$/) });
    const cr = JSON.parse((await org("change", "open", "--title", "residency", "--note", "us only", "--json")).out) as { number: number; state: string };
    expect(cr.state).toBe("open");
    expect(await org("change", "merge", String(cr.number), "--ring", "canary=10%")).toMatchObject({ code: 1, err: `charter change: Change request #${cr.number} has 0 of the 1 approvals it needs. (forbidden)` });
    // A person approves it in the console.
    await decideChangeRequest(db as Db, { actor: { type: "user", userId: approver.id, email: approver.email, name: approver.name }, org: made.org, role: "approver" }, cr.number, "approve", {}, { requestId: "console", ip: "127.0.0.1" });
    expect(await org("change", "merge", String(cr.number), "--ring", "canary=10%", "--gates", '{"soakMinutes":0}')).toMatchObject({
      code: 0,
      out: `version 3 published from change request #${cr.number} to canary (10% of hosts), then everyone; follow it with charter rollout status 3 --wait`,
    });
    const status = await org("rollout", "status", "3");
    expect(status).toMatchObject({ code: 0, out: expect.stringContaining("version 3 (after 2): running") });
    expect(status.out).toContain("canary (10% of hosts)");
    const version = await db.policyVersion.findFirstOrThrow({ where: { orgId, number: 3 }, select: { changeRequestId: true } });
    expect(version.changeRequestId).not.toBeNull();
    await db.organization.update({ where: { id: orgId }, data: { approvalsRequired: 0 } });
  });
});

describe("charter api", () => {
  it("lists the operations and calls any of them, its answer checked against the declared output", async () => {
    const list = await charter("api", "--list");
    expect(list.code).toBe(0);
    expect(list.out.split("\n")).toHaveLength(OPERATIONS.length);
    expect(list.out).toContain("groups.overlay.changes.update");
    const got = await org("api", "groups.get", "group=contractors");
    expect(got.code).toBe(0);
    expect(JSON.parse(got.out)).toMatchObject({ name: "contractors", priority: 10, overlayVersion: 1 });
  });

  it("refuses an unknown operation, bad JSON and bad fields, and prints Charter's refusals in its own words", async () => {
    expect(await org("api", "groups.creat")).toMatchObject({ code: 2, err: expect.stringContaining('unknown operation "groups.creat" (did you mean: groups.create') });
    expect(await org("api", "groups.create", "--input", "{name: contractors}")).toMatchObject({ code: 2, err: expect.stringContaining("--input is not valid JSON") });
    expect(await org("api", "groups.create", "priority:=ten")).toMatchObject({ code: 2, err: expect.stringContaining("priority:= is not valid JSON") });
    // Checked before sending, in the error vocabulary's words.
    expect(await org("api", "groups.create", "name=contractors", "priority=10")).toMatchObject({ code: 1, err: expect.stringMatching(/^charter api groups\.create: priority: .+ \(validation_failed\)$/) });
    // Refused by the server.
    expect(await org("api", "groups.create", "name=contractors")).toMatchObject({ code: 1, err: expect.stringMatching(/^charter api groups\.create: .*contractors.* \(conflict\)$/) });
    expect(await org("group", "show", "nobody")).toMatchObject({ code: 1, err: 'charter group: There is no group "nobody". (not_found)' });
    expect(await org("change", "merge", "x")).toMatchObject({ code: 2, err: expect.stringContaining('merge must be a request number, got "x"') });
    expect(await charter("api", "groups.list", "--org", slug, "--server", "ftp://x")).toMatchObject({ code: 2, err: expect.stringContaining("--server must be an http(s) URL") });
    expect(await db.hostGroup.count({ where: { orgId } })).toBe(1);
  });
});
