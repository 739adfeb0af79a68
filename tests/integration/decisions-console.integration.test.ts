import { gzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { createAgentToken } from "../../lib/agents";
import type { OrgContext } from "../../lib/auth/actor";
import {
  addDecisionToSamples,
  decisionStats,
  getDecision,
  getDecisionSettings,
  ingestHostBatch,
  listDecisions,
  otelSection,
  replayFlips,
  saveDecisionSettings,
  startReplay,
  UNKNOWN_CWD,
} from "../../lib/decisions";
import { getDraftOrEmpty, saveDraft } from "../../lib/policies/draft";
import { createChangeRequest, getChangeRequest } from "../../lib/policies/changes";
import { publishDraft } from "../../lib/policies/versions";
import { decisionReplayImpact } from "../../lib/decisions/replay";
import { joinRecords, logsFromJson } from "../../packages/agent/src/relay/records";
import { RUNS, logBodies } from "../support/codex-telemetry";
import { codeOf, makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

const db = useTestDb();
beforeEach(() => resetDb(db));
const NOW = Date.parse("2026-11-27T12:00:00Z");

async function member(role: "owner" | "viewer" = "owner", org?: { id: string; slug: string; name: string }): Promise<OrgContext> {
  if (org) {
    const { actor } = await makeOrgWithMember(db, role);
    return { actor, org, role };
  }
  const made = await makeOrgWithMember(db, role);
  return { actor: made.actor, org: { id: made.org.id, slug: made.org.slug, name: made.org.name }, role };
}

/** The fixtures' four real decisions, uploaded by one host in group "eng" on policy version 3. */
async function withFixtures(ctx: OrgContext) {
  const { secret } = await createAgentToken(db, ctx, { name: "laptop", group: "eng" }, testRequest);
  const lines = RUNS.flatMap((run) => joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes)))), { policyVersion: 3 }));
  const body = Uint8Array.from(gzipSync(lines.map((l) => JSON.stringify(l)).join("\n")));
  await ingestHostBatch(db, new Request("http://x/", { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-encoding": "gzip" }, body }), NOW);
}

const window = { from: "2026-11-27T00:00:00Z", to: "2026-11-28T00:00:00Z" };

describe("the Decisions page's data", () => {
  it("counts the real decisions over time and by risk, kind, group, host, model and policy version", async () => {
    const ctx = await member();
    await withFixtures(ctx);
    const stats = await decisionStats(db, ctx, window);
    expect(stats.bucket).toBe("hour");
    expect(stats.totals).toEqual({ allow: 2, deny: 2, failed: 0, timed_out: 0, total: 4, denyRate: 0.5, failClosedRate: 0 });
    expect(stats.overTime).toEqual([{ at: "2026-11-27T10:00:00.000Z", allow: 2, deny: 2, failed: 0, timed_out: 0, total: 4 }]);
    const one = (value: string, allow: number, deny: number) => ({ value, allow, deny, failed: 0, timed_out: 0, total: allow + deny });
    expect(stats.by).toEqual({
      riskLevel: [one("high", 0, 2), one("low", 1, 0), one("medium", 1, 0)],
      kind: [one("exec_command", 2, 2)],
      group: [one("eng", 2, 2)],
      hostName: [one("vm", 2, 2)],
      model: [one("gpt-5.4", 2, 2)],
      policyVersion: [one("3", 2, 2)],
    });
    const denied = await decisionStats(db, ctx, { ...window, status: "deny", riskLevel: "high" });
    expect(denied.totals.total).toBe(2);
  });

  it("answers windows of days from the daily rollups with the same counts as the rows, counting a re-sent batch once", async () => {
    const ctx = await member();
    await withFixtures(ctx);
    await withFixtures(ctx); // another host token re-sends the same reviews: stored once, counted once
    const week = { from: "2026-11-21T00:00:00Z", to: "2026-11-28T00:00:00Z" };
    const stats = await decisionStats(db, ctx, week);
    expect(stats.bucket).toBe("day");
    expect(stats.totals).toEqual({ allow: 2, deny: 2, failed: 0, timed_out: 0, total: 4, denyRate: 0.5, failClosedRate: 0 });
    expect(stats.overTime).toEqual([{ at: "2026-11-27T00:00:00.000Z", allow: 2, deny: 2, failed: 0, timed_out: 0, total: 4 }]);
    const raw = await decisionStats(db, ctx, window);
    expect(stats.by).toEqual(raw.by);
    const high = await decisionStats(db, ctx, { ...week, riskLevel: "high" });
    expect(high.totals.total).toBe(2);
    expect(high.by.hostName).toEqual([{ value: "vm", allow: 0, deny: 2, failed: 0, timed_out: 0, total: 2 }]);
    expect((await decisionStats(db, ctx, { ...week, status: "allow" })).by.hostName).toEqual([{ value: "vm", allow: 2, deny: 0, failed: 0, timed_out: 0, total: 2 }]);
  });

  it("lists the newest first with a one-line summary, pages with a cursor, filters, and shows one decision in full", async () => {
    const ctx = await member();
    await withFixtures(ctx);
    const first = await listDecisions(db, ctx, window, { limit: 3 });
    expect(first.rows.map((r) => [r.id.slice(0, 8), r.status, r.summary])).toEqual([
      ["9267b79f", "allow", "touch /opt/codex-hooks/outside/escalated.txt"],
      ["176e3175", "deny", "touch /opt/codex-hooks/outside/escalated.txt"],
      ["cb3fab74", "deny", "touch /opt/codex-hooks/outside/escalated.txt"],
    ]);
    const second = await listDecisions(db, ctx, window, { limit: 3, before: first.next! });
    expect(second.rows.map((r) => r.id.slice(0, 8))).toEqual(["299f51b2"]);
    expect(second.next).toBeNull();
    expect((await listDecisions(db, ctx, { ...window, q: "outside", status: "allow" })).rows).toHaveLength(2);
    const d = await getDecision(db, ctx, "cb3fab74-18ae-4228-8aa3-40e8d612362f");
    expect(d).toMatchObject({ rationale: "MOCK-RATIONALE: writing outside the workspace was not requested.", policyVersion: 3, userAuthorization: "low" });
  });

  it("searches the rationale and the arguments for a case-insensitive substring, % and _ taken literally", async () => {
    const { storeDecisions } = await import("../../lib/decisions");
    const ctx = await member();
    const [template] = RUNS.flatMap((run) => joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes))))));
    const mk = (id: string, rationale: string, cmd: string) => ({ ...template, id, occurredAt: "2026-11-27T11:00:00.000Z", rationale, arguments: { cmd }, masked: [] });
    await storeDecisions(db, { orgId: ctx.org.id, source: "relay", hostId: null, group: null }, [
      mk("a", "Writes OUTSIDE the workspace", "touch /tmp/x"),
      mk("b", "fine", "du -sh 100%_done"),
      mk("c", "fine", "du -sh 1000xdone"),
      mk("d", "fine", "cat notes.txt"),
    ]);
    const ids = async (q: string) => (await listDecisions(db, ctx, { ...window, q })).rows.map((r) => r.id).sort();
    expect(await ids("outside the")).toEqual(["a"]);
    expect(await ids("TOUCH /tmp")).toEqual(["a"]);
    expect(await ids("100%_d")).toEqual(["b"]);
    expect(await ids("0%")).toEqual(["b"]);
    expect(await ids("_done")).toEqual(["b"]);
    expect(await ids("du -sh")).toEqual(["b", "c"]);
    expect(await ids('"cmd"')).toEqual(["a", "b", "c", "d"]); // the arguments as JSON, key names included
    expect(await ids("nowhere")).toEqual([]);
    const stats = await decisionStats(db, ctx, { ...window, q: "du -sh" });
    expect(stats.totals.total).toBe(2);
  });

  it("reads at most SEARCH_SCAN_ROWS decisions per search and goes on from where it stopped", async () => {
    const { SEARCH_SCAN_ROWS } = await import("../../lib/decisions");
    const ctx = await member();
    // SEARCH_SCAN_ROWS + 10 decisions a second apart, newest first by number; every 1000th holds "needle", and the
    // oldest one "needle-old".
    await db.$executeRawUnsafe(
      `INSERT INTO "Decision" ("orgId", id, "occurredAt", source, status, "codexStatus", rationale, kind, "arguments", "conversationId", "callId")
       SELECT $1, 'n-' || g, TIMESTAMPTZ '2026-11-27 11:00:00+00' - g * interval '1 second', 'relay', 'allow', 'approved', 'fine', 'exec_command',
         jsonb_build_object('cmd', CASE WHEN g = $2 THEN 'needle-old' WHEN g % 1000 = 0 THEN 'needle' ELSE 'ls' END), 'c', 'call'
       FROM generate_series(1, $2) g`,
      ctx.org.id,
      SEARCH_SCAN_ROWS + 10,
    );
    const first = await listDecisions(db, ctx, { ...window, q: "needle-old" });
    expect(first.rows).toEqual([]);
    expect(first.searchedTo?.toISOString()).toBe(new Date(Date.parse("2026-11-27T11:00:00Z") - SEARCH_SCAN_ROWS * 1000).toISOString());
    const second = await listDecisions(db, ctx, { ...window, q: "needle-old" }, { before: first.next! });
    expect(second.rows.map((r) => r.id)).toEqual([`n-${SEARCH_SCAN_ROWS + 10}`]);
    expect(second.next).toBeNull();
    const stats = await decisionStats(db, ctx, { ...window, q: "needle" });
    expect(stats.totals.total).toBe(SEARCH_SCAN_ROWS / 1000);
    expect(stats.searchedFrom).toBe(first.searchedTo?.toISOString());
    expect((await decisionStats(db, ctx, { ...window, q: "fine" })).totals.total).toBe(SEARCH_SCAN_ROWS);
  });

  it("shows another org nothing", async () => {
    const ctx = await member();
    await withFixtures(ctx);
    const other = await member();
    expect((await decisionStats(db, other, window)).totals.total).toBe(0);
    expect(await codeOf(getDecision(db, other, "cb3fab74-18ae-4228-8aa3-40e8d612362f"))).toBe("not_found");
  });
});

