"use client";

import { useEffect, useState } from "react";
import type { RunView } from "@/lib/sandbox";
import { AttachForm } from "@/components/sandbox/attach-form";
import { BaselineNote, OutcomeBadge, pct } from "@/components/sandbox/ui";
import { OutcomeChart } from "@/components/sandbox/outcome-chart";
import { formatTime } from "@/components/format";
import { attachEvidenceAction } from "../../actions";

type Run = RunView;

/** The run page body: follows a running run by polling its route every second, then shows the full results. */
export function RunLive({ org, initial, changes }: { org: string; initial: Run; changes: { number: number; title: string }[] | null }) {
  const [run, setRun] = useState<Run>(initial);
  const [pollError, setPollError] = useState<string | null>(null);
  const [onlyMismatches, setOnlyMismatches] = useState(false);

  useEffect(() => {
    if (run.status !== "running") return;
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const res = await fetch(`/api/v1/orgs/${org}/sandbox/runs/${run.id}`, { cache: "no-store" });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const next = (await res.json()) as Run;
        if (!cancelled) {
          setRun(next);
          setPollError(null);
        }
      } catch (err) {
        // Keep polling: a blip of the network should not freeze the page.
        if (!cancelled) setPollError(`Could not refresh progress (${(err as Error).message}); retrying.`);
        if (!cancelled) setRun((r) => ({ ...r }));
      }
    }, 1000);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [org, run]);

  const done = run.completed;
  const percent = run.total ? Math.round((done / run.total) * 100) : 100;
  const baseline = run.provider === "baseline";
  const results = onlyMismatches ? run.results.filter((r) => r.matchesExpected === false) : run.results;
  const samples = onlyMismatches ? run.samples.filter((s) => s.matchesExpected === false) : run.samples;

  return (
    <div className="space-y-5">
      <header className="space-y-1">
        <h1 className="text-xl font-semibold">Run: {run.policyLabel}</h1>
        <p className="text-sm text-muted">
          Started {formatTime(run.createdAt, "second")} by {run.startedBy} · reviewer{" "}
          <span data-testid="run-reviewer" className="text-ink">{baseline ? "Baseline (built-in rules, no model)" : `${run.model} at ${run.baseUrl}`}</span>
          {" "}· {run.repeat > 1 ? `each sample ${run.repeat} times · ` : ""}concurrency {run.concurrency}
          {baseline ? "" : ` · timeout ${run.timeoutMs / 1000} s`}
        </p>
        <p className="text-xs text-muted">Policy sha256 <span className="break-all font-mono" data-testid="run-sha256">{run.policySha256}</span></p>
      </header>
      {baseline ? <BaselineNote /> : null}

      <section aria-labelledby="progress-heading" className="space-y-2">
        <h2 id="progress-heading" className="sr-only">Progress</h2>
        <div className="flex items-center gap-3 text-sm">
          <div role="progressbar" aria-label="Run progress" aria-valuemin={0} aria-valuemax={run.total} aria-valuenow={done} className="h-2.5 w-full max-w-md overflow-hidden rounded-full bg-panel">
            <div className="h-full bg-accent transition-[width]" style={{ width: `${percent}%` }} />
          </div>
          <span data-testid="run-progress">{done}/{run.total} reviews</span>
          <span data-testid="run-status" className={run.status === "failed" ? "text-danger" : run.status === "running" ? "text-accent" : "text-emerald-800"}>{run.status}</span>
        </div>
        {run.error ? <p role="alert" className="text-sm text-danger">{run.error}</p> : null}
        {pollError ? <p role="status" className="text-xs text-muted">{pollError}</p> : null}
      </section>

      <section aria-labelledby="summary-heading" className="grid gap-4 rounded-lg border border-line p-4 md:grid-cols-[1fr_20rem]">
        <div className="space-y-1 text-sm">
          <h2 id="summary-heading" className="font-medium">Outcomes</h2>
          <p data-testid="run-counts">
            {run.counts.allow} allow · {run.counts.deny} deny · {run.counts.failed_closed} fail-closed deny · {run.counts.timed_out} timed out{run.counts.abstained ? ` · ${run.counts.abstained} needs a model` : ""}
          </p>
          <p data-testid="run-mismatches" className={run.mismatches ? "font-medium text-danger" : ""}>{run.mismatches} result{run.mismatches === 1 ? "" : "s"} differ from the expected outcome</p>
          {run.repeat > 1 ? <p data-testid="agreement-rate">Agreement across repeats: <strong>{pct(run.agreementRate)}</strong> (share of attempts that agree with each sample&apos;s most frequent decision, averaged)</p> : null}
          {!baseline ? <p className="text-muted">Tokens: {run.tokens.prompt} prompt + {run.tokens.completion} completion = {run.tokens.total}</p> : null}
        </div>
        <OutcomeChart counts={run.counts} label="Outcomes of this run" />
      </section>

      {run.repeat > 1 && run.samples.length ? (
        <section aria-labelledby="agreement-heading" className="space-y-2">
          <h2 id="agreement-heading" className="text-base font-semibold">Per sample</h2>
          <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Decisions per sample, scrolls sideways">
            <table className="w-full text-sm" aria-label="Decisions per sample">
              <thead className="border-b border-line text-left text-xs uppercase tracking-wide text-muted">
                <tr>{["Sample", "Decision", "Agreement", "allow", "deny", "fail-closed", "timed out", "Expected"].map((h) => <th key={h} scope="col" className="py-2 pr-3 font-medium">{h}</th>)}</tr>
              </thead>
              <tbody>
                {samples.map((s) => (
                  <tr key={s.sampleName} className={`border-b border-line last:border-0 ${s.matchesExpected === false ? "bg-danger/5" : ""}`}>
                    <td className="py-1.5 pr-3 font-medium">{s.sampleName}</td>
                    <td className="py-1.5 pr-3"><OutcomeBadge status={s.decision} /></td>
                    <td className="py-1.5 pr-3">{pct(s.agreement)}</td>
                    <td className="py-1.5 pr-3">{s.counts.allow}</td>
                    <td className="py-1.5 pr-3">{s.counts.deny}</td>
                    <td className="py-1.5 pr-3">{s.counts.failed_closed}</td>
                    <td className="py-1.5 pr-3">{s.counts.timed_out}</td>
                    <td className="py-1.5 pr-3">{s.expectedOutcome ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      <section aria-labelledby="results-heading" className="space-y-2">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="results-heading" className="text-base font-semibold">Results</h2>
          <label className="flex items-center gap-1.5 text-sm">
            <input type="checkbox" checked={onlyMismatches} onChange={(e) => setOnlyMismatches(e.target.checked)} />
            Only mismatches ({run.mismatches})
          </label>
        </div>
        {run.results.length === 0 ? (
          <p className="text-sm text-muted">{run.status === "running" ? "Waiting for the first answers…" : "No results."}</p>
        ) : (
          <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Results, scrolls sideways">
            <table className="w-full text-sm" aria-label="Results">
              <thead className="border-b border-line text-left text-xs uppercase tracking-wide text-muted">
                <tr>{["Sample", "Outcome", "Expected", "Risk", "Authorization", "Rationale", "Latency", "Tokens"].map((h) => <th key={h} scope="col" className="py-2 pr-3 font-medium">{h}</th>)}</tr>
              </thead>
              <tbody>
                {results.length === 0 ? <tr><td colSpan={8} className="py-3 text-muted">Every result matches its expected outcome.</td></tr> : null}
                {results.map((r) => (
                  <tr key={r.id} data-testid={`result-${r.sampleName}-${r.attempt}`} data-mismatch={r.matchesExpected === false ? "true" : "false"}
                    className={`border-b border-line align-top last:border-0 ${r.matchesExpected === false ? "bg-danger/5 outline outline-1 -outline-offset-1 outline-danger/40" : ""}`}>
                    <td className="py-1.5 pr-3">
                      <span className="font-medium">{r.sampleName}</span>{run.repeat > 1 ? <span className="text-xs text-muted"> #{r.attempt}</span> : null}
                      <span className="block font-mono text-xs text-muted">{r.kind}</span>
                    </td>
                    <td className="py-1.5 pr-3"><OutcomeBadge status={r.status} />{baseline ? <span className="sr-only"> (baseline)</span> : null}</td>
                    <td className="py-1.5 pr-3">
                      {r.expectedOutcome ?? <span className="text-muted">—</span>}
                      {r.matchesExpected === false ? <span className="block text-xs font-semibold text-danger">unexpected</span> : null}
                    </td>
                    <td className="py-1.5 pr-3">{r.riskLevel ?? "—"}</td>
                    <td className="py-1.5 pr-3">{r.userAuthorization ?? "—"}</td>
                    <td className="max-w-md py-1.5 pr-3">
                      <span className="block">{r.rationale}</span>
                      <details className="mt-1 text-xs">
                        <summary className="cursor-pointer text-muted">{baseline ? "Request sent" : "Raw answer and request"}</summary>
                        {!baseline ? <pre tabIndex={0} className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap rounded bg-panel p-2 font-mono" data-testid="raw-answer">{r.raw ?? `(no answer${r.error ? `: ${r.error}` : ""})`}</pre> : null}
                        <pre tabIndex={0} className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap rounded bg-panel p-2 font-mono">{r.requestMessage}</pre>
                      </details>
                    </td>
                    <td className="whitespace-nowrap py-1.5 pr-3">{r.latencyMs} ms</td>
                    <td className="whitespace-nowrap py-1.5 pr-3">{r.totalTokens ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="prompt-heading" className="space-y-2">
        <h2 id="prompt-heading" className="text-base font-semibold">Prompt</h2>
        <details>
          <summary className="cursor-pointer text-sm">Reviewer instructions as composed (template, tenant policy, output contract)</summary>
          <pre tabIndex={0} data-testid="composed-prompt" className="mt-2 max-h-[32rem] overflow-auto whitespace-pre-wrap rounded-lg border border-line bg-panel p-3 font-mono text-xs">{run.prompt}</pre>
        </details>
        <details>
          <summary className="cursor-pointer text-sm">Tenant policy only</summary>
          <pre tabIndex={0} className="mt-2 max-h-80 overflow-auto whitespace-pre-wrap rounded-lg border border-line bg-panel p-3 font-mono text-xs">{run.policyText}</pre>
        </details>
      </section>

      {changes ? (
        <section aria-labelledby="evidence-heading" className="space-y-2">
          <h2 id="evidence-heading" className="text-base font-semibold">Evidence</h2>
          <AttachForm org={org} runId={run.id} changes={changes} attach={attachEvidenceAction} />
        </section>
      ) : null}
    </div>
  );
}
