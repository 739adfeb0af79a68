import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Role } from "../../lib/db";
import type { OrgContext, UserActor } from "../../lib/auth/actor";
import { AppError } from "../../lib/errors";
import { sha256Hex } from "../../lib/requirements/hash";
import { composeReviewerPrompt } from "../../lib/guardian/prompt";
import { createChangeRequest, getChangeRequest, publishDraft, saveDraft } from "../../lib/policies";
import {
  attachSandboxEvidence,
  compareRuns,
  createSample,
  deleteSample,
  ensureSeedSamples,
  exportSamples,
  getProviderSettings,
  getRun,
  importSamples,
  listSamples,
  saveProviderSettings,
  SEED_SAMPLES,
  startRun,
} from "../../lib/sandbox";
import { policyImpact } from "../../lib/sandbox/impact";
import { answer, httpError, startMockOpenAi, type MockOpenAi } from "../support/mock-openai";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

const db = useTestDb();
beforeEach(() => resetDb(db));

let mock: MockOpenAi;
beforeAll(async () => {
  mock = await startMockOpenAi();
});
afterAll(() => mock.close());

function ctxOf(org: { id: string; slug: string; name: string }, actor: UserActor, role: Role): OrgContext {
  return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role };
}

async function owner() {
  const { org, actor } = await makeOrgWithMember(db, "owner");
  return ctxOf(org, actor, "owner");
}

async function member(ctx: OrgContext, role: Role): Promise<OrgContext> {
  const email = `${role}-${Math.random().toString(36).slice(2)}@example.test`;
  const user = await db.user.create({ data: { email } });
  await db.membership.create({ data: { orgId: ctx.org.id, userId: user.id, role } });
  return ctxOf(ctx.org as never, { type: "user", userId: user.id, email, name: null }, role);
}

const STRICT = `allowed_approvals_reviewers = ["auto_review", "user"]
guardian_policy_config = """
## Always deny
- Force pushes of any branch: \`git push --force\`.
"""
`;
const LENIENT = `allowed_approvals_reviewers = ["auto_review", "user"]
guardian_policy_config = """
## Allow
- Routine builds and tests: \`npm test\`.
- Force pushes of a feature branch with a lease: \`git push --force-with-lease origin feature/*\`.
"""
`;

async function auditActions(orgId: string) {
  return (await db.auditEvent.findMany({ where: { orgId }, orderBy: { seq: "asc" }, select: { action: true, diff: true, meta: true } }));
}

