import { createHash } from "node:crypto";
import { z } from "zod";
import { isMember, type GroupDef, type HostFacts } from "../groups/membership";

/*
 * Rings and gates of a staged rollout, as data and pure functions (no database), so the bundle endpoint can decide a
 * host's version from memory and tests can check every rule directly.
 */

export const ringSchema = z
  .object({
    name: z.string().trim().min(1).max(60).describe("Shown on the timeline."),
    group: z.string().trim().min(1).max(60).optional().describe("Members of this group form the ring."),
    percent: z.number().min(0.01).max(100).optional().describe("This share of all hosts, chosen by a stable hash of the host id."),
  })
  .strict()
  .refine((r) => (r.group === undefined) !== (r.percent === undefined), { message: "A ring is either a group or a percentage of hosts" });
export type Ring = z.infer<typeof ringSchema>;

export const gatesSchema = z
  .object({
    minInstalledPercent: z.number().min(0).max(100).default(90).describe("Share of the ring's hosts that must report the new version installed."),
    maxFailurePercent: z.number().min(0).max(100).default(5).describe("Halt when more of the ring's hosts than this report a failed install or drift."),
    soakMinutes: z.number().min(0).max(7 * 24 * 60).default(30).describe("How long a ring runs before it may pass."),
    emptyRingTimeoutMinutes: z.number().min(0).max(7 * 24 * 60).default(60).describe("A ring with no hosts stops the rollout (timed_out) after this long."),
    maxDenyRateDelta: z.number().min(0).max(100).optional().describe("Halt when the ring's Auto-review deny rate on the new version is more percentage points above its baseline than this (needs decision data)."),
    maxFailClosedRateDelta: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe("Halt when the ring's fail-closed rate (reviews that failed or timed out) on the new version is more percentage points above its baseline than this."),
    minDecisions: z.number().int().min(1).max(1_000_000).default(20).describe("Decisions on the new version (and in the baseline) needed before the rate gates judge; fewer: not judged yet, never blocking."),
  })
  .strict();
export type Gates = z.output<typeof gatesSchema>;

export const rolloutPlanSchema = z
  .object({
    rings: z.array(ringSchema).min(1, "Name at least one ring before everyone").max(10),
    gates: gatesSchema.default(gatesSchema.parse({})),
  })
  .strict();
export type RolloutPlanInput = z.input<typeof rolloutPlanSchema>;

/** A host's stable position in [0, 100): the same host always lands in the same percentage ring of an org. */
export function hostBucket(orgId: string, hostId: string): number {
  const h = createHash("sha256").update(`${orgId}:${hostId}`).digest();
  return (h.readUInt32BE(0) / 2 ** 32) * 100;
}

/**
 * The index of the first ring the host belongs to; `rings.length` (the implied last ring, everyone) when none.
 * `groups` resolves a group ring's name (membership, not only the host's winning group).
 */
export function ringOf(orgId: string, host: HostFacts, rings: readonly Ring[], groups: ReadonlyMap<string, GroupDef>): number {
  let bucket: number | undefined;
  for (let i = 0; i < rings.length; i++) {
    const r = rings[i];
    if (r.group !== undefined) {
      const g = groups.get(r.group);
      if (g ? isMember(g, host) : host.label === r.group) return i;
    } else if (r.percent !== undefined) {
      bucket ??= hostBucket(orgId, host.id);
      if (bucket < r.percent) return i;
    }
  }
  return rings.length;
}

export interface RingHost {
  installedVersion: number | null;
  /** The host's own view from its last check-in, when the fleet reports one. */
  state?: string | null;
}

export interface GateValues {
  hosts: number;
  installed: number;
  failed: number;
  drifted: number;
  installedPercent: number;
  failurePercent: number;
  soakElapsedMinutes: number;
  /** Deny-rate change in points (new version minus baseline), when decisions were compared. */
  denyRateDelta: number | null;
  /** What the rate gates compared (see DecisionRates); null when the org collects no decisions for the ring. */
  decisions: DecisionRates | null;
}

/** Auto-review outcomes of one side of the comparison. */
export interface RateSample {
  /** Which decisions: e.g. "version 3 on the ring's hosts". */
  label: string;
  total: number;
  denied: number;
  /** Reviews that failed or timed out (Codex denies the action when the review cannot finish). */
  failClosed: number;
  denyRate: number;
  failClosedRate: number;
}

/**
 * The ring's Auto-review decisions on the new version against a baseline: the same hosts on the previous version, or
 * (when they have none) the org's hosts on the previous version. `status` "not_collected": nothing to compare yet.
 */
export interface DecisionRates {
  status: "compared" | "not_collected";
  /** Why it is not collected yet (one sentence), when it is not. */
  note: string | null;
  current: RateSample | null;
  baseline: RateSample | null;
  denyRateDelta: number | null;
  failClosedRateDelta: number | null;
}

