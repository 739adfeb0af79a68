import { ShieldAlert, ShieldCheck } from "lucide-react";

/** The PASS / WIDENS verdict of a change, with its reasons on hover and for screen readers. */
export function WiderAccessBadge({ verdict }: { verdict: { verdict: "PASS" | "WIDENS"; reasons: string[] } }) {
  const widens = verdict.verdict === "WIDENS";
  const Icon = widens ? ShieldAlert : ShieldCheck;
  return (
    <span data-testid="wider-access" title={verdict.reasons.join("\n") || "No change gives agents more freedom."}
      className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-semibold ${widens ? "bg-amber-100 text-amber-900" : "bg-emerald-50 text-emerald-800"}`}>
      <Icon aria-hidden className="size-3.5" />
      {widens ? "WIDENS" : "PASS"}
      <span className="sr-only">{widens ? `: ${verdict.reasons.join("; ")}` : ": the change gives agents no more freedom"}</span>
    </span>
  );
}
