import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { complianceReport, reportQuerySchema } from "@/lib/policies";
import { DiffView, VerdictBadge } from "@/components/diff-view";
import { PrintButton } from "@/components/policies/print-button";
import { formatTime } from "@/components/format";

export const metadata: Metadata = { title: "Compliance report" };

const DAY = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);
// On paper: no console chrome, no forms; each version starts on its own page.
const PRINT_CSS = `@media print {
  aside, [data-print-hide] { display: none !important; }
  main { padding: 0 !important; }
  .report-entry { break-before: page; }
  .report-entry:first-of-type { break-before: auto; }
  [role="region"] { overflow: visible !important; }
}`;

export default async function CompliancePage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ from?: string; to?: string }> }) {
  const ctx = await requireOrg((await params).org);
  const q = await searchParams;
  const today = new Date();
  const fromText = q.from || day(new Date(today.getTime() - 30 * DAY));
  const toText = q.to || day(today);
  // The range is inclusive of whole days in UTC.
  const parsed = reportQuerySchema.safeParse({ from: `${fromText}T00:00:00.000Z`, to: `${toText}T23:59:59.999Z` });
  const report = parsed.success ? await complianceReport(db, ctx, parsed.data) : null;
  const base = `/o/${ctx.org.slug}`;
  return (
    <div className="max-w-5xl space-y-5">
      <style>{PRINT_CSS}</style>
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Compliance report · {ctx.org.name}</h1>
          <p className="text-sm text-muted">Versions published {fromText} to {toText} (UTC), who wrote and approved each, what changed and whether it gave agents more freedom.</p>
        </div>
        <PrintButton />
      </header>
      <form method="get" data-print-hide className="flex flex-wrap items-end gap-3 rounded-lg border border-line bg-panel px-3 py-2 text-sm" aria-label="Report period">
        <div><label htmlFor="from" className="block text-xs text-muted">From</label><input id="from" name="from" type="date" defaultValue={fromText} className="rounded-md border border-line bg-white px-2 py-1" /></div>
        <div><label htmlFor="to" className="block text-xs text-muted">To</label><input id="to" name="to" type="date" defaultValue={toText} className="rounded-md border border-line bg-white px-2 py-1" /></div>
        <button type="submit" className="rounded-md bg-accent px-3 py-1.5 font-medium text-white hover:bg-accent/90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent">Show</button>
      </form>
      {!report ? (
        <p role="alert" className="rounded-md border border-danger/30 bg-danger/5 px-3 py-2 text-sm text-danger">Choose a valid period: two dates, the first not after the second.</p>
      ) : report.entries.length === 0 ? (
        <div className="rounded-lg border border-dashed border-line p-10 text-center text-sm text-muted">No version was published in this period.</div>
      ) : (
        <>
          <section aria-labelledby="summary-heading" className="rounded-lg border border-line p-4 text-sm">
            <h2 id="summary-heading" className="font-medium">Summary</h2>
            <p className="mt-1" data-testid="report-summary">{report.entries.length} version{report.entries.length === 1 ? "" : "s"} published; {report.widening} widened agents&apos; access; {report.review} changed the Auto-review policy text (REVIEW). Generated {formatTime(report.generatedAt)}.</p>
            <div className="mt-3 overflow-x-auto" tabIndex={0} role="region" aria-label="Versions in the period, scrolls sideways on a narrow screen">
            <table className="w-full text-left">
              <caption className="sr-only">Versions in the period</caption>
              <thead className="text-xs uppercase tracking-wide text-muted"><tr><th scope="col" className="py-1">Version</th><th scope="col">Published</th><th scope="col">Author</th><th scope="col">Approved by</th><th scope="col">Access</th></tr></thead>
              <tbody className="divide-y divide-line">
                {report.entries.map((e) => (
                  <tr key={e.number}>
                    <td className="py-1"><Link href={`${base}/versions/${e.number}`} className="text-accent underline underline-offset-2 hover:no-underline">{e.number}</Link></td>
                    <td>{formatTime(e.publishedAt)}</td>
                    <td>{e.author}</td>
                    <td>{e.approvals.filter((a) => a.decision === "approve").map((a) => a.approver).join(", ") || (e.changeRequest ? "none required" : "direct publish")}</td>
                    <td><VerdictBadge wider={e.diff.wider} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          </section>
          {report.entries.map((e) => (
            <article key={e.number} className="report-entry space-y-3 border-t border-line pt-5" aria-labelledby={`v${e.number}-heading`}>
              <h2 id={`v${e.number}-heading`} className="text-lg font-semibold">Version {e.number}{e.parentNumber !== null ? <span className="font-normal text-muted"> (from version {e.parentNumber})</span> : null}</h2>
              <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
                <dt className="text-muted">Published</dt><dd>{formatTime(e.publishedAt)} by {e.author}</dd>
                <dt className="text-muted">Note</dt><dd className="whitespace-pre-wrap">{e.note}</dd>
                <dt className="text-muted">sha256</dt><dd className="break-all font-mono text-xs">{e.sha256}</dd>
                {e.restoredFromNumber ? (<><dt className="text-muted">Restores</dt><dd>version {e.restoredFromNumber}</dd></>) : null}
                <dt className="text-muted">Change request</dt>
                <dd>{e.changeRequest ? `#${e.changeRequest.number} “${e.changeRequest.title}” opened by ${e.changeRequest.author} ${formatTime(e.changeRequest.openedAt)}` : "none (published directly)"}</dd>
                <dt className="text-muted">Decisions</dt>
                <dd>
                  {e.approvals.length === 0 ? "none" : (
                    <ul>{e.approvals.map((a, i) => <li key={i}>{a.decision === "approve" ? "Approved" : "Rejected"} by {a.approver}, {formatTime(a.at)}{a.comment ? `: ${a.comment}` : ""}</li>)}</ul>
                  )}
                </dd>
              </dl>
              <DiffView diff={e.diff} idPrefix={`v${e.number}`} label={`version ${e.number}`} />
            </article>
          ))}
        </>
      )}
    </div>
  );
}
