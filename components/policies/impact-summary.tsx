import Link from "next/link";
import type { ImpactView } from "@/lib/sandbox/impact";

/**
 * What the proposed Auto-review policy changes on the org's sample library, shown beside the approval buttons so an
 * approver reads "N decisions flip toward allow" before deciding.
 */
export function ImpactSummary({ impact, currentRevision, href }: { impact: ImpactView; currentRevision: number; href: string }) {
  const { comparison: c, towardAllow, towardDeny, running } = impact;
  const abstained = c.b.counts.abstained;
  const tone = towardAllow > 0 ? "border-amber-300 bg-amber-50" : "border-line";
  return (
    <section aria-labelledby="impact-heading" data-testid="impact" className={`rounded-lg border p-4 text-sm ${tone}`}>
      <h2 id="impact-heading" className="font-medium">Impact on the sample library</h2>
      <p className="mt-1 text-lg font-semibold" data-testid="impact-toward-allow">
        {towardAllow} decision{towardAllow === 1 ? "" : "s"} flip toward allow
      </p>
      <p className="text-muted">
        {towardDeny} toward deny · {c.shared} samples · {c.b.provider === "baseline" ? "baseline rules" : c.b.model}
        {abstained ? ` · ${abstained} need a model (baseline abstained)` : ""}
        {running ? " · still reviewing, reload for the final numbers" : ""}
      </p>
      {impact.revision !== currentRevision ? <p className="mt-1 text-xs text-muted">Measured on revision {impact.revision}; the request is at revision {currentRevision}.</p> : null}
      <Link href={href} className="mt-2 inline-block text-accent underline underline-offset-2 hover:no-underline">Compare current → proposed, sample by sample</Link>
    </section>
  );
}
