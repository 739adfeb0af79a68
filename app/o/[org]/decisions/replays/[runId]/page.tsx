import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireOrg } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { replayFlips } from "@/lib/decisions";
import { Section } from "../../../settings/ui";
import { StatusBadge } from "../../charts";

export const metadata: Metadata = { title: "Replay" };

/** A replay's flips: each real decision the replayed policy decides differently, beside what really happened. */
export default async function ReplayPage({ params }: { params: Promise<{ org: string; runId: string }> }) {
  const { org, runId } = await params;
  const ctx = await requireOrg(org, "org:read");
  const r = await replayFlips(db, ctx, runId).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const running = r.status === "running";
  return (
    <div className="max-w-5xl space-y-6">
      {running && <meta httpEquiv="refresh" content="2" />}
      <header className="space-y-1">
        <p className="text-sm"><Link className="text-muted hover:underline" href={`/o/${ctx.org.slug}/decisions#replay`}>Decisions</Link></p>
        <h1 className="text-xl font-semibold">Replay on real decisions</h1>
        <p className="text-sm text-muted" role="status">
          {running ? `Reviewing… ${r.completed} of ${r.total} done.` : `${r.total} real decisions replayed: ${r.flips.length} would now be decided differently.`}{" "}
          <Link className="hover:underline" href={`/o/${ctx.org.slug}/sandbox/runs/${runId}`}>Open as a sandbox run</Link> (progress, every result, attach to a change request).
        </p>
      </header>
      <Section id="flips" title="Flips" description="What really happened on the host, and what the replayed policy decides now.">
        {r.flips.length === 0 ? (
          <p className="text-sm text-muted">{running ? "None so far." : "No flips: the replayed policy decides every sampled decision as it was decided."}</p>
        ) : (
          <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Flips, scrolls sideways">
            <table className="w-full text-sm" aria-label="Flips">
              <thead className="text-left text-xs text-muted"><tr><th className="py-1 pr-3">Was</th><th className="pr-3">Now</th><th className="pr-3">Kind</th><th className="pr-3">Action</th><th>Reviewer&apos;s rationale</th></tr></thead>
              <tbody>
                {r.flips.map((f) => (
                  <tr key={f.decisionId} className="border-t border-line align-top">
                    <td className="py-1.5 pr-3"><StatusBadge status={f.was} /></td>
                    <td className="pr-3"><StatusBadge status={f.now === "failed_closed" ? "failed" : f.now} /></td>
                    <td className="pr-3">{f.kind}</td>
                    <td className="max-w-sm truncate pr-3 font-mono text-xs"><Link className="hover:underline" href={`/o/${ctx.org.slug}/decisions/${encodeURIComponent(f.decisionId)}`} title={f.summary}>{f.summary}</Link></td>
                    <td className="min-w-64 text-xs">{f.rationale}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </div>
  );
}
