"use client";

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface AdoptionDay {
  day: string;
  versions: Record<string, number>;
}

const PALETTE = ["#059669", "#d97706", "#2563eb", "#7c3aed", "#db2777", "#0891b2", "#65a30d", "#9ca3af"];

/**
 * Adoption of each version over time: per day, the hosts that checked in counted by the version they had installed,
 * stacked. The newest version is green; the same numbers are in a table for screen readers and for reading exactly.
 */
export function AdoptionChart({ data, currentVersion }: { data: AdoptionDay[]; currentVersion: number | null }) {
  if (data.length === 0) {
    return <p className="text-sm text-muted">No check-ins yet. Hosts running <code className="font-mono">charter-agent</code> report here after their first cycle.</p>;
  }
  const keys = [...new Set(data.flatMap((d) => Object.keys(d.versions)))].sort((a, b) => (a === "none" ? 1 : b === "none" ? -1 : Number(b) - Number(a)));
  const rows = data.map((d) => ({ day: d.day, ...Object.fromEntries(keys.map((k) => [k, d.versions[k] ?? 0])) }));
  const label = (k: string) => (k === "none" ? "nothing installed" : `v${k}${Number(k) === currentVersion ? " (current)" : ""}`);
  const summary = data.at(-1)!;
  return (
    <figure className="space-y-2" data-testid="adoption-chart">
      <div className="h-64 w-full" aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" className="stroke-line" />
            <XAxis dataKey="day" tick={{ fontSize: 12 }} />
            <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={40} />
            <Tooltip />
            <Legend />
            {keys.map((k, i) => (
              <Area key={k} type="monotone" dataKey={k} name={label(k)} stackId="hosts" isAnimationActive={false}
                stroke={k === "none" ? PALETTE[7] : PALETTE[i % 7]} fill={k === "none" ? PALETTE[7] : PALETTE[i % 7]} fillOpacity={0.35} />
            ))}
          </AreaChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs text-muted">
        Hosts per installed version, per day (UTC), as they checked in. Latest day {summary.day}:{" "}
        {keys.filter((k) => summary.versions[k]).map((k) => `${label(k)} ${summary.versions[k]}`).join(", ")}.
      </figcaption>
      <details className="text-sm">
        <summary className="cursor-pointer text-muted">Adoption as a table</summary>
        <table className="mt-2 text-sm" aria-label="Adoption of each version per day">
          <thead>
            <tr><th scope="col" className="pr-4 text-left">Day</th>{keys.map((k) => <th key={k} scope="col" className="pr-4 text-right">{label(k)}</th>)}</tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.day}><td className="pr-4">{d.day}</td>{keys.map((k) => <td key={k} className="pr-4 text-right tabular-nums">{d.versions[k] ?? 0}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
