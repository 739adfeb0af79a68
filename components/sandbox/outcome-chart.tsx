"use client";

import { Bar, BarChart, Cell, LabelList, ResponsiveContainer, XAxis, YAxis } from "recharts";
import type { ReviewStatus } from "@/lib/guardian/providers";
import { STATUS_FILL, STATUS_LABEL } from "./ui";

const ORDER: ReviewStatus[] = ["allow", "deny", "abstained", "failed_closed", "timed_out"];

/** Outcome counts of a run as horizontal bars (recharts), coloured like the badges; the numbers are in the label too. */
export function OutcomeChart({ counts, label }: { counts: Record<ReviewStatus, number>; label: string }) {
  const rows = ORDER.map((s) => ({ status: s, name: STATUS_LABEL[s], count: counts[s] }));
  return (
    <figure className="space-y-1" aria-label={label}>
      <div role="img" aria-label={`${label}: ${rows.map((r) => `${r.name} ${r.count}`).join(", ")}`} className="h-32 w-full max-w-sm">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} layout="vertical" margin={{ top: 0, right: 32, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <XAxis type="number" hide allowDecimals={false} domain={[0, (max: number) => Math.max(1, max)]} />
            <YAxis type="category" dataKey="name" width={110} tick={{ fontSize: 11, fill: "currentColor" }} axisLine={false} tickLine={false} />
            <Bar dataKey="count" isAnimationActive={false} radius={2} barSize={14}>
              {rows.map((r) => <Cell key={r.status} fill={STATUS_FILL[r.status]} />)}
              <LabelList dataKey="count" position="right" fontSize={11} fill="currentColor" />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
