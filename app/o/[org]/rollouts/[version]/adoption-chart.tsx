"use client";

import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/**
 * Hosts per installed version (recharts bars): green for the rolled-out version or newer, amber for older, grey for
 * hosts that reported nothing yet. The same numbers are in the caption, for screen readers and for reading exactly.
 */
export function AdoptionChart({ data, target }: { data: { version: number | null; hosts: number }[]; target: number }) {
  if (data.length === 0) return <p className="text-sm text-muted">No hosts yet.</p>;
  const label = (v: number | null) => (v === null ? "not reported" : `v${v}${v === target ? " (rolling out)" : ""}`);
  const rows = data.map((d) => ({ name: label(d.version), hosts: d.hosts, colour: d.version === null ? "#9ca3af" : d.version >= target ? "#059669" : "#d97706" }));
  return (
    <figure className="space-y-2" data-testid="adoption-chart">
      <div className="h-48 w-full max-w-3xl" aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 24, bottom: 0, left: 24 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" className="stroke-line" />
            <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
            <YAxis type="category" dataKey="name" width={110} tick={{ fontSize: 12 }} />
            <Tooltip />
            <Bar dataKey="hosts" name="hosts" isAnimationActive={false}>
              {rows.map((r) => <Cell key={r.name} fill={r.colour} />)}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs text-muted">
        Hosts per installed version: {data.map((d) => `${label(d.version)} ${d.hosts}`).join(", ")}. Green: the rolled-out version or newer; amber: older; grey: not reported yet.
      </figcaption>
    </figure>
  );
}
