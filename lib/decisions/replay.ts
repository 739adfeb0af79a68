import { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { guardianActionSchema, type GuardianAction } from "../guardian/actions";
import { composeReviewRequest } from "../guardian/request";
import { reviewMessageFor } from "../guardian/codex-prompt";
import type { ReviewerProvider } from "../guardian/providers";
import { launchRun, resolvePolicy, startRun, type Job } from "../sandbox/runs";
import { resolveProvider } from "../sandbox/provider-settings";
import { policyChoiceSchema } from "../sandbox/schemas";
import { createSample, listSamples } from "../sandbox/samples";
import { attachEvidence } from "../policies";
import { getDecision, summarise } from "./query";

/*
 * Replay: a policy (the draft, a version or pasted text) reviewed on real decisions instead of synthetic samples. The
 * run is an ordinary sandbox run (same reviewer, concurrency limit and progress view); each result's expected outcome
 * is what really happened, so every "unexpected" result is a flip. Results are named `decision:<review id>`.
 */

export const REPLAY_PREFIX = "decision:";
/** Codex's telemetry carries no working directory; the replayed action says so instead of inventing one. */
export const UNKNOWN_CWD = "(working directory not reported by Codex telemetry)";

export const replayInputSchema = z.object({
  policy: policyChoiceSchema,
  provider: z.enum(["baseline", "org", "env"]),
  model: z.string().trim().max(200).optional(),
  /** How many of the latest real decisions to draw from. */
  lastN: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** How many to replay, spread evenly over (kind, outcome) strata after removing duplicate actions. */
  sample: z.coerce.number().int().min(1).max(500).default(100),
});
export type ReplayInput = z.input<typeof replayInputSchema>;

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const PERMISSIONS = new Set(["use_default", "require_escalated", "with_additional_permissions"]);

/** The planned action Codex showed its reviewer, rebuilt from the logged tool arguments; null when it cannot be. */
export function actionOfDecision(d: { kind: string; toolName: string | null; mcpServer: string | null; arguments: unknown }): GuardianAction | null {
  const a = obj(d.arguments);
  const cwd = str(a.workdir) ?? str(a.cwd) ?? UNKNOWN_CWD;
  const permissions = PERMISSIONS.has(String(a.sandbox_permissions)) ? String(a.sandbox_permissions) : "use_default";
  let candidate: Record<string, unknown> | null = null;
  if (d.kind === "exec_command" && str(a.cmd)) {
    // Codex runs exec_command's `cmd` through the user's login shell; the reviewer saw it as [shell, "-lc", cmd].
    candidate = { tool: "exec_command", command: ["/bin/bash", "-lc", a.cmd], cwd, sandbox_permissions: permissions, justification: str(a.justification), tty: a.tty === true };
  } else if (d.kind === "shell" && (Array.isArray(a.command) || str(a.command))) {
    candidate = { tool: "shell", command: Array.isArray(a.command) ? a.command : ["/bin/bash", "-lc", a.command], cwd, sandbox_permissions: permissions, justification: str(a.justification) };
  } else if (d.kind === "apply_patch" && (str(a.input) || str(a.patch))) {
    const patch = (str(a.input) ?? str(a.patch))!;
    const files = [...patch.matchAll(/^\*\*\* (?:Add|Update|Delete) File: (.+)$/gm)].map((m) => m[1].trim());
    candidate = { tool: "apply_patch", cwd, files: files.length ? files : ["(unknown)"], patch };
  } else if (d.kind === "mcp_tool_call" && d.mcpServer && d.toolName) {
    candidate = { tool: "mcp_tool_call", server: d.mcpServer, tool_name: d.toolName, arguments: d.arguments ?? undefined };
  }
  if (!candidate) return null;
  const parsed = guardianActionSchema.safeParse(JSON.parse(JSON.stringify(candidate)));
  return parsed.success ? parsed.data : null;
}

interface Candidate {
  id: string;
  kind: string;
  status: string;
  toolName: string | null;
  mcpServer: string | null;
  arguments: unknown;
}

/** Deduplicates by action and spreads the pick evenly over (kind, outcome), newest first within each stratum. */
export function stratify<T extends Candidate>(rows: T[], size: number): T[] {
  const seen = new Set<string>();
  const strata = new Map<string, T[]>();
  for (const r of rows) {
    const key = `${r.kind}\u0000${r.status}\u0000${JSON.stringify(r.arguments)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const s = `${r.kind}\u0000${r.status}`;
    strata.set(s, [...(strata.get(s) ?? []), r]);
  }
  const queues = [...strata.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, q]) => q);
  const out: T[] = [];
  for (let i = 0; out.length < size && queues.some((q) => i < q.length); i++) {
    for (const q of queues) if (i < q.length && out.length < size) out.push(q[i]);
  }
  return out;
}

/**
 * The reviewer's message for a decision replayed without its exact request: Codex's layout (the request kit of the
 * policy's Codex version, the decision's own session) when the policy uses Codex's prompt, else Charter's wording.
 * Codex's telemetry carries neither the transcript nor the working directory, so the transcript is empty and the cwd
 * says it is unknown (tests/unit/guardian/replay-request.test.ts pins that this is all that differs from Codex).
 */
export function replayRequestMessage(action: GuardianAction, conversationId: string, promptSource: { kind: "codex" | "approximate"; codexVersion: string }, env: Record<string, string | undefined> = process.env): string {
  if (promptSource.kind !== "codex") return composeReviewRequest({ action, transcript: [], retryReason: null });
  return reviewMessageFor({ action, transcript: [], codexVersion: promptSource.codexVersion, sessionId: conversationId }, env).text;
}

export interface StartedReplay {
  runId: string;
  replayed: number;
  /** Decisions drawn but not replayable (unknown tool kinds, arguments Codex did not log). */
  skipped: number;
  done: Promise<void>;
}

/** Starts a replay of the last N real allow/deny decisions under a policy; returns the sandbox run at once. */
export async function startReplay(db: Db, ctx: OrgContext, input: ReplayInput, request: RequestInfo, deps: { provider?: ReviewerProvider } = {}): Promise<StartedReplay> {
  requirePermission(ctx, "policy:edit");
  const r = replayInputSchema.parse(input);
  const rows = await db.decision.findMany({
    where: { orgId: ctx.org.id, status: { in: ["allow", "deny"] } },
    orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
    take: r.lastN,
    select: { id: true, kind: true, status: true, toolName: true, mcpServer: true, arguments: true, reviewRequest: true, conversationId: true },
  });
  const picked = stratify(rows, r.sample * 2);
  const chosen: { d: (typeof picked)[number]; action: GuardianAction }[] = [];
  let skipped = 0;
  for (const d of picked) {
    if (chosen.length >= r.sample) break;
    const action = actionOfDecision(d);
    if (!action) {
      skipped++;
      continue;
    }
    chosen.push({ d, action });
  }
  if (!chosen.length) throw new AppError("validation_failed", rows.length ? "None of the recent decisions can be replayed (their actions were not logged with arguments)." : "There are no allowed or denied decisions to replay yet.");
  const resolved = deps.provider ? { provider: deps.provider, concurrency: 4, timeoutMs: 0 } : await resolveProvider(db, ctx, r.provider, r.model);
  const { provider } = resolved;
  // Codex's prompt depends on the reviewer model, as for any sandbox run.
  const policy = await resolvePolicy(db, ctx, r.policy, provider.model);
  const jobs: Job[] = chosen.map(({ d, action }) => ({
    sampleId: `${REPLAY_PREFIX}${d.id}`,
    sampleName: `${REPLAY_PREFIX}${d.id}`,
    kind: d.kind,
    attempt: 1,
    expectedOutcome: d.status,
    action,
    transcript: [],
    // The exact request the reviewer read when the relay sent it (full replay fidelity); else one rebuilt from the action.
    requestMessage: d.reviewRequest ?? replayRequestMessage(action, d.conversationId, policy.promptSource),
  }));
  const run = await launchRun(db, ctx, { policy, resolved, jobs, repeat: 1, what: "replay" }, (tx, runId) =>
    recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "decisions.replay_started",
      target: { type: "sandbox_run", id: runId },
      meta: { policy: policy.label, policySha256: policy.sha256, provider: provider.kind, model: provider.model, lastN: r.lastN, replayed: jobs.length, skipped },
      request,
    }),
  );
  return { runId: run.id, replayed: jobs.length, skipped, done: run.done };
}

export interface Flip {
  decisionId: string;
  kind: string;
  summary: string;
  /** What really happened on the host. */
  was: string;
  /** What the replayed policy decided. */
  now: string;
  rationale: string;
}

/** The decisions of a replay whose outcome changed: allow → deny, deny → allow, or now failing. */
export async function replayFlips(db: Db, ctx: OrgContext, runId: string): Promise<{ total: number; completed: number; status: string; flips: Flip[] }> {
  requirePermission(ctx, "org:read");
  const run = await db.sandboxRun.findFirst({ where: { id: String(runId), orgId: ctx.org.id }, select: { id: true, total: true, completed: true, status: true } });
  if (!run) throw new AppError("not_found", "No such replay in this organisation.");
  const results = await db.sandboxResult.findMany({ where: { runId: run.id, sampleName: { startsWith: REPLAY_PREFIX } }, orderBy: { sampleName: "asc" } });
  const flipped = results.filter((x) => x.expectedOutcome !== null && x.status !== x.expectedOutcome);
  const ids = flipped.map((x) => x.sampleName.slice(REPLAY_PREFIX.length));
  const decisions = ids.length ? await db.decision.findMany({ where: { orgId: ctx.org.id, id: { in: ids } }, select: { id: true, kind: true, arguments: true } }) : [];
  const byId = new Map(decisions.map((d) => [d.id, d]));
  return {
    total: run.total,
    completed: run.completed,
    status: run.status,
    flips: flipped.map((x) => {
      const id = x.sampleName.slice(REPLAY_PREFIX.length);
      const d = byId.get(id);
      return { decisionId: id, kind: x.kind, summary: d ? summarise(d.kind, d.arguments) : id, was: x.expectedOutcome!, now: x.status, rationale: x.rationale };
    }),
  };
}

/** "Add to samples": the decision's action becomes a sandbox sample expecting what really happened. */
export async function addDecisionToSamples(db: Db, ctx: OrgContext, id: string, request: RequestInfo) {
  requirePermission(ctx, "policy:edit");
  const d = await getDecision(db, ctx, id);
  const action = actionOfDecision(d);
  if (!action) throw new AppError("validation_failed", "This decision's action cannot be turned into a sample (its arguments were not logged, or its kind is not one the sandbox knows).");
  const name = `real-${d.kind.replace(/_/g, "-")}-${d.id.replace(/[^a-z0-9]/gi, "").toLowerCase().slice(0, 12)}`;
  return createSample(
    db,
    ctx,
    {
      name,
      action,
      expectedOutcome: d.status === "allow" || d.status === "deny" ? d.status : null,
      tags: ["real-decision"],
      notes: `From decision ${d.id} on ${d.hostName ?? "a host"} at ${d.occurredAt.toISOString()} (${d.status}, risk ${d.riskLevel ?? "unknown"}).`.slice(0, 2000),
    },
    request,
  );
}

/** "Replay in sandbox": the decision becomes a sample (once) and is reviewed under the draft by the built-in baseline. */
export async function replayDecisionInSandbox(db: Db, ctx: OrgContext, id: string, request: RequestInfo): Promise<{ runId: string; sampleId: string }> {
  requirePermission(ctx, "policy:edit");
  const existing = (await listSamples(db, ctx, { tag: "real-decision" })).find((s) => s.notes.startsWith(`From decision ${id} `));
  const sample = existing ?? (await addDecisionToSamples(db, ctx, id, request));
  const run = await startRun(db, ctx, { policy: { source: "draft" }, provider: "baseline", sampleIds: [sample.id] }, request);
  return { runId: run.id, sampleId: sample.id };
}

/** The change-request attachment of a replay on real decisions (refId: the replay's sandbox run). */
export const REPLAY_EVIDENCE_KIND = "decision_replay";

/**
 * Replays the proposed Auto-review policy of a change request on the org's real decisions and attaches the replay to
 * the request, when the org has allow/deny decisions. Called beside the sample-library impact (lib/sandbox/impact.ts),
 * with the same reviewer. Never throws: the request must not fail because evidence could not be gathered.
 */
export async function attachDecisionReplay(
  db: Db,
  ctx: OrgContext,
  cr: { number: number; revision: number; policy: string },
  provider: "org" | "baseline",
  request: RequestInfo,
): Promise<StartedReplay | null> {
  try {
    const any = await db.decision.findFirst({ where: { orgId: ctx.org.id, status: { in: ["allow", "deny"] } }, select: { id: true } });
    if (!any) return null;
    const replay = await startReplay(db, ctx, { policy: { source: "pasted", text: cr.policy }, provider, lastN: 1000, sample: 100 }, request);
    const label = `Replay of revision ${cr.revision} on ${replay.replayed} real decisions (${provider === "org" ? "the org's provider" : "baseline rules"})`;
    await attachEvidence(db, ctx, cr.number, { kind: REPLAY_EVIDENCE_KIND, refId: replay.runId, label }, request);
    if (provider === "baseline") await replay.done;
    return replay;
  } catch (err) {
    console.error(`[charter] replay on real decisions for change request #${cr.number} was not attached:`, err);
    return null;
  }
}

export interface ReplayImpact {
  runId: string;
  revision: number;
  /** Real decisions replayed, and how many have been reviewed so far. */
  total: number;
  completed: number;
  running: boolean;
  /** Was deny, now allow. */
  towardAllow: number;
  /** Was allow, now deny (or the reviewer failed closed). */
  towardDeny: number;
}

/** The newest replay attachment's numbers, or null when the request carries none. */
export async function decisionReplayImpact(db: Db, ctx: OrgContext, attachments: readonly { kind: string; refId: string; label: string }[]): Promise<ReplayImpact | null> {
  const latest = [...attachments].reverse().find((x) => x.kind === REPLAY_EVIDENCE_KIND);
  if (!latest) return null;
  return replayImpactOf(db, ctx, latest.refId, Number(/revision (\d+)/.exec(latest.label)?.[1] ?? 0));
}

/** A replay's numbers (`revision`: the revision of the text it replayed): flips toward allow and toward deny. */
export async function replayImpactOf(db: Db, ctx: OrgContext, runId: string, revision: number): Promise<ReplayImpact> {
  const r = await replayFlips(db, ctx, runId);
  return {
    runId,
    revision,
    total: r.total,
    completed: r.completed,
    running: r.status === "running",
    towardAllow: r.flips.filter((f) => f.now === "allow").length,
    towardDeny: r.flips.filter((f) => f.was === "allow").length,
  };
}
