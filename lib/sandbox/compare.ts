import type { Db } from "../db";
import { AppError } from "../errors";
import type { RequestInfo } from "../audit";
import type { OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { attachEvidence } from "../policies";
import type { ReviewStatus } from "../guardian/providers";
import { getRun, type RunView, type SampleSummary } from "./runs";
import { evidenceInputSchema, type EvidenceInput } from "./schemas";

/*
 * "What changes if we publish": two runs (usually the published version and the draft) side by side on the samples they
 * share. A flip is a sample whose decision went from allow to deny or back; a change that involves a failed or timed-out
 * review is counted apart, since it says nothing about the policy.
 */

export type ChangeKind = "same" | "allow_to_deny" | "deny_to_allow" | "failure_changed";

export interface ComparisonRow {
  sampleName: string;
  kind: string;
  expectedOutcome: "allow" | "deny" | null;
  a: SampleSummary | null;
  b: SampleSummary | null;
  change: ChangeKind | "only_a" | "only_b";
}

export interface Comparison {
  a: RunView;
  b: RunView;
  rows: ComparisonRow[];
  flips: number;
  allowToDeny: number;
  denyToAllow: number;
  failureChanges: number;
  shared: number;
  samePolicy: boolean;
  /** The two runs used different reviewers (provider or model): flips may come from that, not the policy. */
  differentReviewer: boolean;
}

function changeOf(a: ReviewStatus, b: ReviewStatus): ChangeKind {
  if (a === b) return "same";
  if (a === "allow" && b === "deny") return "allow_to_deny";
  if (a === "deny" && b === "allow") return "deny_to_allow";
  return "failure_changed";
}

export async function compareRuns(db: Db, ctx: OrgContext, aId: string, bId: string): Promise<Comparison> {
  requirePermission(ctx, "org:read");
  if (!aId || !bId) throw new AppError("validation_failed", "Choose two runs to compare.");
  const [a, b] = await Promise.all([getRun(db, ctx, aId), getRun(db, ctx, bId)]);
  const left = new Map(a.samples.map((s) => [s.sampleName, s]));
  const right = new Map(b.samples.map((s) => [s.sampleName, s]));
  const names = [...new Set([...left.keys(), ...right.keys()])].sort();
  const rows: ComparisonRow[] = names.map((name) => {
    const x = left.get(name) ?? null;
    const y = right.get(name) ?? null;
    const base = x ?? y!;
    return { sampleName: name, kind: base.kind, expectedOutcome: base.expectedOutcome, a: x, b: y, change: !x ? "only_b" : !y ? "only_a" : changeOf(x.decision, y.decision) };
  });
  const count = (k: ComparisonRow["change"]) => rows.filter((r) => r.change === k).length;
  const allowToDeny = count("allow_to_deny");
  const denyToAllow = count("deny_to_allow");
  return {
    a,
    b,
    rows,
    flips: allowToDeny + denyToAllow,
    allowToDeny,
    denyToAllow,
    failureChanges: count("failure_changed"),
    shared: rows.filter((r) => r.a && r.b).length,
    samePolicy: a.policySha256 === b.policySha256,
    differentReviewer: a.provider !== b.provider || a.model !== b.model || a.baseUrl !== b.baseUrl,
  };
}

const reviewerName = (r: RunView) => (r.provider === "baseline" ? "baseline rules" : `${r.model}`);

/** Attaches a run, or the comparison of two, to an open change request as sandbox evidence. */
export async function attachSandboxEvidence(db: Db, ctx: OrgContext, input: EvidenceInput, request: RequestInfo) {
  requirePermission(ctx, "policy:edit");
  const e = evidenceInputSchema.parse(input);
  if (e.compareWith) {
    const c = await compareRuns(db, ctx, e.runId, e.compareWith);
    const label = `Sandbox comparison: ${c.a.policyLabel} → ${c.b.policyLabel} on ${c.shared} samples (${reviewerName(c.b)}): ${c.flips} flipped (${c.allowToDeny} allow→deny, ${c.denyToAllow} deny→allow)${c.failureChanges ? `, ${c.failureChanges} failure changes` : ""}`;
    return attachEvidence(db, ctx, e.changeRequest, { kind: "sandbox_comparison", refId: `${c.a.id}..${c.b.id}`, label: label.slice(0, 200) }, request);
  }
  const r = await getRun(db, ctx, e.runId);
  const label = `Sandbox run: ${r.policyLabel} on ${r.samples.length} samples (${reviewerName(r)}): ${r.counts.allow} allow, ${r.counts.deny} deny, ${r.counts.failed_closed} failed closed, ${r.counts.timed_out} timed out, ${r.counts.abstained} needs a model, ${r.mismatches} unexpected`;
  return attachEvidence(db, ctx, e.changeRequest, { kind: "sandbox_run", refId: r.id, label: label.slice(0, 200) }, request);
}
