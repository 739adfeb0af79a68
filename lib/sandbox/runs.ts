import type { Db, Prisma } from "../db";
import { AppError } from "../errors";
import { inBackground } from "../background";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { getDraftOrEmpty, getVersion } from "../policies";
import { parseToml } from "../requirements";
import { sha256Hex } from "../requirements/hash";
import { randomUUID } from "node:crypto";
import { reviewerInstructionsFor, reviewMessageFor } from "../guardian/codex-prompt";
import { composeReviewRequest } from "../guardian/request";
import type { GuardianAction, TranscriptEntry } from "../guardian/actions";
import type { ReviewerProvider, ReviewResult, ReviewStatus } from "../guardian/providers";
import { MAX_REVIEWS_PER_RUN, policyChoiceSchema, runInputSchema, type PolicyChoice, type RunInput } from "./schemas";
import { resolveProvider } from "./provider-settings";

export interface ResolvedPolicy {
  source: "draft" | "version" | "pasted";
  ref: string | null;
  label: string;
  /** The tenant policy as it goes into the template (trimmed; the starter policy when none is set). */
  text: string;
  sha256: string;
  prompt: string;
  usedDefaultPolicy: boolean;
  /** Whose prompt the run sends: a Codex version's own (captured from it) or Charter's approximation. */
  promptSource: { kind: "codex" | "approximate"; codexVersion: string };
}

/** `guardian_policy_config` of a requirements.toml; "" when it is not set. Unparsable TOML is refused, not guessed at. */
export function policyFromToml(toml: string, what: string, key: "guardian_policy_config" | "guardian_extra_policy" = "guardian_policy_config"): string {
  const parsed = parseToml(toml);
  if (!parsed.ok) throw new AppError("validation_failed", `${what} is not valid TOML (line ${parsed.line}: ${parsed.message}), so its Auto-review policy cannot be read.`);
  const value = parsed.value[key];
  if (value === undefined) return "";
  if (typeof value !== "string") throw new AppError("validation_failed", `${what}: ${key} is not a string.`);
  return value;
}

export async function resolvePolicy(db: Db, ctx: OrgContext, choice: PolicyChoice, reviewerModel?: string): Promise<ResolvedPolicy> {
  const c = policyChoiceSchema.parse(choice);
  let raw: string;
  let extra = "";
  let label: string;
  let ref: string | null = null;
  if (c.source === "draft") {
    const draft = await getDraftOrEmpty(db, ctx);
    raw = policyFromToml(draft.toml, "The draft");
    extra = policyFromToml(draft.toml, "The draft", "guardian_extra_policy");
    ref = `revision ${draft.revision}`;
    label = `Draft (revision ${draft.revision})`;
  } else if (c.source === "version") {
    const v = await getVersion(db, ctx, c.number);
    raw = policyFromToml(v.toml, `Version ${v.number}`);
    extra = policyFromToml(v.toml, `Version ${v.number}`, "guardian_extra_policy");
    ref = String(v.number);
    label = `Version ${v.number}`;
  } else {
    raw = c.text;
    label = "Pasted policy";
  }
  const composed = reviewerInstructionsFor({ policy: raw, extraPolicy: extra, model: reviewerModel });
  const policyLabel = composed.usedDefaultPolicy ? `${label}, no policy set: ${composed.source.kind === "codex" ? "Codex's default policy" : "starter policy"}` : label;
  return {
    source: c.source,
    ref,
    label: `${policyLabel} · ${composed.label}`,
    text: composed.tenantPolicy,
    sha256: sha256Hex(composed.tenantPolicy),
    prompt: composed.text,
    usedDefaultPolicy: composed.usedDefaultPolicy,
    promptSource: composed.source,
  };
}

export interface Job {
  sampleId: string;
  sampleName: string;
  kind: string;
  attempt: number;
  expectedOutcome: string | null;
  action: GuardianAction;
  transcript: TranscriptEntry[];
  requestMessage: string;
}

export interface StartedRun {
  id: string;
  /** Settles when every review is written (the console does not wait for it; tests do). */
  done: Promise<void>;
}

/**
 * Creates the run (status running, audited in the same transaction) and reviews its samples in the background with a
 * concurrency limit, writing each result as it arrives. The caller gets the id at once.
 */
