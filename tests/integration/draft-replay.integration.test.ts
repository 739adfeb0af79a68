import { gzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { createAgentToken } from "../../lib/agents";
import type { OrgContext } from "../../lib/auth/actor";
import { ingestHostBatch, startReplay } from "../../lib/decisions";
import { draftReplay, type DraftReplayView } from "../../lib/decisions/draft-replay";
import { baselineProvider, type ReviewerProvider } from "../../lib/guardian/providers";
import { saveDraft } from "../../lib/policies/draft";
import { publishDraft } from "../../lib/policies/versions";
import { startRun } from "../../lib/sandbox/runs";
import { ensureSeedSamples } from "../../lib/sandbox/samples";
import { joinRecords, logsFromJson } from "../../packages/agent/src/relay/records";
import { RUNS, logBodies } from "../support/codex-telemetry";
import { testRequest } from "../support/request";
import { codeOf, makeOrgWithMember, resetDb, useTestDb } from "./helpers";

// Which replay the Requirements editor's publish panel shows for the saved draft (lib/decisions/draft-replay.ts): only
// when the saved policy text changed in meaning and the org has real decisions; then the newest completed replay of
// exactly that text, wherever it was started, never a replay of another text or a sample run of the same text.

const db = useTestDb();
beforeEach(() => resetDb(db));

async function member(role: "owner" | "viewer" = "owner", org?: OrgContext["org"]): Promise<OrgContext> {
  const made = await makeOrgWithMember(db, role);
  return { actor: made.actor, org: org ?? { id: made.org.id, slug: made.org.slug, name: made.org.name }, role };
}

/** The fixtures' four real decisions (two allowed, two denied), uploaded by one host. */
async function withFixtures(ctx: OrgContext) {
  const { secret } = await createAgentToken(db, ctx, { name: "laptop" }, testRequest);
  const lines = RUNS.flatMap((run) => joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes))))));
  const body = Uint8Array.from(gzipSync(lines.map((l) => JSON.stringify(l)).join("\n")));
  await ingestHostBatch(db, new Request("http://x/", { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-encoding": "gzip" }, body }), Date.parse("2026-11-27T12:00:00Z"));
}

const PUBLISHED = 'allowed_approvals_reviewers = ["auto_review", "user"]\nguardian_policy_config = """\n# Rules\nAsk before risky work.\n"""\n';
const policyToml = (text: string) => `allowed_approvals_reviewers = ["auto_review", "user"]\nguardian_policy_config = """\n${text}\n"""\n`;
// The baseline reviewer applies a policy line naming the command in a code span: the allowed write outside the
// workspace would now be denied.
const STRICTER = "# Rules\nNever approve writes to the hooks directory outside the sandbox: `touch /opt/codex-hooks/outside`.";
const OTHER = "# Rules\nNever approve anything that deletes files: `rm -rf`.";

/** An org with the fixtures, version 1 published, and the draft at `text` (revision 2). */
async function orgWithDraft(text: string): Promise<OrgContext> {
  const ctx = await member();
  await withFixtures(ctx);
  await saveDraft(db, ctx, { toml: PUBLISHED, baseRevision: 0 }, testRequest);
  await publishDraft(db, ctx, { note: "base" }, testRequest);
  await saveDraft(db, ctx, { toml: policyToml(text), baseRevision: 1 }, testRequest);
  return ctx;
}

async function replayOf(ctx: OrgContext, policy: Parameters<typeof startReplay>[2]["policy"], provider?: ReviewerProvider) {
  const r = await startReplay(db, ctx, { policy, provider: "baseline", lastN: 100, sample: 10 }, testRequest, provider ? { provider } : {});
  await r.done;
  return r.runId;
}

const ready = (v: DraftReplayView) => {
  if (v.state !== "ready") throw new Error(`expected a ready view, got ${JSON.stringify(v)}`);
  return v;
};

describe("the publish panel's replay of the saved draft", () => {
  it("applies only when the saved Auto-review policy changed in meaning and the org has real decisions", async () => {
    const ctx = await member();
    await saveDraft(db, ctx, { toml: PUBLISHED, baseRevision: 0 }, testRequest);
    await publishDraft(db, ctx, { note: "base" }, testRequest);
    // Whitespace is not a change in meaning.
    await saveDraft(db, ctx, { toml: PUBLISHED.replace("Ask before", "Ask   before").replace("work.\n", "work.\n\n"), baseRevision: 1 }, testRequest);
    expect(await draftReplay(db, ctx)).toEqual({ revision: 2, state: "not_applicable", reason: "policy_unchanged" });
    await saveDraft(db, ctx, { toml: policyToml(STRICTER), baseRevision: 2 }, testRequest);
    expect(await draftReplay(db, ctx)).toEqual({ revision: 3, state: "not_applicable", reason: "no_decisions" });
    await withFixtures(ctx);
    expect(await draftReplay(db, ctx)).toEqual({ revision: 3, state: "ready", provider: "baseline", latest: null, running: null, failed: null });
    await saveDraft(db, ctx, { toml: "guardian_policy_config = [", baseRevision: 3 }, testRequest);
    expect(await draftReplay(db, ctx)).toEqual({ revision: 4, state: "not_applicable", reason: "draft_unreadable" });
  });

  it("shows the newest completed replay of exactly this policy text, wherever it was started, with its flips", async () => {
    const ctx = await orgWithDraft(STRICTER);
    // A sample-library run of the same text and a replay of another text do not count.
    await ensureSeedSamples(db, ctx);
    const samples = await db.sampleRequest.findMany({ where: { orgId: ctx.org.id }, select: { id: true }, take: 3 });
    await (await startRun(db, ctx, { policy: { source: "draft" }, provider: "baseline", sampleIds: samples.map((s) => s.id) }, testRequest)).done;
    await replayOf(ctx, { source: "pasted", text: OTHER });
    expect(ready(await draftReplay(db, ctx)).latest).toBeNull();

    // Pasted on the Decisions page (or by a change request): the same text, so it applies; trailing blank lines aside.
    const pasted = await replayOf(ctx, { source: "pasted", text: `\n${STRICTER}\n\n` });
    const first = ready(await draftReplay(db, ctx));
    expect(first.latest).toMatchObject({ runId: pasted, total: 2, completed: 2, running: false, towardAllow: 0, towardDeny: 1, reviewer: "Baseline (built-in rules, no model)" });
    expect(first.latest!.policyLabel).toMatch(/^Pasted policy · /);

    // A newer one from the draft itself replaces it; a newer replay of another text does not.
    const fromDraft = await replayOf(ctx, { source: "draft" });
    await replayOf(ctx, { source: "pasted", text: OTHER });
    const second = ready(await draftReplay(db, ctx));
    expect(second.latest).toMatchObject({ runId: fromDraft, revision: 2, towardDeny: 1 });
    expect(second.latest!.policyLabel).toMatch(/^Draft \(revision 2\) · /);

    // Saving another policy text: that replay no longer applies.
    await saveDraft(db, ctx, { toml: policyToml(OTHER + "\nAnd more."), baseRevision: 2 }, testRequest);
    expect(ready(await draftReplay(db, ctx))).toMatchObject({ revision: 3, latest: null });
  });

  it("follows a replay while it runs, and reports one that stopped", async () => {
    const ctx = await orgWithDraft(STRICTER);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const base = baselineProvider();
    const slow: ReviewerProvider = { ...base, review: async (call) => (await gate, base.review(call)) };
    const started = await startReplay(db, ctx, { policy: { source: "draft" }, provider: "baseline", lastN: 100, sample: 10 }, testRequest, { provider: slow });
    // Watched: running from the start. Unwatched: not yet told from a sample run, as it has no result yet.
    expect(ready(await draftReplay(db, ctx, { watch: started.runId }))).toMatchObject({ running: { runId: started.runId, completed: 0, total: 2 }, latest: null });
    expect(ready(await draftReplay(db, ctx)).running).toBeNull();
    release();
    await started.done;
    expect(ready(await draftReplay(db, ctx, { watch: started.runId }))).toMatchObject({ running: null, failed: null, latest: { runId: started.runId, towardDeny: 1 } });

    await db.sandboxRun.update({ where: { id: started.runId }, data: { status: "failed", error: "The replay stopped on an internal error; see the server log." } });
    expect(ready(await draftReplay(db, ctx, { watch: started.runId }))).toMatchObject({ latest: null, failed: { runId: started.runId, error: "The replay stopped on an internal error; see the server log." } });
  });

  it("is read by any member of the org and shows another org nothing", async () => {
    const ctx = await orgWithDraft(STRICTER);
    const runId = await replayOf(ctx, { source: "draft" });
    const viewer = await member("viewer", ctx.org);
    expect(ready(await draftReplay(db, viewer)).latest?.runId).toBe(runId);
    // Another org with the same draft text and its own decisions: it does not see this org's replay, nor can it watch it.
    const other = await orgWithDraft(STRICTER);
    expect(ready(await draftReplay(db, other, { watch: runId }))).toMatchObject({ latest: null, running: null, failed: null });
    const outsider = { ...viewer, role: null };
    expect(await codeOf(draftReplay(db, outsider))).toBe("forbidden");
  });
});
