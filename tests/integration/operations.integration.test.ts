import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { Db } from "../../lib/db";
import { SEED_SAMPLES } from "../../lib/sandbox/seed-samples";
import { joinRecords, logsFromJson } from "../../packages/agent/src/relay/records";
import { serveApi } from "../support/api-server";
import { RUNS, logBodies } from "../support/codex-telemetry";
import { session } from "../support/mock-next";
import { makeOrgWithMember, resetDb } from "./helpers";

// Every operation over real HTTP against a real database, each response checked against the operation's declared
// output schema. The server is node:http running the same handler as the Next route (app/api/v1/[...path]); only the
// Auth.js session lookup is replaced, answering with the user this test chooses.
vi.mock("next-auth", () => import("../support/mock-next"));
vi.mock("next/headers", () => import("../support/mock-next"));

process.env.DATABASE_URL = inject("databaseUrl");
const { db } = await import("../../lib/db");
const { OPERATIONS } = await import("../../lib/ops");
const { router } = await import("../../lib/ops/http");
const { createSession } = await import("../../lib/auth/sessions");
const { storeDecisions } = await import("../../lib/decisions");

let server: Server;
let base = "";
let slug = "";
const users = {} as Record<"owner" | "approver" | "joiner", string>;
const called = new Map<string, number>();

beforeAll(async () => {
  await resetDb(db as Db);
  const { org, actor } = await makeOrgWithMember(db as Db, "owner");
  slug = org.slug;
  users.owner = actor.userId;
  const approver = await db.user.create({ data: { email: "approver@ops.example", name: "Approver" } });
  await db.membership.create({ data: { orgId: org.id, userId: approver.id, role: "approver" } });
  users.approver = approver.id;
  const joiner = await db.user.create({ data: { email: "joiner@ops.example", name: "Joiner" } });
  users.joiner = joiner.id;
  for (const id of Object.values(users)) session.sessionIds[id] = await createSession(db as Db, id);

  ({ server, base } = await serveApi(router(OPERATIONS)));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await db.$disconnect();
});