export async function startRun(db: Db, ctx: OrgContext, input: RunInput, request: RequestInfo, deps: { provider?: ReviewerProvider; env?: Record<string, string | undefined> } = {}): Promise<StartedRun> {
  requirePermission(ctx, "policy:edit");
  const r = runInputSchema.parse(input);
  const ids = [...new Set(r.sampleIds)];
  if (ids.length * r.repeat > MAX_REVIEWS_PER_RUN) throw new AppError("validation_failed", `A run reviews at most ${MAX_REVIEWS_PER_RUN} times (samples × repeat); this one asks for ${ids.length * r.repeat}.`);
  const samples = await db.sampleRequest.findMany({ where: { orgId: ctx.org.id, id: { in: ids } }, orderBy: { name: "asc" } });
  if (samples.length !== ids.length) throw new AppError("validation_failed", "Some chosen samples do not exist in this organisation (deleted meanwhile?). Reload and choose again.");
  const resolved = deps.provider ? { provider: deps.provider, concurrency: 4, timeoutMs: 0 } : await resolveProvider(db, ctx, r.provider, r.model, deps.env);
  const { provider } = resolved;
  // Codex's prompt depends on the reviewer model (codex-auto-review has its own default policy).
  const policy = await resolvePolicy(db, ctx, r.policy, provider.model);

  const sessionId = randomUUID();
  const jobs: Job[] = samples.flatMap((s) => {
    const action = s.action as unknown as GuardianAction;
    const transcript = (s.transcript as unknown as TranscriptEntry[] | null) ?? [];
    // One reviewed Codex session per run, as Codex names the session its reviewer judges.
    const requestMessage =
      policy.promptSource.kind === "codex"
        ? reviewMessageFor({ action, transcript, retryReason: s.retryReason, codexVersion: policy.promptSource.codexVersion, sessionId }).text
        : composeReviewRequest({ action, transcript, retryReason: s.retryReason });
    return Array.from({ length: r.repeat }, (_, i) => ({ sampleId: s.id, sampleName: s.name, kind: s.kind, attempt: i + 1, expectedOutcome: s.expectedOutcome, action, transcript, requestMessage }));
  });

  return launchRun(db, ctx, { policy, resolved, jobs, repeat: r.repeat, what: "sandbox run" }, (tx, runId) =>
    recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "sandbox.run_started",
      target: { type: "sandbox_run", id: runId },
      meta: { policy: policy.label, policySha256: policy.sha256, provider: provider.kind, baseUrl: provider.baseUrl, model: provider.model, samples: samples.length, repeat: r.repeat },
      request,
    }),
  );
}

export interface RunLaunch {
  policy: ResolvedPolicy;
  resolved: { provider: ReviewerProvider; concurrency: number; timeoutMs: number };
  jobs: Job[];
  repeat: number;
  /** How the server log names the run if it stops on an internal error ("sandbox run", "replay"). */
  what: string;
}

/**
 * Creates a sandbox run (status running) with its audit event in the same transaction, then reviews the jobs in the
 * background. Shared by sample runs and replays of real decisions, so both go through one concurrency limit and
 * progress view.
 */
export async function launchRun(db: Db, ctx: OrgContext, launch: RunLaunch, audit: (tx: Prisma.TransactionClient, runId: string) => Promise<unknown>): Promise<StartedRun> {
  const { policy, resolved, jobs } = launch;
  const { provider } = resolved;
  const run = await db.$transaction(async (tx) => {
    const created = await tx.sandboxRun.create({
      data: {
        orgId: ctx.org.id,
        policySource: policy.source,
        policyRef: policy.ref,
        policyLabel: policy.label,
        policyText: policy.text,
        policySha256: policy.sha256,
        prompt: policy.prompt,
        provider: provider.kind,
        providerLabel: provider.label,
        baseUrl: provider.baseUrl,
        model: provider.model,
        repeat: launch.repeat,
        concurrency: resolved.concurrency,
        timeoutMs: resolved.timeoutMs,
        status: "running",
        total: jobs.length,
        startedById: ctx.actor.type === "user" ? ctx.actor.userId : null,
        startedByLabel: auditActor(ctx.actor).label,
      },
      select: { id: true },
    });
    await audit(tx, created.id);
    return created;
  });
  const done = inBackground(
    executeRun(db, run.id, provider, jobs, resolved.concurrency, { instructions: policy.prompt, policy: policy.text }).catch(async (err) => {
      console.error(`[charter] ${launch.what} ${run.id} failed:`, err);
      await db.sandboxRun.update({ where: { id: run.id }, data: { status: "failed", error: `The ${launch.what} stopped on an internal error; see the server log.`, finishedAt: new Date() } }).catch(() => {});
    }),
  );
  return { id: run.id, done };
}