/** Builds a sample from status counts (statuses: allow, deny, failed, timed_out). */
export function rateSample(label: string, counts: Partial<Record<string, number>>): RateSample {
  const total = Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0);
  const denied = counts.deny ?? 0;
  const failClosed = (counts.failed ?? 0) + (counts.timed_out ?? 0);
  return { label, total, denied, failClosed, denyRate: total ? round((denied / total) * 100) : 0, failClosedRate: total ? round((failClosed / total) * 100) : 0 };
}

/** Compares two samples; below `minDecisions` on either side it is "not collected" (the gates do not judge it). */
export function compareRates(current: RateSample | null, baseline: RateSample | null, minDecisions: number): DecisionRates {
  const short = (s: RateSample | null, what: string) => (!s || s.total < minDecisions ? `${s?.total ?? 0} decisions (${what}), ${minDecisions} needed to compare` : null);
  const note = short(current, current?.label ?? "the new version") ?? short(baseline, baseline?.label ?? "no previous version");
  if (note || !current || !baseline) return { status: "not_collected", note: note ?? "no decisions", current, baseline, denyRateDelta: null, failClosedRateDelta: null };
  return {
    status: "compared",
    note: null,
    current,
    baseline,
    denyRateDelta: round(current.denyRate - baseline.denyRate),
    failClosedRateDelta: round(current.failClosedRate - baseline.failClosedRate),
  };
}

export type GateVerdict = "pass" | "wait" | "fail" | "timeout";

export interface GateResult {
  verdict: GateVerdict;
  values: GateValues;
  /** One sentence per gate that is not yet met or failed. */
  reasons: string[];
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Evaluates one ring's gates for `version` at `now`. */
export function evaluateGates(
  ringHosts: readonly RingHost[],
  version: number,
  gates: Gates,
  ringStartedAt: Date,
  now: Date,
  decisions: DecisionRates | null = null,
): GateResult {
  const denyRateDelta = decisions?.denyRateDelta ?? null;
  const hosts = ringHosts.length;
  const installed = ringHosts.filter((h) => (h.installedVersion ?? 0) >= version && h.state !== "failed").length;
  const failed = ringHosts.filter((h) => h.state === "failed").length;
  const drifted = ringHosts.filter((h) => h.state === "drifted").length;
  const elapsed = (now.getTime() - ringStartedAt.getTime()) / 60_000;
  const values: GateValues = {
    hosts,
    installed,
    failed,
    drifted,
    installedPercent: hosts ? round((installed / hosts) * 100) : 0,
    failurePercent: hosts ? round(((failed + drifted) / hosts) * 100) : 0,
    soakElapsedMinutes: round(Math.max(0, elapsed)),
    denyRateDelta,
    decisions,
  };
  if (hosts === 0) {
    if (elapsed >= gates.emptyRingTimeoutMinutes) {
      return { verdict: "timeout", values, reasons: [`the ring has had no hosts for ${gates.emptyRingTimeoutMinutes} minutes`] };
    }
    return { verdict: "wait", values, reasons: ["the ring has no hosts yet"] };
  }
  const failures: string[] = [];
  if (values.failurePercent > gates.maxFailurePercent) {
    failures.push(`${failed} failed and ${drifted} drifted of ${hosts} hosts (${values.failurePercent}%) is above the ${gates.maxFailurePercent}% limit`);
  }
  const d = decisions?.status === "compared" ? decisions : null;
  if (d && gates.maxDenyRateDelta !== undefined && d.denyRateDelta! > gates.maxDenyRateDelta) {
    failures.push(
      `the deny rate is ${d.current!.denyRate}% (${d.current!.denied} of ${d.current!.total} decisions, ${d.current!.label}) against ${d.baseline!.denyRate}% (${d.baseline!.denied} of ${d.baseline!.total}, ${d.baseline!.label}): +${d.denyRateDelta} points, above the ${gates.maxDenyRateDelta}-point limit`,
    );
  }
  if (d && gates.maxFailClosedRateDelta !== undefined && d.failClosedRateDelta! > gates.maxFailClosedRateDelta) {
    failures.push(
      `the fail-closed rate is ${d.current!.failClosedRate}% (${d.current!.failClosed} of ${d.current!.total} decisions, ${d.current!.label}) against ${d.baseline!.failClosedRate}% (${d.baseline!.failClosed} of ${d.baseline!.total}, ${d.baseline!.label}): +${d.failClosedRateDelta} points, above the ${gates.maxFailClosedRateDelta}-point limit`,
    );
  }
  if (failures.length) return { verdict: "fail", values, reasons: failures };
  const waiting: string[] = [];
  if (values.installedPercent < gates.minInstalledPercent) waiting.push(`${installed} of ${hosts} hosts installed (${values.installedPercent}%), ${gates.minInstalledPercent}% needed`);
  if (elapsed < gates.soakMinutes) waiting.push(`soaking: ${values.soakElapsedMinutes} of ${gates.soakMinutes} minutes`);
  return { verdict: waiting.length ? "wait" : "pass", values, reasons: waiting };
}
