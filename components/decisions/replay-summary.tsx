import type { ReactNode } from "react";
import Link from "next/link";
import type { ReplayImpact } from "@/lib/decisions/replay";

/**
 * A replay of a proposed Auto-review policy on the org's real decisions: "N of M real decisions flip toward allow /
 * deny", linking to the replay's flips. Shown beside a change request's sample-library impact, and on the publish panel
 * of the Requirements editor for the saved draft (`currentRevision` there is the replay's own: no "replayed at" note).
 */
export function ReplaySummary({ replay, currentRevision, href, heading: Heading = "h2", children }: { replay: ReplayImpact; currentRevision: number; href: string; heading?: "h2" | "h3"; children?: ReactNode }) {
  const tone = replay.towardAllow > 0 ? "border-amber-300 bg-amber-50" : "border-line";
  const of = `of ${replay.total} real decision${replay.total === 1 ? "" : "s"}`;
  return (
    <section aria-labelledby={`replay-heading-${replay.runId}`} data-testid="decision-replay" className={`rounded-lg border p-4 text-sm ${tone}`}>
      <Heading id={`replay-heading-${replay.runId}`} className="font-medium">Replay on real decisions</Heading>
      <p className="mt-1 text-lg font-semibold" data-testid="replay-toward-allow">{replay.towardAllow} {of} flip toward allow</p>
      <p className="text-muted" data-testid="replay-toward-deny">
        {replay.towardDeny} {of} flip toward deny{replay.running ? ` · still reviewing (${replay.completed} of ${replay.total}), reload for the final numbers` : ""}
      </p>
      {replay.revision !== currentRevision ? <p className="mt-1 text-xs text-muted">Replayed at revision {replay.revision}; the request is at revision {currentRevision}.</p> : null}
      {children}
      <Link href={href} className="mt-2 inline-block text-accent underline underline-offset-2 hover:no-underline">See which decisions flip</Link>
    </section>
  );
}