/** Reviews every job, at most `concurrency` at a time, writing each result (and the run's progress) as it arrives. */
export async function executeRun(db: Db, runId: string, provider: ReviewerProvider, jobs: Job[], concurrency: number, prompt: { instructions: string; policy: string }): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      let result: ReviewResult;
      try {
        result = await provider.review({ instructions: prompt.instructions, requestMessage: job.requestMessage, action: job.action, transcript: job.transcript, policy: prompt.policy });
      } catch (err) {
        // A provider that throws instead of answering is a failed review, which fails closed like any other.
        result = { status: "failed_closed", riskLevel: "high", userAuthorization: "unknown", rationale: `Automatic approval review failed: ${(err as Error).message}`, latencyMs: 0, promptTokens: null, completionTokens: null, totalTokens: null, raw: null, error: (err as Error).message };
      }
      await db.$transaction([
        db.sandboxResult.create({
          data: {
            runId,
            sampleId: job.sampleId,
            sampleName: job.sampleName,
            kind: job.kind,
            attempt: job.attempt,
            expectedOutcome: job.expectedOutcome,
            requestMessage: job.requestMessage,
            status: result.status,
            riskLevel: result.riskLevel,
            userAuthorization: result.userAuthorization,
            rationale: result.rationale,
            latencyMs: result.latencyMs,
            promptTokens: result.promptTokens,
            completionTokens: result.completionTokens,
            totalTokens: result.totalTokens,
            raw: result.raw,
            error: result.error,
          },
        }),
        db.sandboxRun.update({ where: { id: runId }, data: { completed: { increment: 1 }, heartbeatAt: new Date() } }),
      ]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, worker));
  await db.sandboxRun.update({ where: { id: runId }, data: { status: "completed", finishedAt: new Date() } });
}

/** A stored review: the reviewer's result (enums read back as plain strings) and which sample it judged. */
export interface ResultView extends Omit<ReviewResult, "riskLevel" | "userAuthorization"> {
  id: string;
  sampleId: string | null;
  sampleName: string;
  kind: string;
  attempt: number;
  expectedOutcome: "allow" | "deny" | null;
  riskLevel: string | null;
  userAuthorization: string | null;
  /** The user message that was sent (transcript + approval request). */
  requestMessage: string;
  /** true/false against the expectation; null without one, or when the review failed (no decision to compare). */
  matchesExpected: boolean | null;
}

export interface SampleSummary {
  sampleName: string;
  kind: string;
  expectedOutcome: "allow" | "deny" | null;
  attempts: number;
  /** The most frequent status over the attempts (ties: the stricter one). */
  decision: ReviewStatus;
  /** Share of attempts that agree with `decision`. */
  agreement: number;
  counts: Record<ReviewStatus, number>;
  matchesExpected: boolean | null;
}

export interface RunView {
  id: string;
  status: "running" | "completed" | "failed";
  error: string | null;
  policySource: string;
  policyRef: string | null;
  policyLabel: string;
  policyText: string;
  policySha256: string;
  prompt: string;
  provider: "baseline" | "openai";
  providerLabel: string;
  baseUrl: string | null;
  model: string;
  repeat: number;
  concurrency: number;
  timeoutMs: number;
  total: number;
  completed: number;
  startedBy: string;
  createdAt: Date;
  finishedAt: Date | null;
  counts: Record<ReviewStatus, number>;
  mismatches: number;
  /** Mean agreement over samples reviewed more than once; null when repeat is 1. */
  agreementRate: number | null;
  tokens: { prompt: number; completion: number; total: number };
  results: ResultView[];
  samples: SampleSummary[];
}

const RUN_ID = /^[a-z0-9]{1,40}$/;
const STATUS_ORDER: ReviewStatus[] = ["timed_out", "failed_closed", "abstained", "deny", "allow"];
const emptyCounts = (): Record<ReviewStatus, number> => ({ allow: 0, deny: 0, failed_closed: 0, timed_out: 0, abstained: 0 });

function matches(expected: string | null, status: string): boolean | null {
  if (expected !== "allow" && expected !== "deny") return null;
  if (status !== "allow" && status !== "deny") return null;
  return expected === status;
}

/** A run whose worker died with the server (no result for a long time) is reported as failed, not running forever. */
function staleAfterMs(run: { timeoutMs: number }) {
  return Math.max(run.timeoutMs, 30_000) * 3 + 60_000;
}