/** Calls one operation as `who` over HTTP; checks the status is 2xx and the body matches the operation's output schema. */
async function call(who: keyof typeof users | null, method: string, path: string, init: { json?: unknown; text?: string; headers?: Record<string, string> } = {}) {
  session.userId = who ? users[who] : undefined;
  const url = `${base}${path.replace("{org}", slug)}`;
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  } else if (init.text !== undefined) {
    headers["content-type"] = "application/toml";
    body = init.text;
  }
  const res = await fetch(url, { method, headers, body });
  const found = router(OPERATIONS).match(method, new URL(url).pathname);
  const op = found && "op" in found ? found.op : null;
  if (!op) throw new Error(`no operation answers ${method} ${path}`);
  const text = await res.text();
  expect(res.status, `${op.name}: ${text.slice(0, 300)}`).toBeLessThan(300);
  let value: unknown = text;
  if (op.http.download) {
    expect(op.http.download.some((type) => res.headers.get("content-type")?.startsWith(type)), op.name).toBe(true);
  } else if (res.headers.get("content-type")?.startsWith("application/json")) {
    value = JSON.parse(text);
    const parsed = op.output.safeParse(value);
    expect(parsed.error?.issues ?? [], `${op.name}'s response does not match its output schema`).toEqual([]);
  } else {
    expect(op.http.alsoProduces ?? [], op.name).toContain(res.headers.get("content-type")?.split(";")[0]);
  }
  called.set(op.name, (called.get(op.name) ?? 0) + 1);
  return { status: res.status, headers: res.headers, body: value as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const policy = (n: number) => `allowed_approval_policies = ["on-request"]\n# revision ${n}\n`;

describe("every operation over HTTP answers what its definition declares", () => {
  it("policy authoring: draft, validate, publish, versions, diff, restore", async () => {
    const draft = await call("owner", "GET", "/api/v1/orgs/{org}/draft");
    await call("owner", "GET", "/api/v1/orgs/{org}/draft?format=toml");
    await call("owner", "PUT", "/api/v1/orgs/{org}/draft", { text: policy(1), headers: { "If-Match": `"${draft.body.revision}"` } });
    await call("owner", "POST", "/api/v1/orgs/{org}/validate", { text: policy(1) });
    await call("owner", "POST", "/api/v1/orgs/{org}/publish", { json: { note: "first" } });
    await call("owner", "GET", "/api/v1/orgs/{org}/versions?limit=5");
    await call("owner", "GET", "/api/v1/orgs/{org}/versions/1");
    await call("owner", "GET", "/api/v1/orgs/{org}/diff?from=0&to=1");
    const saved = await call("owner", "PUT", "/api/v1/orgs/{org}/draft", { json: { toml: policy(2) }, headers: { "If-Match": '"1"' } });
    expect(saved.headers.get("etag")).toBe('"2"');
    await call("owner", "POST", "/api/v1/orgs/{org}/publish", { json: { note: "second" } });
    const restored = await call("owner", "POST", "/api/v1/orgs/{org}/versions/1/restore", { json: { note: "back to the first" } });
    expect(restored.body.kind).toBe("version");
  });

  it("change requests: open, list, get, edit, approve, reject, publish, withdraw", async () => {
    let revision = (await call("owner", "GET", "/api/v1/orgs/{org}/draft")).body.revision as number;
    const next = async (n: number) => {
      revision = (await call("owner", "PUT", "/api/v1/orgs/{org}/draft", { text: policy(n), headers: { "If-Match": `"${revision}"` } })).body.revision;
      return (await call("owner", "POST", "/api/v1/orgs/{org}/changes", { json: { title: `change ${n}`, note: "why" } })).body.number as number;
    };
    const a = await next(10);
    await call("owner", "GET", "/api/v1/orgs/{org}/changes?status=open");
    const cr = await call("owner", "GET", `/api/v1/orgs/{org}/changes/${a}`);
    const edited = await call("owner", "PATCH", `/api/v1/orgs/{org}/changes/${a}`, { json: { title: "change ten", revision: cr.body.revision } });
    await call("approver", "POST", `/api/v1/orgs/{org}/changes/${a}/approve`, { json: { comment: "fine", revision: edited.body.revision } });
    await call("owner", "POST", `/api/v1/orgs/{org}/changes/${a}/publish`);
    const b = await next(11);
    await call("approver", "POST", `/api/v1/orgs/{org}/changes/${b}/reject`, { json: { comment: "not like this" } });
    await call("owner", "POST", `/api/v1/orgs/{org}/changes/${b}/withdraw`);
  });

  it("reviewer sandbox: samples, runs, provider, evidence", async () => {
    const { name: _n, ...seed } = SEED_SAMPLES[0];
    const sample = await call("owner", "POST", "/api/v1/orgs/{org}/sandbox/samples", { json: { ...seed, name: "ops-sample" } });
    await call("owner", "PUT", `/api/v1/orgs/{org}/sandbox/samples/${sample.body.id}`, { json: { ...seed, name: "ops-sample", notes: "edited" } });
    const file = await call("owner", "GET", "/api/v1/orgs/{org}/sandbox/samples/export");
    await call("owner", "POST", "/api/v1/orgs/{org}/sandbox/samples/import", { json: { json: JSON.stringify(file.body), mode: "skip" } });
    const run = await call("owner", "POST", "/api/v1/orgs/{org}/sandbox/runs", { json: { policy: { source: "draft" }, provider: "baseline", sampleIds: [sample.body.id] } });
    await call("owner", "GET", `/api/v1/orgs/{org}/sandbox/runs/${run.body.id}`);
    await call("owner", "PUT", "/api/v1/orgs/{org}/sandbox/provider", { json: { baseUrl: "https://api.openai.example/v1", model: "gpt-test", apiKey: "sk-test-0000" } });
    const revision = (await call("owner", "GET", "/api/v1/orgs/{org}/draft")).body.revision as number;
    await call("owner", "PUT", "/api/v1/orgs/{org}/draft", { text: policy(20), headers: { "If-Match": `"${revision}"` } });
    const cr = await call("owner", "POST", "/api/v1/orgs/{org}/changes", { json: { title: "with evidence", note: "see the run" } });
    await vi.waitFor(async () => expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: run.body.id } })).status).not.toBe("running"));
    await call("owner", "POST", "/api/v1/orgs/{org}/sandbox/evidence", { json: { changeRequest: cr.body.number, runId: run.body.id } });
    await call("owner", "DELETE", `/api/v1/orgs/{org}/sandbox/samples/${sample.body.id}`);
  });

  it("settings: members, invitations, approvals, tokens, agent tokens, signing keys", async () => {
    await call("owner", "POST", "/api/v1/orgs/{org}/invitations", { json: { email: "someone@ops.example", role: "viewer" } });
    const invitation = await db.invitation.findFirstOrThrow({ where: { email: "someone@ops.example" } });
    await call("owner", "DELETE", `/api/v1/orgs/{org}/invitations/${invitation.id}`);
    await call("owner", "PATCH", `/api/v1/orgs/{org}/members/${users.approver}`, { json: { role: "auditor" } });
    await call("owner", "PATCH", `/api/v1/orgs/{org}/members/${users.approver}`, { json: { role: "approver" } });
    await call("owner", "PATCH", "/api/v1/orgs/{org}/settings", { json: { approvalsRequired: 1 } });
    await call("owner", "PATCH", "/api/v1/orgs/{org}/settings", { json: { approvalsRequired: 0 } });
    const token = await call("owner", "POST", "/api/v1/orgs/{org}/tokens", { json: { name: "ci", scopes: ["read"] } });
    expect(token.body.secret).toMatch(/^chr_/);
    await call("owner", "DELETE", `/api/v1/orgs/{org}/tokens/${token.body.id}`);
    const agent = await call("owner", "POST", "/api/v1/orgs/{org}/agent-tokens", { json: { name: "host-1" } });
    await call("owner", "DELETE", `/api/v1/orgs/{org}/agent-tokens/${agent.body.id}`);
    const next = await call("owner", "POST", "/api/v1/orgs/{org}/signing-keys");
    const activated = await call("owner", "POST", "/api/v1/orgs/{org}/signing-keys/activate");
    expect(activated.body.activated).toBe(next.body.kid);
    await call("owner", "DELETE", `/api/v1/orgs/{org}/signing-keys/${activated.body.retired}`);
    await call("owner", "DELETE", `/api/v1/orgs/{org}/members/${users.approver}`);
  });

  it("fleet: hosts, enrolment secrets, agent settings, the webhook", async () => {
    const hosts = await call("owner", "GET", "/api/v1/orgs/{org}/hosts");
    // Each host with the version it should have, its group, ring and why (as the Agents pages show it).
    const v = hosts.body.currentVersion;
    expect(hosts.body.hosts.length).toBeGreaterThan(0);
    for (const h of hosts.body.hosts) expect(h.assigned).toEqual({ version: v, group: null, ring: null, reason: `version ${v} is the current version` });
    const secret = await call("owner", "POST", "/api/v1/orgs/{org}/enrollment-secrets", { json: { name: "laptops" } });
    await call("owner", "GET", "/api/v1/orgs/{org}/enrollment-secrets");
    await call("owner", "POST", `/api/v1/orgs/{org}/enrollment-secrets/${secret.body.id}/revoke`);
    await call("owner", "PUT", "/api/v1/orgs/{org}/agent-settings", { json: { pollSeconds: 120 } });
    await call("owner", "PUT", "/api/v1/orgs/{org}/webhook", { json: { url: "https://siem.ops.example/hook", enabled: true } });
    await call("owner", "DELETE", "/api/v1/orgs/{org}/webhook");
  });

  it("decisions: export a range, settings, replays, samples and sandbox runs from real decisions, ingest keys", async () => {
    await call("owner", "GET", "/api/v1/orgs/{org}/decisions/export?from=2026-01-01&to=2026-02-01");
    const settings = await call("owner", "PUT", "/api/v1/orgs/{org}/decisions/settings", { json: { collect: true, relayPort: 4318, retentionDays: 30, mask: { patterns: [], jsonPaths: [] } } });
    expect(settings.body.draftRevision).toEqual(expect.any(Number));
    const org = await db.organization.findUniqueOrThrow({ where: { slug } });
    const lines = RUNS.flatMap((run) => joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes)))), { policyVersion: null }));
    await storeDecisions(db as Db, { orgId: org.id, source: "relay", hostId: null, group: null }, lines);
    const replay = await call("owner", "POST", "/api/v1/orgs/{org}/decisions/replays", { json: { policy: { source: "draft" }, provider: "baseline", lastN: 10, sample: 4 } });
    expect(replay.body.replayed).toBeGreaterThan(0);
    const draftReplay = await call("owner", "GET", `/api/v1/orgs/{org}/decisions/replays/draft?watch=${replay.body.runId}`);
    expect(draftReplay.body.revision).toEqual(settings.body.draftRevision);
    const sample = await call("owner", "POST", `/api/v1/orgs/{org}/decisions/${encodeURIComponent(lines[0].id)}/sample`);
    const run = await call("owner", "POST", `/api/v1/orgs/{org}/decisions/${encodeURIComponent(lines[0].id)}/sandbox-run`);
    expect(run.body.sampleId).toBe(sample.body.id); // the decision's sample is made once
    const key = await call("owner", "POST", "/api/v1/orgs/{org}/decisions/ingest-keys", { json: { name: "collector" } });
    expect(key.body.secret).toMatch(/^chk_/);
    await call("owner", "DELETE", `/api/v1/orgs/{org}/decisions/ingest-keys/${key.body.id}`);
    await call("owner", "PUT", "/api/v1/orgs/{org}/decisions/otlp-export", { json: { endpoint: "https://siem.ops.example/v1/logs", headers: [{ name: "Authorization", value: "Bearer siem-secret" }] } });
    await call("owner", "DELETE", "/api/v1/orgs/{org}/decisions/otlp-export");
    await call("owner", "POST", "/api/v1/orgs/{org}/groups", { json: { name: "collectors" } });
    const switched = await call("owner", "PUT", "/api/v1/orgs/{org}/decisions/group-collection/collectors", { json: { mode: "off" } });
    expect(switched.body.composedOtel).toContain('exporter = "none"');
    await call("owner", "GET", "/api/v1/orgs/{org}/decisions/group-collection");
    await call("owner", "DELETE", "/api/v1/orgs/{org}/groups/collectors");
    await vi.waitFor(async () => expect(await db.sandboxRun.count({ where: { orgId: org.id, status: "running" } })).toBe(0));
  });

  it("the audit log: list, export, verify", async () => {
    await call("owner", "GET", "/api/v1/orgs/{org}/audit?limit=5");
    await call("owner", "GET", "/api/v1/orgs/{org}/audit/export?format=csv");
    const verified = await call("owner", "GET", "/api/v1/orgs/{org}/audit/verify");
    expect(verified.body.ok).toBe(true);
  });

  it("accounts: create an organisation, join by invitation with and without an account", async () => {
    await call("joiner", "POST", "/api/v1/orgs", { json: { name: "Joiner's org", slug: "joiner-org" } });
    const invite = await call("owner", "POST", "/api/v1/orgs/{org}/invitations", { json: { email: "joiner@ops.example", role: "viewer" } });
    await call("joiner", "POST", `/api/v1${invite.body.path.replace("/invite/", "/invitations/")}/accept`);
    const second = await call("owner", "POST", "/api/v1/orgs/{org}/invitations", { json: { email: "newcomer@ops.example", role: "auditor" } });
    await call(null, "POST", `/api/v1${second.body.path.replace("/invite/", "/invitations/")}/account`, { json: { name: "Newcomer", password: "a-long-enough-password" } });
  });

  it("groups and rollouts: a group with an overlay, a staged publish, each rollout step", async () => {
    await call("owner", "POST", "/api/v1/orgs/{org}/groups", { json: { name: "contractors", priority: 10 } });
    await call("owner", "GET", "/api/v1/orgs/{org}/groups");
    await call("owner", "GET", "/api/v1/orgs/{org}/groups/contractors");
    await call("owner", "PATCH", "/api/v1/orgs/{org}/groups/contractors", { json: { description: "outside staff" } });
    const overlay = await call("owner", "GET", "/api/v1/orgs/{org}/groups/contractors/overlay/draft");
    const stricter = 'allowed_sandbox_modes = ["read-only"]\n';
    await call("owner", "PUT", "/api/v1/orgs/{org}/groups/contractors/overlay/draft", { text: stricter, headers: { "If-Match": `"${overlay.body.revision}"` } });
    await call("owner", "POST", "/api/v1/orgs/{org}/groups/contractors/overlay/preview", { text: stricter });
    await call("owner", "POST", "/api/v1/orgs/{org}/groups/contractors/overlay/publish", { json: { note: "contractors read only" } });
    await call("owner", "GET", "/api/v1/orgs/{org}/groups/contractors/overlay/versions");
    const stricter2 = `${stricter}allowed_approval_policies = ["on-request"]\n`;
    await call("owner", "PUT", "/api/v1/orgs/{org}/groups/contractors/overlay/draft", { text: stricter2, headers: { "If-Match": `"${overlay.body.revision + 1}"` } });
    const overlayCr = await call("owner", "POST", "/api/v1/orgs/{org}/groups/contractors/overlay/changes", { json: { title: "no unattended runs", note: "contractors" } });
    expect(overlayCr.body.group).toBe("contractors");
    await call("owner", "GET", "/api/v1/orgs/{org}/groups/contractors/overlay/changes?status=open");
    const overlayView = await call("owner", "GET", `/api/v1/orgs/{org}/groups/contractors/overlay/changes/${overlayCr.body.number}`);
    expect(overlayView.body.composed[0].verdict.verdict).toBe("PASS");
    const retitled = await call("owner", "PATCH", `/api/v1/orgs/{org}/groups/contractors/overlay/changes/${overlayCr.body.number}`, { json: { title: "contractors: no unattended runs", revision: 1 } });
    expect(retitled.body).toMatchObject({ title: "contractors: no unattended runs", revision: 2, group: "contractors" });
    expect((await call("owner", "POST", `/api/v1/orgs/{org}/groups/contractors/overlay/changes/${overlayCr.body.number}/publish`)).body.number).toBe(2);
    await call("owner", "GET", "/api/v1/orgs/{org}/effective?group=contractors");

    await call("owner", "PUT", "/api/v1/orgs/{org}/rollouts/settings", { json: { autoPromote: false } });
    const revision = (await call("owner", "GET", "/api/v1/orgs/{org}/draft")).body.revision as number;
    await call("owner", "PUT", "/api/v1/orgs/{org}/draft", { text: policy(30), headers: { "If-Match": `"${revision}"` } });
    const published = await call("owner", "POST", "/api/v1/orgs/{org}/publish", { json: { note: "staged", rollout: { rings: [{ name: "canary", percent: 10 }] } } });
    const version = published.body.number as number;
    await call("owner", "GET", "/api/v1/orgs/{org}/rollouts");
    const rollout = await call("owner", "GET", "/api/v1/orgs/{org}/rollouts/latest");
    expect(rollout.body.version).toBe(version);
    expect((await call("owner", "POST", `/api/v1/orgs/{org}/rollouts/${version}/pause`, { json: { reason: "look first" } })).body.state).toBe("paused");
    expect((await call("owner", "POST", `/api/v1/orgs/{org}/rollouts/${version}/resume`, { json: {} })).body.state).toBe("running");
    await call("owner", "POST", `/api/v1/orgs/{org}/rollouts/${version}/promote`, { json: { reason: "canary is fine" } });
    expect((await call("owner", "POST", `/api/v1/orgs/{org}/rollouts/${version}/rollback`, { json: { reason: "changed our mind" } })).body.state).toBe("rolled_back");
    await call("owner", "DELETE", "/api/v1/orgs/{org}/groups/contractors");
  });

  it("called every operation", () => {
    expect(OPERATIONS.map((op) => op.name).filter((name) => !called.has(name))).toEqual([]);
  });
});

describe("input schemas refuse what the handlers used to pass on", () => {
  it.each(["limit=1.5", "limit=0", "limit=abc", "limit=501", "unknown=1"])("GET versions?%s is a 422 naming the field", async (query) => {
    session.userId = users.owner;
    const res = await fetch(`${base}/api/v1/orgs/${slug}/versions?${query}`);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "validation_failed" } });
  });
});
