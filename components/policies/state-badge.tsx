import type { ChangeRequestState } from "@/lib/policies/changes";

const STYLE: Record<ChangeRequestState, string> = {
  open: "bg-sky-50 text-sky-800",
  approved: "bg-emerald-50 text-emerald-800",
  rejected: "bg-red-50 text-red-800",
  published: "bg-accent/10 text-accent",
  withdrawn: "bg-panel text-muted",
};

export function StateBadge({ state }: { state: ChangeRequestState }) {
  return <span data-testid="cr-state" className={`rounded px-1.5 py-0.5 text-xs font-medium capitalize ${STYLE[state]}`}>{state}</span>;
}