describe("replay on real decisions", () => {
  it("replays a stricter draft on the real requests and lists exactly the decision that would now be denied", async () => {
    const ctx = await member();
    await withFixtures(ctx);
    // Stricter: the baseline reviewer applies a policy line that names the command in a code span.
    await saveDraft(db, ctx, { toml: `guardian_policy_config = """\nNever approve writes to the hooks directory outside the sandbox: \`touch /opt/codex-hooks/outside\`.\n"""\n`, baseRevision: 0 }, testRequest);
    const replay = await startReplay(db, ctx, { policy: { source: "draft" }, provider: "baseline", lastN: 100, sample: 10 }, testRequest);
    await replay.done;
    // Two pairs of identical actions (same command, same outcome) collapse to one allow and one deny.
    expect(replay).toMatchObject({ replayed: 2, skipped: 0 });
    const result = await replayFlips(db, ctx, replay.runId);
    expect(result).toMatchObject({ total: 2, completed: 2, status: "completed" });
    expect(result.flips.map((f) => [f.decisionId, f.was, f.now, f.summary])).toEqual([
      ["9267b79f-4751-4181-9d2b-331c7cb5679b", "allow", "deny", "touch /opt/codex-hooks/outside/escalated.txt"],
    ]);
    const run = await db.sandboxResult.findMany({ where: { runId: replay.runId }, select: { requestMessage: true } });
    expect(run[0].requestMessage).toContain('"/bin/bash",\n    "-lc",\n    "touch /opt/codex-hooks/outside/escalated.txt"');
    expect(run[0].requestMessage).toContain(UNKNOWN_CWD);
    const audit = await db.auditEvent.findFirst({ where: { orgId: ctx.org.id, action: "decisions.replay_started" } });
    expect(audit?.meta).toMatchObject({ replayed: 2, skipped: 0, lastN: 100 });
  });

  it("refuses viewers, and says so when there is nothing to replay", async () => {
    const ctx = await member();
    expect(await codeOf(startReplay(db, ctx, { policy: { source: "draft" }, provider: "baseline" }, testRequest))).toBe("validation_failed");
    const viewer = await member("viewer", ctx.org);
    expect(await codeOf(startReplay(db, viewer, { policy: { source: "draft" }, provider: "baseline" }, testRequest))).toBe("forbidden");
  });

  it("adds a real decision to the sandbox samples, expecting what really happened", async () => {
    const ctx = await member();
    await withFixtures(ctx);
    const sample = await addDecisionToSamples(db, ctx, "cb3fab74-18ae-4228-8aa3-40e8d612362f", testRequest);
    expect(sample).toMatchObject({ name: "real-exec-command-cb3fab7418ae", kind: "exec_command", expectedOutcome: "deny", tags: ["real-decision"] });
    expect(sample.action).toMatchObject({ tool: "exec_command", command: ["/bin/bash", "-lc", "touch /opt/codex-hooks/outside/escalated.txt"], sandbox_permissions: "require_escalated" });
  });
});

