import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { listChangeRequests } from "@/lib/policies";
import { compareRuns, type ComparisonRow, type RunView } from "@/lib/sandbox";
import { orNotFound } from "@/components/policies/not-found";
import { AttachForm } from "@/components/sandbox/attach-form";
import { BaselineNote, linkCls, OutcomeBadge, pct } from "@/components/sandbox/ui";
import { OutcomeChart } from "@/components/sandbox/outcome-chart";
import { attachEvidenceAction } from "../actions";

export const metadata: Metadata = { title: "Compare sandbox runs" };

const CHANGE_LABEL: Record<ComparisonRow["change"], string> = {
  same: "same",
  allow_to_deny: "flipped: allow → deny",
  deny_to_allow: "flipped: deny → allow",
  failure_changed: "changed (a failed or timed-out review)",
  only_a: "only in the first run",
  only_b: "only in the second run",
};

function reviewer(r: RunView) {
  return r.provider === "baseline" ? "Baseline (built-in rules, no model)" : `${r.model} at ${r.baseUrl}`;
}

function Cell({ s }: { s: ComparisonRow["a"] }) {
  if (!s) return <span className="text-muted">—</span>;
  return (
    <span className="inline-flex items-center gap-1.5">
      <OutcomeBadge status={s.decision} />
      {s.attempts > 1 ? <span className="text-xs text-muted">{pct(s.agreement)} of {s.attempts}</span> : null}
    </span>
  );
}

/** "What changes if we publish": two runs side by side, flipped decisions highlighted and counted. */
export default async function ComparePage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ a?: string; b?: string; only?: string }> }) {
  const ctx = await requireOrg((await params).org, "org:read");
  const sp = await searchParams;
  const base = `/o/${ctx.org.slug}/sandbox`;
  if (typeof sp.a !== "string" || typeof sp.b !== "string" || !sp.a || !sp.b) {
    return (
      <div className="max-w-3xl space-y-3">
        <h1 className="text-xl font-semibold">Compare runs</h1>
        <p className="text-sm">Choose two runs on the <Link className={linkCls} href={base}>sandbox page</Link> to compare them.</p>
      </div>
    );
  }
  const c = await orNotFound(compareRuns(db, ctx, sp.a, sp.b));
  const mayAttach = ctx.role !== null && can(ctx.role, "policy:edit");
  const changes = mayAttach ? (await listChangeRequests(db, ctx, { status: "open" })).map((x) => ({ number: x.number, title: x.title })) : null;
  const anyBaseline = c.a.provider === "baseline" || c.b.provider === "baseline";
  const onlyChanged = sp.only === "changed";
  const rows = onlyChanged ? c.rows.filter((r) => r.change !== "same") : c.rows;
  const query = (a: string, b: string, only: boolean) => `${base}/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}${only ? "&only=changed" : ""}`;
  return (
    <div className="max-w-6xl space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-muted"><Link href={base} className="hover:underline">Sandbox</Link> / compare</nav>
      <header className="space-y-1">
        <h1 className="text-xl font-semibold">What changes: {c.a.policyLabel} → {c.b.policyLabel}</h1>
        <p className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
          <span className="text-muted">Read as current → proposed.</span>
          <Link className={linkCls} href={query(c.b.id, c.a.id, onlyChanged)} data-testid="compare-swap">Swap: {c.b.policyLabel} → {c.a.policyLabel}</Link>
          <Link className={linkCls} href={query(c.a.id, c.b.id, !onlyChanged)} data-testid="compare-filter">{onlyChanged ? "Show all samples" : "Only changed decisions"}</Link>
        </p>
        <p data-testid="flip-count" className={`text-base ${c.flips ? "font-semibold text-danger" : ""}`}>
          {c.flips} flipped decision{c.flips === 1 ? "" : "s"} on {c.shared} shared samples ({c.allowToDeny} allow → deny, {c.denyToAllow} deny → allow)
          {c.failureChanges ? `, ${c.failureChanges} changed by a failed or timed-out review` : ""}
        </p>
        {c.samePolicy ? <p className="text-sm text-muted">Both runs used the same policy text (sha256 {c.a.policySha256.slice(0, 12)}); differences come from the reviewer.</p> : null}
        {c.differentReviewer ? <p role="note" className="text-sm text-amber-900">The two runs used different reviewers, so some differences may come from the reviewer rather than the policy.</p> : null}
      </header>
      {anyBaseline ? <BaselineNote /> : null}

      <div className="grid gap-4 md:grid-cols-2">
        {[c.a, c.b].map((r, i) => (
          <section key={r.id} aria-labelledby={`run-${i}`} className="space-y-1 rounded-lg border border-line p-4 text-sm">
            <h2 id={`run-${i}`} className="font-medium">{i === 0 ? "Current (before)" : "Proposed (after)"}: <Link className={linkCls} href={`${base}/runs/${r.id}`}>{r.policyLabel}</Link></h2>
            <p className="text-muted">Reviewer: <span className="text-ink" data-testid={`reviewer-${i}`}>{reviewer(r)}</span></p>
            <p className="text-xs text-muted">sha256 <span className="font-mono">{r.policySha256.slice(0, 16)}</span> · {r.status}</p>
            <OutcomeChart counts={r.counts} label={`Outcomes of the ${i === 0 ? "first" : "second"} run`} />
          </section>
        ))}
      </div>

      <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Decisions side by side, scrolls sideways">
        <table className="w-full text-sm" aria-label="Decisions side by side">
          <thead className="border-b border-line text-left text-xs uppercase tracking-wide text-muted">
            <tr>{["Sample", "Kind", "Expected", "Current", "Proposed", "Change"].map((h) => <th key={h} scope="col" className="py-2 pr-3 font-medium">{h}</th>)}</tr>
          </thead>
          <tbody>
            {rows.length === 0 ? <tr><td colSpan={6} className="py-3 text-muted">No decision changed.</td></tr> : null}
            {rows.map((r) => {
              const flipped = r.change === "allow_to_deny" || r.change === "deny_to_allow";
              return (
                <tr key={r.sampleName} data-testid={`compare-${r.sampleName}`} data-change={r.change}
                  className={`border-b border-line last:border-0 ${flipped ? "bg-amber-50 font-medium outline outline-1 -outline-offset-1 outline-amber-700/40" : r.change === "failure_changed" ? "bg-slate-50" : ""}`}>
                  <td className="py-1.5 pr-3">{r.sampleName}</td>
                  <td className="py-1.5 pr-3 font-mono text-xs">{r.kind}</td>
                  <td className="py-1.5 pr-3">{r.expectedOutcome ?? "—"}</td>
                  <td className="py-1.5 pr-3"><Cell s={r.a} /></td>
                  <td className="py-1.5 pr-3"><Cell s={r.b} /></td>
                  <td className={`py-1.5 pr-3 ${flipped ? "text-danger" : "text-muted"}`}>{CHANGE_LABEL[r.change]}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      {changes ? (
        <section aria-labelledby="evidence-heading" className="space-y-2">
          <h2 id="evidence-heading" className="text-base font-semibold">Evidence</h2>
          <p className="text-sm text-muted">Attach this comparison to a change request, so approvers see what publishing changes.</p>
          <AttachForm org={ctx.org.slug} runId={c.a.id} compareWith={c.b.id} changes={changes} attach={attachEvidenceAction} />
        </section>
      ) : null}
    </div>
  );
}
