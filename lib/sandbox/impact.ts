import type { Db } from "../db";
import type { RequestInfo } from "../audit";
import type { OrgContext } from "../auth/actor";
import { can } from "../auth/actor";
import { attachEvidence } from "../policies";
import { changedPolicySections } from "../policies/verdict";
import { compareRuns, type Comparison } from "./compare";
import { getProviderSettings } from "./provider-settings";
import { policyFromToml, startRun, type StartedRun } from "./runs";
import { ensureSeedSamples } from "./samples";
import { MAX_REVIEWS_PER_RUN } from "./schemas";

/*
 * Impact evidence of a change request whose Auto-review policy text changed: the org's reviewer (its configured
 * provider, else the baseline rules) runs the whole sample library on the current and on the proposed policy, and the
 * two runs are attached to the request as one "policy_impact" attachment per revision. Approvers see how many
 * decisions flip toward allow before they approve; the numbers are read from the runs, so they fill in as a slow
 * provider answers.
 */

export const IMPACT_KIND = "policy_impact";

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

export interface ImpactView {
  revision: number;
  /** The runs are still reviewing. */
  running: boolean;
  comparison: Comparison;
  /** deny (or a non-decision) → allow: the number approvers must see. */
  towardAllow: number;
  towardDeny: number;
}

/**
 * Starts the two runs and attaches them when the policy text of `toml` differs (beyond whitespace) from `baseToml`'s.
 * Returns the started runs (tests await `done`), or null when there is nothing to measure or the actor may not run
 * the sandbox. Never throws: the request itself must not fail because evidence could not be gathered.
 */
export async function attachPolicyImpact(
  db: Db,
  ctx: OrgContext,
  cr: { number: number; revision: number; toml: string; baseVersionNumber: number | null; baseToml: string },
  request: RequestInfo,
): Promise<{ a: StartedRun; b: StartedRun } | null> {
  try {
    if (ctx.role === null || !can(ctx.role, "policy:edit")) return null;
    const before = policyFromToml(cr.baseToml, "The current version");
    const after = policyFromToml(cr.toml, "The proposed text");
    if (squash(before) === squash(after)) return null;
    await ensureSeedSamples(db, ctx);
    const samples = await db.sampleRequest.findMany({ where: { orgId: ctx.org.id }, select: { id: true }, orderBy: { name: "asc" }, take: MAX_REVIEWS_PER_RUN });
    if (samples.length === 0) return null;
    const provider = (await getProviderSettings(db, ctx)).configured ? "org" : "baseline";
    const sampleIds = samples.map((s) => s.id);
    const current = cr.baseVersionNumber === null ? { source: "pasted" as const, text: "" } : { source: "version" as const, number: cr.baseVersionNumber };
    const a = await startRun(db, ctx, { policy: current, provider, sampleIds }, request);
    const b = await startRun(db, ctx, { policy: { source: "pasted", text: after }, provider, sampleIds }, request);
    const sections = changedPolicySections(before, after).map((s) => s.section);
    const label = `Impact of revision ${cr.revision} on ${sampleIds.length} samples (${provider === "org" ? "the org's provider" : "baseline rules"}); policy sections changed: ${sections.join(", ") || "text"}`;
    await attachEvidence(db, ctx, cr.number, { kind: IMPACT_KIND, refId: `${a.id}..${b.id}`, label: label.slice(0, 200) }, request);
    // The baseline answers in milliseconds: finish before replying, so the request page shows final numbers. A model
    // provider may take minutes; its runs finish in the background and the page reads them as they come.
    if (provider === "baseline") await Promise.all([a.done, b.done]);
    // When the org has real decisions, the proposed policy is also replayed on them (lib/decisions/replay.ts).
    const { attachDecisionReplay } = await import("../decisions/replay");
    await attachDecisionReplay(db, ctx, { number: cr.number, revision: cr.revision, policy: after }, provider, request);
    return { a, b };
  } catch (err) {
    console.error(`[charter] impact evidence for change request #${cr.number} was not gathered:`, err);
    return null;
  }
}

/** The newest impact attachment's numbers, or null when the request carries none. */
export async function policyImpact(db: Db, ctx: OrgContext, attachments: readonly { kind: string; refId: string; label: string }[]): Promise<ImpactView | null> {
  const latest = [...attachments].reverse().find((x) => x.kind === IMPACT_KIND);
  if (!latest) return null;
  const [aId, bId] = latest.refId.split("..");
  const comparison = await compareRuns(db, ctx, aId, bId);
  const rows = comparison.rows.filter((r) => r.a && r.b);
  const towardAllow = rows.filter((r) => r.a!.decision !== "allow" && r.b!.decision === "allow").length;
  const towardDeny = rows.filter((r) => r.a!.decision === "allow" && r.b!.decision !== "allow").length;
  const revision = Number(/revision (\d+)/.exec(latest.label)?.[1] ?? 0);
  return { revision, running: comparison.a.status === "running" || comparison.b.status === "running", comparison, towardAllow, towardDeny };
}
