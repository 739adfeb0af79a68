import Link from "next/link";
import type { DecisionStats, StatusCounts } from "@/lib/decisions";

/*
 * The Decisions page's charts as plain SVG rendered on the server (no client JavaScript): a stacked series over time
 * and a bar per value of each breakdown. Every chart carries its numbers as text for screen readers.
 */

export const STATUS_COLOURS: Record<keyof Omit<StatusCounts, "total">, string> = {
  allow: "fill-emerald-600",
  deny: "fill-rose-600",
  failed: "fill-amber-500",
  timed_out: "fill-slate-400",
};
const ORDER = ["allow", "deny", "failed", "timed_out"] as const;
const LABEL: Record<(typeof ORDER)[number], string> = { allow: "allow", deny: "deny", failed: "failed (closed)", timed_out: "timed out" };

export function Legend() {
  return (
    <p className="flex flex-wrap gap-3 text-xs text-muted" aria-hidden="true">
      {ORDER.map((s) => (
        <span key={s} className="inline-flex items-center gap-1">
          <svg width="10" height="10"><rect width="10" height="10" rx="2" className={STATUS_COLOURS[s]} /></svg>
          {LABEL[s]}
        </span>
      ))}
    </p>
  );
}

export function OverTimeChart({ stats }: { stats: DecisionStats }) {
  const data = stats.overTime;
  if (!data.length) return <p className="text-sm text-muted">No decisions in this window.</p>;
  const width = 720;
  const height = 160;
  const max = Math.max(...data.map((d) => d.total));
  const slot = width / data.length;
  const bar = Math.max(2, Math.min(28, slot - 2));
  const fmt = (iso: string) => (stats.bucket === "hour" ? iso.slice(5, 13).replace("T", " ") + "h" : iso.slice(0, 10));
  const summary = data.map((d) => `${fmt(d.at)}: ${d.allow} allowed, ${d.deny} denied, ${d.failed} failed, ${d.timed_out} timed out`).join("; ");
  return (
    <figure className="space-y-2">
      <svg role="img" aria-label={`Decisions per ${stats.bucket}: ${summary}`} viewBox={`0 0 ${width} ${height + 18}`} className="w-full max-w-4xl" data-testid="decisions-over-time">
        {data.map((d, i) => {
          let y = height;
          return (
            <g key={d.at} transform={`translate(${i * slot + (slot - bar) / 2} 0)`}>
              {ORDER.map((s) => {
                const h = (d[s] / max) * (height - 4);
                y -= h;
                return h > 0 ? <rect key={s} x={0} y={y} width={bar} height={h} className={STATUS_COLOURS[s]} /> : null;
              })}
              {(data.length <= 12 || i % Math.ceil(data.length / 12) === 0) && (
                <text x={bar / 2} y={height + 14} textAnchor="middle" className="fill-current text-[10px]">{fmt(d.at)}</text>
              )}
            </g>
          );
        })}
      </svg>
      <Legend />
    </figure>
  );
}

/** One breakdown as horizontal stacked bars; each value links to the table filtered by it. */
export function BreakdownChart({ title, rows, href }: { title: string; rows: ({ value: string } & StatusCounts)[]; href: (value: string) => string }) {
  if (!rows.length) return null;
  const max = Math.max(...rows.map((r) => r.total));
  return (
    <div className="rounded-lg border border-line p-3">
      <h3 className="mb-2 text-sm font-medium">{title}</h3>
      <ul className="space-y-1.5 text-xs">
        {rows.map((r) => (
          <li key={r.value} className="grid grid-cols-[8rem_1fr_3rem] items-center gap-2">
            <Link href={href(r.value)} className="truncate hover:underline" title={r.value}>{r.value}</Link>
            <svg role="img" aria-label={`${r.value}: ${r.allow} allowed, ${r.deny} denied, ${r.failed} failed, ${r.timed_out} timed out`} viewBox="0 0 100 8" preserveAspectRatio="none" className="h-2.5 w-full">
              {(() => {
                let x = 0;
                return ORDER.map((s) => {
                  const w = (r[s] / max) * 100;
                  const el = w > 0 ? <rect key={s} x={x} y={0} width={w} height={8} className={STATUS_COLOURS[s]} /> : null;
                  x += w;
                  return el;
                });
              })()}
            </svg>
            <span className="text-right tabular-nums">{r.total}</span>
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