describe("the collection switch", () => {
  it("writes the [otel] section into the draft when collection is switched on, removes it when off, and audits both", async () => {
    const ctx = await member();
    await saveDraft(db, ctx, { toml: `allowed_approvals_reviewers = ["auto_review", "user"]\n`, baseRevision: 0 }, testRequest);
    const on = await saveDecisionSettings(db, ctx, { collect: true, relayPort: 4318, retentionDays: 90, mask: { patterns: [], jsonPaths: [] } }, testRequest);
    expect(on).toMatchObject({ collect: true, draftRevision: 2 });
    expect((await getDraftOrEmpty(db, ctx)).toml).toBe(`allowed_approvals_reviewers = ["auto_review", "user"]\n\n${otelSection(4318)}`);
    const same = await saveDecisionSettings(db, ctx, { collect: true, relayPort: 4318, retentionDays: 30, mask: { patterns: [], jsonPaths: [] } }, testRequest);
    expect(same.draftRevision).toBeNull();
    await saveDecisionSettings(db, ctx, { collect: false, relayPort: 4318, retentionDays: 30, mask: { patterns: [], jsonPaths: [] } }, testRequest);
    expect((await getDraftOrEmpty(db, ctx)).toml).toBe(`allowed_approvals_reviewers = ["auto_review", "user"]\n`);
    expect(await getDecisionSettings(db, ctx)).toMatchObject({ collect: false, retentionDays: 30 });
    const actions = (await db.auditEvent.findMany({ where: { orgId: ctx.org.id }, orderBy: { seq: "asc" }, select: { action: true } })).map((a) => a.action);
    expect(actions).toEqual(["policy.draft.saved", "policy.draft.saved", "decisions.settings.updated", "decisions.settings.updated", "policy.draft.saved", "decisions.settings.updated"]);
  });

  it("refuses bad rules and ports with the field at fault, and changes nothing", async () => {
    const ctx = await member();
    expect(await codeOf(saveDecisionSettings(db, ctx, { collect: true, relayPort: 80, retentionDays: 90, mask: { patterns: [], jsonPaths: [] } }, testRequest))).toBe("validation_failed");
    expect(await codeOf(saveDecisionSettings(db, ctx, { collect: true, relayPort: 4318, retentionDays: 90, mask: { patterns: [{ name: "x", pattern: "(" }], jsonPaths: [] } }, testRequest))).toBe("validation_failed");
    const viewer = await member("viewer", ctx.org);
    expect(await codeOf(saveDecisionSettings(db, viewer, { collect: true, relayPort: 4318, retentionDays: 90, mask: { patterns: [], jsonPaths: [] } }, testRequest))).toBe("forbidden");
    expect(await db.decisionSetting.count()).toBe(0);
    expect((await getDraftOrEmpty(db, ctx)).toml).toBe("");
  });
});

