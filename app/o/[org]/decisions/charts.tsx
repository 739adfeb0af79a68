import Link from "next/link";
import type { DecisionStats, StatusCounts } from "@/lib/decisions";
import { BreakdownBars, OverTimeBars } from "./status-bars";
import { STATUS_FILL, STATUS_LABEL, STATUS_ORDER } from "./status-colours";

/*
 * The Decisions page's charts (recharts, in status-bars.tsx): a stacked series over time and a chart per breakdown,
 * each a labelled image carrying its numbers as text. The breakdowns also list each value as a link to the table
 * filtered by it.
 */

const counts = (r: StatusCounts) => `${r.allow} allowed, ${r.deny} denied, ${r.failed} failed, ${r.timed_out} timed out`;

export function Legend() {
  return (
    <p className="flex flex-wrap gap-3 text-xs text-muted" aria-hidden="true">
      {STATUS_ORDER.map((s) => (
        <span key={s} className="inline-flex items-center gap-1">
          <svg width="10" height="10"><rect width="10" height="10" rx="2" fill={STATUS_FILL[s]} /></svg>
          {STATUS_LABEL[s]}
        </span>
      ))}
    </p>
  );
}

export function OverTimeChart({ stats }: { stats: DecisionStats }) {
  const data = stats.overTime;
  if (!data.length) return <p className="text-sm text-muted">No decisions in this window.</p>;
  const fmt = (iso: string) => (stats.bucket === "hour" ? iso.slice(5, 13).replace("T", " ") + "h" : iso.slice(0, 10));
  const summary = data.map((d) => `${fmt(d.at)}: ${counts(d)}`).join("; ");
  return (
    <figure className="space-y-2">
      <OverTimeBars label={`Decisions per ${stats.bucket}: ${summary}`} rows={data.map((d) => ({ name: fmt(d.at), allow: d.allow, deny: d.deny, failed: d.failed, timed_out: d.timed_out }))} />
      <Legend />
    </figure>
  );
}

/** One breakdown: its chart, then each value with its total, linking to the table filtered by it. */
export function BreakdownChart({ title, rows, href }: { title: string; rows: ({ value: string } & StatusCounts)[]; href: (value: string) => string }) {
  if (!rows.length) return null;
  return (
    <div className="rounded-lg border border-line p-3">
      <h3 className="mb-2 text-sm font-medium">{title}</h3>
      <BreakdownBars label={`${title}: ${rows.map((r) => `${r.value}: ${counts(r)}`).join("; ")}`} rows={rows.map((r) => ({ name: r.value, allow: r.allow, deny: r.deny, failed: r.failed, timed_out: r.timed_out }))} />
      <ul className="mt-2 space-y-1 text-xs" aria-label={`${title}: filter by value`}>
        {rows.map((r) => (
          <li key={r.value} className="flex justify-between gap-2">
            <Link href={href(r.value)} className="truncate hover:underline" title={r.value}>{r.value}</Link>
            <span className="tabular-nums">{r.total}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const cls = status === "allow" ? "bg-emerald-50 text-emerald-800 border-emerald-200" : status === "deny" ? "bg-rose-50 text-rose-800 border-rose-200" : "bg-amber-50 text-amber-800 border-amber-200";
  return <span className={`rounded border px-1.5 py-0.5 text-xs ${cls}`}>{status === "failed" ? "failed closed" : status.replace("_", " ")}</span>;
}