describe("sample library", () => {
  it("seeds the starter samples once per org, and not again after an admin deletes them", async () => {
    const ctx = await owner();
    expect(await ensureSeedSamples(db, ctx)).toBe(true);
    const samples = await listSamples(db, ctx);
    expect(samples).toHaveLength(SEED_SAMPLES.length);
    expect(await ensureSeedSamples(db, ctx)).toBe(false);
    await deleteSample(db, ctx, samples[0].id, testRequest);
    expect(await ensureSeedSamples(db, ctx)).toBe(false);
    expect(await listSamples(db, ctx)).toHaveLength(SEED_SAMPLES.length - 1);
  });

  it("seeds concurrently without duplicates", async () => {
    const ctx = await owner();
    await Promise.all([ensureSeedSamples(db, ctx), ensureSeedSamples(db, ctx), ensureSeedSamples(db, ctx)]);
    expect(await db.sampleRequest.count({ where: { orgId: ctx.org.id } })).toBe(SEED_SAMPLES.length);
  });

  it("refuses an invalid action with its path and stores nothing", async () => {
    const ctx = await owner();
    const err = await createSample(db, ctx, { name: "bad", action: { tool: "network_access", target: "x", host: "x", protocol: "https", port: 0 } as never }, testRequest).catch((e) => e);
    expect(err.name).toBe("ZodError");
    expect(JSON.stringify(err.issues)).toContain("port");
    expect(await db.sampleRequest.count({ where: { orgId: ctx.org.id } })).toBe(0);
  });

  it("export then import into another org round-trips every sample; import is all-or-nothing and audited", async () => {
    const a = await owner();
    await ensureSeedSamples(db, a);
    const file = JSON.stringify(await exportSamples(db, a));
    const b = await owner();
    expect(await importSamples(db, b, file, {}, testRequest)).toEqual({ created: SEED_SAMPLES.length, replaced: 0, skipped: 0 });
    const strip = (xs: Awaited<ReturnType<typeof listSamples>>) => xs.map(({ id: _i, updatedAt: _u, ...rest }) => rest);
    expect(strip(await listSamples(db, b))).toEqual(strip(await listSamples(db, a)));
    expect(await importSamples(db, b, file, {}, testRequest)).toMatchObject({ created: 0, skipped: SEED_SAMPLES.length });

    const broken = JSON.parse(file);
    broken.samples.push({ name: "new-one", action: { tool: "shell", command: "ls", cwd: "/", sandbox_permissions: "use_default" } });
    const err = await importSamples(db, b, JSON.stringify(broken), { mode: "replace" }, testRequest).catch((e) => e);
    expect(JSON.stringify(err.issues)).toContain("command");
    expect(await db.sampleRequest.count({ where: { orgId: b.org.id, name: "new-one" } })).toBe(0);
    expect((await auditActions(b.org.id)).filter((e) => e.action === "sandbox.samples_imported")).toHaveLength(2);
  });

  it("refuses a viewer's edits", async () => {
    const ctx = await owner();
    const viewer = await member(ctx, "viewer");
    await expect(createSample(db, viewer, { name: "x", action: SEED_SAMPLES[0].action }, testRequest)).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("runs", () => {
  it("stores the policy's sha256, the composed prompt, provider and model, and every result", async () => {
    const ctx = await owner();
    await saveDraft(db, ctx, { toml: STRICT, baseRevision: 0 }, testRequest);
    await ensureSeedSamples(db, ctx);
    const samples = await listSamples(db, ctx);
    const run = await startRun(db, ctx, { policy: { source: "draft" }, provider: "baseline", sampleIds: samples.map((s) => s.id) }, testRequest);
    await run.done;
    const view = await getRun(db, ctx, run.id);
    const policy = "## Always deny\n- Force pushes of any branch: `git push --force`.";
    expect(view).toMatchObject({ status: "completed", provider: "baseline", model: "baseline-rules-v2", policySource: "draft", policyText: policy, policySha256: sha256Hex(policy), total: samples.length, completed: samples.length });
    expect(view.prompt).toBe(composeReviewerPrompt({ policy }).text);
    expect(view.results).toHaveLength(samples.length);
    expect(view.results.find((r) => r.sampleName === "force-with-lease-feature")?.status).toBe("deny");
    expect((await auditActions(ctx.org.id)).some((e) => e.action === "sandbox.run_started")).toBe(true);
  });

  it("runs on the org's provider with a concurrency limit, repeats each sample and reports the agreement rate", async () => {
    const ctx = await owner();
    await ensureSeedSamples(db, ctx);
    await saveProviderSettings(db, ctx, { baseUrl: mock.url, model: "mock-model", apiKey: "sk-int-test-9876", timeoutMs: 5_000, concurrency: 2 }, testRequest);
    const samples = (await listSamples(db, ctx)).slice(0, 3);
    let n = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    mock.fallback = () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => inFlight--, 40);
      // Every third answer disagrees: the model is not deterministic.
      return answer(++n % 3 === 0 ? '{"outcome":"deny","rationale":"no"}' : '{"outcome":"allow"}', { delayMs: 40 });
    };
    try {
      const run = await startRun(db, ctx, { policy: { source: "pasted", text: "## Allow\n- everything routine" }, provider: "org", sampleIds: samples.map((s) => s.id), repeat: 3 }, testRequest);
      await run.done;
      const view = await getRun(db, ctx, run.id);
      expect(view).toMatchObject({ provider: "openai", model: "mock-model", baseUrl: mock.url, repeat: 3, total: 9, completed: 9, concurrency: 2 });
      expect(maxInFlight).toBeLessThanOrEqual(2);
      expect(view.counts.deny).toBe(3);
      expect(view.agreementRate).toBeCloseTo(2 / 3, 5);
      expect(view.tokens.total).toBe(9 * 1230);
      expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-int-test-9876");
    } finally {
      mock.fallback = () => answer('{"outcome":"allow"}');
    }
  });

  it("shows failures as fail-closed and time-outs apart from real denials", async () => {
    const ctx = await owner();
    await ensureSeedSamples(db, ctx);
    await saveProviderSettings(db, ctx, { baseUrl: mock.url, model: "m", timeoutMs: 1_000, concurrency: 1 }, testRequest);
    const samples = (await listSamples(db, ctx)).slice(0, 4);
    const replies = [answer('{"outcome":"deny","risk_level":"high","rationale":"real"}'), answer("garbage"), httpError(500, "x", { "retry-after-ms": "5" }), httpError(500, "x", { "retry-after-ms": "5" }), answer('{"outcome":"allow"}', { delayMs: 2_500 })];
    mock.script.push(...replies);
    const run = await startRun(db, ctx, { policy: { source: "pasted", text: "" }, provider: "org", sampleIds: samples.map((s) => s.id) }, testRequest);
    await run.done;
    const view = await getRun(db, ctx, run.id);
    expect(view.results.map((r) => r.status)).toEqual(["deny", "failed_closed", "failed_closed", "timed_out"]);
    expect(view.counts).toEqual({ allow: 0, deny: 1, failed_closed: 2, timed_out: 1, abstained: 0 });
    expect(view.policyLabel).toContain("starter policy");
    // No Codex prompt kit in the tests' CHARTER_CODEX_DIR: the run says its prompt was Charter's approximation.
    expect(view.policyLabel).toBe("Pasted policy, no policy set: starter policy · approximate prompt");
  });

  it("refuses the org provider when none is set, and a version that does not exist", async () => {
    const ctx = await owner();
    await ensureSeedSamples(db, ctx);
    const ids = (await listSamples(db, ctx)).slice(0, 1).map((s) => s.id);
    await expect(startRun(db, ctx, { policy: { source: "draft" }, provider: "org", sampleIds: ids }, testRequest)).rejects.toMatchObject({ code: "validation_failed" });
    await expect(startRun(db, ctx, { policy: { source: "version", number: 7 }, provider: "baseline", sampleIds: ids }, testRequest)).rejects.toMatchObject({ code: "not_found" });
    expect(await db.sandboxRun.count({ where: { orgId: ctx.org.id } })).toBe(0);
  });

  it("keeps runs and samples of one org away from another", async () => {
    const a = await owner();
    const b = await owner();
    await ensureSeedSamples(db, a);
    const ids = (await listSamples(db, a)).map((s) => s.id);
    const run = await startRun(db, a, { policy: { source: "draft" }, provider: "baseline", sampleIds: ids.slice(0, 2) }, testRequest);
    await run.done;
    await expect(getRun(db, b, run.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(startRun(db, b, { policy: { source: "draft" }, provider: "baseline", sampleIds: ids.slice(0, 2) }, testRequest)).rejects.toBeInstanceOf(AppError);
  });
});

describe("compare and evidence", () => {
  it("counts the decisions that flip between the published version and the draft, and attaches the comparison to a change request", async () => {
    const ctx = await owner();
    await saveDraft(db, ctx, { toml: LENIENT, baseRevision: 0 }, testRequest);
    await publishDraft(db, ctx, { note: "lenient" }, testRequest);
    await saveDraft(db, ctx, { toml: STRICT, baseRevision: 1 }, testRequest);
    await ensureSeedSamples(db, ctx);
    const ids = (await listSamples(db, ctx)).map((s) => s.id);
    const before = await startRun(db, ctx, { policy: { source: "version", number: 1 }, provider: "baseline", sampleIds: ids }, testRequest);
    const after = await startRun(db, ctx, { policy: { source: "draft" }, provider: "baseline", sampleIds: ids }, testRequest);
    await Promise.all([before.done, after.done]);
    const c = await compareRuns(db, ctx, before.id, after.id);
    expect(c.shared).toBe(ids.length);
    expect(c.samePolicy).toBe(false);
    const flipped = c.rows.filter((r) => r.change === "allow_to_deny").map((r) => r.sampleName);
    expect(flipped).toContain("force-with-lease-feature");
    expect(c.flips).toBe(c.allowToDeny + c.denyToAllow);
    expect(c.flips).toBeGreaterThan(0);

    const cr = await createChangeRequest(db, ctx, { title: "Stricter pushes", note: "deny force pushes" }, testRequest);
    await attachSandboxEvidence(db, ctx, { changeRequest: cr.number, runId: before.id, compareWith: after.id }, testRequest);
    await attachSandboxEvidence(db, ctx, { changeRequest: cr.number, runId: after.id }, testRequest);
    const view = await getChangeRequest(db, ctx, cr.number);
    // The impact evidence came first, by itself: the policy text changed.
    expect(view.attachments.map((a) => a.kind)).toEqual(["policy_impact", "sandbox_comparison", "sandbox_run"]);
    expect(view.attachments[1].refId).toBe(`${before.id}..${after.id}`);
    expect(view.attachments[1].label).toContain(`${c.flips} flipped`);
    expect(view.attachments[1].label).toContain("Version 1");
  });

  it("a change request whose policy text changed carries impact evidence: the library on current and proposed, flips toward allow counted", async () => {
    const ctx = await owner();
    await saveDraft(db, ctx, { toml: STRICT, baseRevision: 0 }, testRequest);
    await publishDraft(db, ctx, { note: "strict" }, testRequest);
    await saveDraft(db, ctx, { toml: LENIENT, baseRevision: 1 }, testRequest);
    const cr = await createChangeRequest(db, ctx, { title: "Loosen pushes", note: "allow force pushes again" }, testRequest);
    const view = await getChangeRequest(db, ctx, cr.number);
    expect(view.diff.wider.verdict).toBe("REVIEW");
    const impact = view.attachments.filter((a) => a.kind === "policy_impact");
    expect(impact).toHaveLength(1);
    expect(impact[0].label).toContain("revision 1");
    expect(impact[0].label).toContain("baseline rules");
    const [aId, bId] = impact[0].refId.split("..");
    // The runs review in the background; wait for them to finish, then read the numbers the page shows.
    await expect.poll(async () => (await db.sandboxRun.findMany({ where: { id: { in: [aId, bId] } }, select: { status: true } })).map((r) => r.status), { timeout: 20_000 }).toEqual(["completed", "completed"]);
    const numbers = await policyImpact(db, ctx, view.attachments);
    expect(numbers?.towardAllow).toBeGreaterThanOrEqual(1);
    expect(numbers?.comparison.rows.find((r) => r.sampleName === "force-with-lease-feature")?.change).toBe("deny_to_allow");
    expect(numbers?.comparison.a.policyLabel).toBe("Version 1 · approximate prompt");

    // Same policy text (only a structured key changed): no impact evidence.
    await saveDraft(db, ctx, { toml: STRICT.replace('["auto_review", "user"]', '["user", "auto_review"]'), baseRevision: 2 }, testRequest);
    const same = await createChangeRequest(db, ctx, { title: "Reorder", note: "user first" }, testRequest);
    expect((await getChangeRequest(db, ctx, same.number)).attachments).toEqual([]);
  });

  it("refuses to attach another org's run", async () => {
    const a = await owner();
    const b = await owner();
    await ensureSeedSamples(db, a);
    const run = await startRun(db, a, { policy: { source: "draft" }, provider: "baseline", sampleIds: (await listSamples(db, a)).slice(0, 1).map((s) => s.id) }, testRequest);
    await run.done;
    await saveDraft(db, b, { toml: STRICT, baseRevision: 0 }, testRequest);
    const cr = await createChangeRequest(db, b, { title: "t", note: "n" }, testRequest);
    await expect(attachSandboxEvidence(db, b, { changeRequest: cr.number, runId: run.id }, testRequest)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("provider settings", () => {
  it("seals the API key: the database column never contains it, the audit event never holds it", async () => {
    const ctx = await owner();
    const key = "sk-live-SECRET-abcdef123456";
    const view = await saveProviderSettings(db, ctx, { baseUrl: "https://llm.example.com/v1", model: "gpt-x", apiKey: key }, testRequest);
    expect(view).toMatchObject({ configured: true, hasApiKey: true, apiKeyHint: "…3456" });
    const row = await db.providerSetting.findUniqueOrThrow({ where: { orgId: ctx.org.id } });
    expect(row.apiKeySealed).toMatch(/^v1\./);
    expect(row.apiKeySealed).not.toContain(key);
    expect(JSON.stringify(row)).not.toContain(key);
    const [dump] = await db.$queryRaw<{ t: string }[]>`SELECT row_to_json(p)::text AS t FROM "ProviderSetting" p WHERE "orgId" = ${ctx.org.id}`;
    expect(dump.t).not.toContain(key);
    const events = await auditActions(ctx.org.id);
    expect(JSON.stringify(events)).not.toContain(key);
    expect(events.at(-1)).toMatchObject({ action: "sandbox.provider_updated", diff: { apiKey: { before: null, after: "[redacted]" } } });

    // Saving without a key keeps it; clearing removes it.
    await saveProviderSettings(db, ctx, { baseUrl: "https://llm.example.com/v1", model: "gpt-y" }, testRequest);
    expect((await getProviderSettings(db, ctx)).hasApiKey).toBe(true);
    await saveProviderSettings(db, ctx, { baseUrl: "https://llm.example.com/v1", model: "gpt-y", clearApiKey: true }, testRequest);
    expect((await getProviderSettings(db, ctx)).hasApiKey).toBe(false);
  });

  it("lets admins set the provider and refuses policy editors without publish rights", async () => {
    const ctx = await owner();
    const admin = await member(ctx, "admin");
    await expect(saveProviderSettings(db, admin, { baseUrl: "https://x.example/v1", model: "m" }, testRequest)).resolves.toMatchObject({ configured: true });
    const auditor = await member(ctx, "auditor");
    await expect(saveProviderSettings(db, auditor, { baseUrl: "https://x.example/v1", model: "m" }, testRequest)).rejects.toMatchObject({ code: "forbidden" });
  });
});