describe("NDJSON export and alerts", () => {
  it("exports the decisions of a date range as NDJSON, oldest first, and nothing outside it", async () => {
    const { exportDecisions } = await import("../../lib/decisions");
    const ctx = await member();
    await withFixtures(ctx);
    const chunks: string[] = [];
    for await (const c of exportDecisions(db, ctx, { from: new Date("2026-11-27T10:32:00Z"), to: new Date("2026-11-27T10:39:00Z") })) chunks.push(c);
    const lines = chunks.join("").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id.slice(0, 8), l.status, l.occurredAt])).toEqual([
      ["cb3fab74", "deny", "2026-11-27T10:33:12.105Z"],
      ["176e3175", "deny", "2026-11-27T10:38:13.538Z"],
    ]);
    expect(lines[0]).not.toHaveProperty("orgId");
    const viewer = await member("viewer", ctx.org);
    expect(await codeOf((async () => { for await (const _ of exportDecisions(db, viewer, { from: new Date(0), to: new Date() })) void _; })())).toBe("forbidden");
  });

  it("raises a deny-rate jump per group and a silent host once each, as an audit event and a webhook notification", async () => {
    const { evaluateDecisionAlerts, storeDecisions } = await import("../../lib/decisions");
    const { saveWebhook } = await import("../../lib/webhooks");
    const ctx = await member();
    await saveWebhook(db, ctx, { url: "http://127.0.0.1:1/hook" }, testRequest);
    const now = new Date("2026-11-27T12:00:00Z");
    const [template] = RUNS.flatMap((run) => joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes))))));
    const at = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString();
    const mk = (i: number, msAgo: number, status: "allow" | "deny") => ({ ...template, id: `a-${i}`, occurredAt: at(msAgo), status, masked: [] });
    // The day before: 100 decisions, 10 % denied. The last hour: 40 decisions, half denied.
    const before = Array.from({ length: 100 }, (_, i) => mk(i, 2 * 3_600_000 + i * 60_000, i % 10 === 0 ? "deny" : "allow"));
    const lastHour = Array.from({ length: 40 }, (_, i) => mk(1000 + i, (i + 1) * 60_000, i % 2 === 0 ? "deny" : "allow"));
    await storeDecisions(db, { orgId: ctx.org.id, source: "relay", hostId: "host-a", group: "eng" }, [...before, ...lastHour]);
    // Another host reported 10 hours ago and not since.
    await storeDecisions(db, { orgId: ctx.org.id, source: "relay", hostId: "host-b", group: "eng" }, [{ ...mk(5000, 10 * 3_600_000, "allow"), hostName: "build-7" }]);

    const raised = await evaluateDecisionAlerts(db, ctx.org.id, now);
    expect(raised.map((a) => [a.kind, a.subject])).toEqual([["deny_rate", "group eng"], ["silent_host", "host build-7"]]);
    expect(raised[0].detail).toMatch(/^deny rate 50\.0 % over the last 60 minutes \(40 decisions\), against 9\.\d % in the 24 hours before$/);
    expect(await evaluateDecisionAlerts(db, ctx.org.id, new Date(now.getTime() + 60_000))).toEqual([]);
    const audit = await db.auditEvent.findMany({ where: { orgId: ctx.org.id, action: "decisions.alert" }, select: { actorType: true, meta: true } });
    expect(audit).toHaveLength(2);
    expect(audit.every((a) => a.actorType === "system")).toBe(true);
    expect(await db.webhookDelivery.count({ where: { orgId: ctx.org.id, event: "decisions.alert" } })).toBe(2);
  });
});

