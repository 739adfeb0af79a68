import Link from "next/link";
import type { ReplayImpact } from "@/lib/decisions/replay";

/**
 * The replay of a change request's proposed Auto-review policy on the org's real decisions, beside the sample-library
 * impact: "N of M real decisions flip toward allow / deny", linking to the replay's flips.
 */
export function ReplaySummary({ replay, currentRevision, href }: { replay: ReplayImpact; currentRevision: number; href: string }) {
  const tone = replay.towardAllow > 0 ? "border-amber-300 bg-amber-50" : "border-line";
  const of = `of ${replay.total} real decision${replay.total === 1 ? "" : "s"}`;
  return (
    <section aria-labelledby="replay-heading" data-testid="decision-replay" className={`rounded-lg border p-4 text-sm ${tone}`}>
      <h2 id="replay-heading" className="font-medium">Replay on real decisions</h2>
      <p className="mt-1 text-lg font-semibold" data-testid="replay-toward-allow">{replay.towardAllow} {of} flip toward allow</p>
      <p className="text-muted" data-testid="replay-toward-deny">
        {replay.towardDeny} {of} flip toward deny{replay.running ? ` · still reviewing (${replay.completed} of ${replay.total}), reload for the final numbers` : ""}
      </p>
      {replay.revision !== currentRevision ? <p className="mt-1 text-xs text-muted">Replayed at revision {replay.revision}; the request is at revision {currentRevision}.</p> : null}
      <Link href={href} className="mt-2 inline-block text-accent underline underline-offset-2 hover:no-underline">See which decisions flip</Link>
    </section>
  );
}