export function summarise(results: ResultView[]): { samples: SampleSummary[]; agreementRate: number | null } {
  const byName = new Map<string, ResultView[]>();
  for (const r of results) byName.set(r.sampleName, [...(byName.get(r.sampleName) ?? []), r]);
  const samples = [...byName.entries()].map(([sampleName, rs]): SampleSummary => {
    const counts = emptyCounts();
    rs.forEach((r) => counts[r.status]++);
    const decision = [...STATUS_ORDER].sort((a, b) => counts[b] - counts[a] || STATUS_ORDER.indexOf(a) - STATUS_ORDER.indexOf(b))[0];
    return { sampleName, kind: rs[0].kind, expectedOutcome: rs[0].expectedOutcome, attempts: rs.length, decision, agreement: counts[decision] / rs.length, counts, matchesExpected: matches(rs[0].expectedOutcome, decision) };
  });
  const repeated = samples.filter((s) => s.attempts > 1);
  const agreementRate = repeated.length ? repeated.reduce((n, s) => n + s.agreement, 0) / repeated.length : null;
  return { samples: samples.sort((a, b) => a.sampleName.localeCompare(b.sampleName)), agreementRate };
}

export async function getRun(db: Db, ctx: OrgContext, id: string): Promise<RunView> {
  requirePermission(ctx, "org:read");
  if (!RUN_ID.test(id)) throw new AppError("validation_failed", "id: not a sandbox run id.");
  let run = await db.sandboxRun.findFirst({ where: { id, orgId: ctx.org.id }, include: { results: { orderBy: [{ sampleName: "asc" }, { attempt: "asc" }] } } });
  if (!run) throw new AppError("not_found", "There is no such sandbox run in this organisation.");
  if (run.status === "running" && Date.now() - run.heartbeatAt.getTime() > staleAfterMs(run)) {
    await db.sandboxRun.updateMany({ where: { id, status: "running" }, data: { status: "failed", error: "The run was interrupted (the server stopped before every review finished).", finishedAt: new Date() } });
    run = { ...run, status: "failed", error: "The run was interrupted (the server stopped before every review finished)." };
  }
  const results: ResultView[] = run.results.map((r) => ({
    id: r.id,
    sampleId: r.sampleId,
    sampleName: r.sampleName,
    kind: r.kind,
    attempt: r.attempt,
    expectedOutcome: r.expectedOutcome === "allow" || r.expectedOutcome === "deny" ? r.expectedOutcome : null,
    status: r.status as ReviewStatus,
    riskLevel: r.riskLevel,
    userAuthorization: r.userAuthorization,
    rationale: r.rationale,
    latencyMs: r.latencyMs,
    promptTokens: r.promptTokens,
    completionTokens: r.completionTokens,
    totalTokens: r.totalTokens,
    raw: r.raw,
    error: r.error,
    requestMessage: r.requestMessage,
    matchesExpected: matches(r.expectedOutcome, r.status),
  }));
  const counts = emptyCounts();
  results.forEach((r) => counts[r.status]++);
  const { samples, agreementRate } = summarise(results);
  return {
    id: run.id,
    status: run.status as RunView["status"],
    error: run.error,
    policySource: run.policySource,
    policyRef: run.policyRef,
    policyLabel: run.policyLabel,
    policyText: run.policyText,
    policySha256: run.policySha256,
    prompt: run.prompt,
    provider: run.provider as RunView["provider"],
    providerLabel: run.providerLabel,
    baseUrl: run.baseUrl,
    model: run.model,
    repeat: run.repeat,
    concurrency: run.concurrency,
    timeoutMs: run.timeoutMs,
    total: run.total,
    completed: run.completed,
    startedBy: run.startedByLabel,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    counts,
    mismatches: results.filter((r) => r.matchesExpected === false).length,
    agreementRate,
    tokens: {
      prompt: results.reduce((n, r) => n + (r.promptTokens ?? 0), 0),
      completion: results.reduce((n, r) => n + (r.completionTokens ?? 0), 0),
      total: results.reduce((n, r) => n + (r.totalTokens ?? 0), 0),
    },
    results,
    samples,
  };
}

export interface RunSummary {
  id: string;
  status: string;
  policyLabel: string;
  policySha256: string;
  provider: string;
  providerLabel: string;
  model: string;
  repeat: number;
  total: number;
  completed: number;
  startedBy: string;
  createdAt: Date;
}

export async function listRuns(db: Db, ctx: OrgContext, limit = 50): Promise<RunSummary[]> {
  requirePermission(ctx, "org:read");
  const rows = await db.sandboxRun.findMany({
    where: { orgId: ctx.org.id },
    orderBy: { createdAt: "desc" },
    take: Math.min(Math.max(limit, 1), 200),
    select: { id: true, status: true, policyLabel: true, policySha256: true, provider: true, providerLabel: true, model: true, repeat: true, total: true, completed: true, startedByLabel: true, createdAt: true },
  });
  return rows.map(({ startedByLabel, ...r }) => ({ ...r, startedBy: startedByLabel }));
}