describe("a change request's replay on real decisions", () => {
  const STRICTER = `allowed_approvals_reviewers = ["auto_review", "user"]
guardian_policy_config = """
Never approve writes to the hooks directory outside the sandbox: \`touch /opt/codex-hooks/outside\`.
"""
`;

  it("is attached when the policy text changes and the org has decisions: N of M real decisions flip toward deny", async () => {
    const ctx = await member();
    await withFixtures(ctx);
    await saveDraft(db, ctx, { toml: 'allowed_approvals_reviewers = ["auto_review", "user"]\n', baseRevision: 0 }, testRequest);
    await publishDraft(db, ctx, { note: "base" }, testRequest);
    await saveDraft(db, ctx, { toml: STRICTER, baseRevision: 1 }, testRequest);
    const cr = await createChangeRequest(db, ctx, { title: "Stricter", note: "no escalations" }, testRequest);
    const view = await getChangeRequest(db, ctx, cr.number);
    const attached = view.attachments.find((a) => a.kind === "decision_replay");
    expect(attached?.label).toMatch(/^Replay of revision 1 on \d+ real decisions \(baseline rules\)$/);
    const replay = await decisionReplayImpact(db, ctx, view.attachments);
    expect(replay).toMatchObject({ runId: attached!.refId, revision: 1, running: false, towardAllow: 0, towardDeny: 1 });
    expect(replay!.total).toBe(replay!.completed);
    const flips = await replayFlips(db, ctx, attached!.refId);
    expect(flips.flips.map((f) => [f.was, f.now, f.summary])).toEqual([["allow", "deny", expect.stringContaining("touch /opt/codex-hooks/outside/escalated.txt")]]);
  });

  it("is not attached when the org has no decisions", async () => {
    const ctx = await member();
    await saveDraft(db, ctx, { toml: 'allowed_approvals_reviewers = ["auto_review", "user"]\n', baseRevision: 0 }, testRequest);
    await publishDraft(db, ctx, { note: "base" }, testRequest);
    await saveDraft(db, ctx, { toml: STRICTER, baseRevision: 1 }, testRequest);
    const cr = await createChangeRequest(db, ctx, { title: "Stricter", note: "no escalations" }, testRequest);
    const view = await getChangeRequest(db, ctx, cr.number);
    expect(view.attachments.map((a) => a.kind)).toEqual(["policy_impact"]);
    expect(await decisionReplayImpact(db, ctx, view.attachments)).toBeNull();
  });
});
