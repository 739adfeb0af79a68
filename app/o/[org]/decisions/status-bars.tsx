"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { STATUS_FILL, STATUS_LABEL, STATUS_ORDER, type ChartStatus } from "./status-colours";

/*
 * The Decisions page's charts, drawn with recharts in the browser. Each chart is one labelled image (role="img" with
 * every number in its name), so a screen reader gets the data as text and the drawing's own parts stay out of the way.
 */


type Row = { name: string } & Record<ChartStatus, number>;

function Stacked({ rows, layout }: { rows: Row[]; layout: "horizontal" | "vertical" }) {
  const vertical = layout === "vertical";
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows} layout={layout} margin={{ top: 4, right: 12, bottom: 0, left: vertical ? 4 : 0 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" className="stroke-line" />
        {vertical ? (
          <>
            <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis type="category" dataKey="name" width={96} tick={{ fontSize: 11 }} />
          </>
        ) : (
          <>
            <XAxis dataKey="name" tick={{ fontSize: 11 }} />
            <YAxis allowDecimals={false} width={32} tick={{ fontSize: 11 }} />
          </>
        )}
        <Tooltip />
        {STATUS_ORDER.map((s) => (
          <Bar key={s} dataKey={s} name={STATUS_LABEL[s]} stackId="status" fill={STATUS_FILL[s]} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Decisions per hour or day, stacked by outcome. */
export function OverTimeBars({ rows, label }: { rows: Row[]; label: string }) {
  return (
    <div role="img" aria-label={label} className="h-48 w-full max-w-4xl" data-testid="decisions-over-time">
      <Stacked rows={rows} layout="horizontal" />
    </div>
  );
}

/** One breakdown (risk, kind, group, …) as horizontal bars stacked by outcome. */
export function BreakdownBars({ rows, label }: { rows: Row[]; label: string }) {
  return (
    <div role="img" aria-label={label} className="w-full" style={{ height: 36 + rows.length * 26 }}>
      <Stacked rows={rows} layout="vertical" />
    </div>
  );
}
