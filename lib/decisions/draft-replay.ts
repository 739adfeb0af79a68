import type { Db } from "../db";
import type { OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { currentVersion, getDraftOrEmpty } from "../policies";
import { composeReviewerPrompt } from "../guardian/prompt";
import { rustTrim } from "../requirements/rust";
import { sha256Hex } from "../requirements/hash";
import { policyFromToml } from "../sandbox/runs";
import { getProviderSettings } from "../sandbox/provider-settings";
import { REPLAY_PREFIX, replayImpactOf, type ReplayImpact } from "./replay";

/*
 * The replay the Requirements editor's publish panel shows for the saved draft: when the draft's Auto-review policy
 * text differs in meaning from the published version's (the REVIEW case) and the org has real decisions, the newest
 * finished replay of exactly this policy text, whoever started it and from where (the Decisions page, a change request,
 * this panel). Replays are ordinary sandbox runs (lib/decisions/replay.ts); they are found by the sha256 of the tenant
 * policy they reviewed, so nothing is recorded twice.
 */

/** Whitespace never changes what a reviewer reads (as the verdict, lib/policies/verdict.ts). */
const squash = (s: string) => s.replace(/\s+/g, " ").trim();

export interface DraftReplayRun {
  runId: string;
  /** What started it: "Draft (revision 4) · approximate prompt", "Pasted policy · …". */
  policyLabel: string;
  reviewer: string;
  startedBy: string;
  finishedAt: string | null;
}

export type DraftReplayView =
  | {
      /** The saved draft revision this describes. */
      revision: number;
      state: "not_applicable";
      /** Why the panel shows nothing: the policy text means what the published one means, the draft is not TOML, no decisions. */
      reason: "policy_unchanged" | "draft_unreadable" | "no_decisions";
    }
  | {
      revision: number;
      state: "ready";
      /** The reviewer a replay started here uses: the org's provider when configured, else the baseline rules (as a change request's impact). */
      provider: "org" | "baseline";
      /** The newest completed replay of exactly this policy text, with its flips. */
      latest: (ReplayImpact & DraftReplayRun) | null;
      /** A replay of this text still reviewing (or `watch`, the one this panel started), for the progress line. */
      running: { runId: string; completed: number; total: number } | null;
      /** `watch` stopped on an error. */
      failed: { runId: string; error: string } | null;
    };

/**
 * The sha256 values a sandbox run records for this tenant policy: Codex's prompt inserts it trimmed as Rust trims
 * (lib/guardian/codex-prompt.ts), Charter's approximation trimmed as JavaScript trims, with its starter policy when
 * empty (lib/guardian/prompt.ts). Either way the same text gives the same digest.
 */
export function replayedPolicyDigests(policy: string): string[] {
  return [...new Set([sha256Hex(rustTrim(policy)), sha256Hex(composeReviewerPrompt({ policy }).tenantPolicy)])];
}

/**
 * What the publish panel shows for the saved draft (see above). `watch`: a replay the caller started; its progress is
 * reported while it runs (before its first result is written it cannot yet be told from a sample run by its results).
 */
export async function draftReplay(db: Db, ctx: OrgContext, opts: { watch?: string } = {}): Promise<DraftReplayView> {
  requirePermission(ctx, "org:read");
  const [draft, published] = await Promise.all([getDraftOrEmpty(db, ctx), currentVersion(db, ctx.org.id)]);
  const revision = draft.revision;
  let policy: string;
  let before: string;
  try {
    policy = policyFromToml(draft.toml, "The draft");
    before = published ? policyFromToml(published.toml, "The published version") : "";
  } catch {
    return { revision, state: "not_applicable", reason: "draft_unreadable" };
  }
  if (squash(policy) === squash(before)) return { revision, state: "not_applicable", reason: "policy_unchanged" };
  const any = await db.decision.findFirst({ where: { orgId: ctx.org.id, status: { in: ["allow", "deny"] } }, select: { id: true } });
  if (!any) return { revision, state: "not_applicable", reason: "no_decisions" };

  const select = { id: true, status: true, total: true, completed: true, error: true, policyLabel: true, provider: true, providerLabel: true, model: true, startedByLabel: true, finishedAt: true } as const;
  // A replay's results are named "decision:<id>" (sample names cannot contain a colon), which tells it from a sample run.
  const replays = { orgId: ctx.org.id, policySha256: { in: replayedPolicyDigests(policy) }, results: { some: { sampleName: { startsWith: REPLAY_PREFIX } } } };
  const [done, running, watched, settings] = await Promise.all([
    db.sandboxRun.findFirst({ where: { ...replays, status: "completed" }, orderBy: [{ finishedAt: "desc" }, { createdAt: "desc" }], select }),
    db.sandboxRun.findFirst({ where: { ...replays, status: "running" }, orderBy: { createdAt: "desc" }, select }),
    opts.watch ? db.sandboxRun.findFirst({ where: { id: opts.watch, orgId: ctx.org.id }, select }) : null,
    getProviderSettings(db, ctx),
  ]);
  const inProgress = watched?.status === "running" ? watched : running;
  const latest = done
    ? {
        ...(await replayImpactOf(db, ctx, done.id, Number(/revision (\d+)/.exec(done.policyLabel)?.[1] ?? revision))),
        policyLabel: done.policyLabel,
        reviewer: done.provider === "baseline" ? done.providerLabel : `${done.providerLabel} · ${done.model}`,
        startedBy: done.startedByLabel,
        finishedAt: done.finishedAt?.toISOString() ?? null,
      }
    : null;
  return {
    revision,
    state: "ready",
    provider: settings.configured ? "org" : "baseline",
    latest,
    running: inProgress ? { runId: inProgress.id, completed: inProgress.completed, total: inProgress.total } : null,
    failed: watched?.status === "failed" ? { runId: watched.id, error: watched.error ?? "The replay stopped." } : null,
  };
}
