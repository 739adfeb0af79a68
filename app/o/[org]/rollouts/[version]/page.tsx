import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getRollout, type DecisionRates } from "@/lib/rollouts";
import { Section } from "../../settings/ui";
import { formatTime } from "@/components/format";
import { AdoptionChart } from "./adoption-chart";
import { RolloutActions } from "../rollout-controls";

export const metadata: Metadata = { title: "Rollout" };

const KIND: Record<string, string> = {
  started: "Started",
  gate: "Gates evaluated",
  awaiting_promotion: "Gates passed; waiting for an admin to promote",
  promoted: "Promoted",
  completed: "Completed: every host has it",
  paused: "Paused",
  resumed: "Resumed",
  rolled_back: "Rolled back",
  halted: "Halted",
  timed_out: "Timed out",
};

/** One rollout as a timeline: rings with host counts and gate values, each step, adoption per version, manual steps. */
export default async function RolloutPage({ params }: { params: Promise<{ org: string; version: string }> }) {
  const p = await params;
  const ctx = await requireOrg(p.org, "org:read");
  let r;
  try {
    r = await getRollout(db, ctx, p.version);
  } catch (err) {
    if (err instanceof AppError && (err.code === "not_found" || err.code === "validation_failed")) notFound();
    throw err;
  }
  const publish = ctx.role !== null && can(ctx.role, "policy:publish");
  const ringName = (i: number | null) => (i === null ? "" : (r.rings[i]?.name ?? "everyone"));
  return (
    <div className="max-w-6xl space-y-6">
      <header>
        <p className="text-xs text-muted"><Link href={`/o/${ctx.org.slug}/rollouts`} className="hover:underline">Rollouts</Link> /</p>
        <h1 className="text-xl font-semibold">Rollout of version {r.version}</h1>
        <p className="text-sm" data-testid="rollout-state">
          State: <strong>{r.state.replace("_", " ")}</strong>
          {r.reason ? ` — ${r.reason}` : ""}
          {r.rollbackVersion ? ` Every host now gets version ${r.rollbackVersion} (version ${r.previous}'s text).` : ""}
        </p>
        {publish ? <RolloutActions org={ctx.org.slug} version={r.version} state={r.state} /> : null}
      </header>
      <Section id="rings" title="Rings" description={`Gates: ${r.gates.minInstalledPercent}% installed, at most ${r.gates.maxFailurePercent}% failed or drifted, ${r.gates.soakMinutes} min soak${r.gates.maxDenyRateDelta !== undefined ? `, deny rate at most +${r.gates.maxDenyRateDelta} points` : ""}${r.gates.maxFailClosedRateDelta !== undefined ? `, fail-closed rate at most +${r.gates.maxFailClosedRateDelta} points` : ""}; an empty ring times out after ${r.gates.emptyRingTimeoutMinutes} min.`}>
        <ol className="space-y-2" aria-label="Rings">
          {r.rings.map((ring) => (
            <li key={ring.index} className={`rounded-md border px-3 py-2 text-sm ${ring.status === "current" ? "border-accent" : "border-line"}`} data-testid={`ring-${ring.index}`}>
              <span className="font-medium">{ring.index + 1}. {ring.name}</span> <span className="text-muted">({ring.target}) · {ring.status}</span>
              <span className="block tabular-nums">
                {ring.hosts} hosts · {ring.installed} installed · {ring.failed} failed · {ring.drifted} drifted
              </span>
              {ring.status === "current" && r.gate ? (
                <span className="block text-xs text-muted" data-testid="gate">
                  Gates: {r.gate.verdict} — {r.gate.values.installedPercent}% installed, {r.gate.values.failurePercent}% failed/drifted, soaked {r.gate.values.soakElapsedMinutes} min
                  <DecisionGate rates={r.gate.values.decisions} />
                  {r.gate.reasons.length ? `. ${r.gate.reasons.join("; ")}` : ""}
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      </Section>
      <Section id="adoption" title="Adoption per version" description="Live hosts by the version they report installed.">
        <AdoptionChart data={r.adoption} target={r.version} />
      </Section>
      <Section id="timeline" title="Timeline">
        <ol className="space-y-1 text-sm" aria-label="Timeline">
          {r.events.map((e, i) => {
            const d = (e.detail ?? {}) as { by?: string; reason?: string; summary?: { hosts: number; installed: number; failed: number } };
            return (
              <li key={i}>
                <span className="tabular-nums text-muted">{formatTime(e.at)}</span> · {KIND[e.kind] ?? e.kind}
                {e.ring !== null && e.kind !== "started" ? ` (ring ${ringName(e.ring)})` : ""}
                {d.summary ? ` — ${d.summary.installed}/${d.summary.hosts} installed, ${d.summary.failed} failed` : ""}
                {d.by ? ` — by ${d.by}` : ""}
                {d.reason ? `: ${d.reason}` : ""}
              </li>
            );
          })}
        </ol>
      </Section>
    </div>
  );
}

/** The deny-rate / fail-closed-rate comparison of the current ring, in words with its figures. */
function DecisionGate({ rates }: { rates: DecisionRates | null }) {
  if (!rates) return <span data-testid="decision-gate">; decision rates: not collected</span>;
  if (rates.status === "not_collected") return <span data-testid="decision-gate">; decision rates: not collected yet ({rates.note})</span>;
  const c = rates.current!;
  const b = rates.baseline!;
  const sign = (n: number) => (n > 0 ? `+${n}` : String(n));
  return (
    <span data-testid="decision-gate">
      ; deny rate {c.denyRate}% ({c.denied}/{c.total}, {c.label}) vs {b.denyRate}% ({b.denied}/{b.total}, {b.label}): {sign(rates.denyRateDelta!)} points; fail-closed {c.failClosedRate}% vs {b.failClosedRate}%: {sign(rates.failClosedRateDelta!)} points
    </span>
  );
}
