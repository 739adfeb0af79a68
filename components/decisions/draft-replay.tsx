"use client";

import { memo, useEffect, useState, useTransition } from "react";
import Link from "next/link";
import type { ActionResult } from "@/lib/ops/action";
import type { DraftReplayView } from "@/lib/decisions/draft-replay";
import { draftReplayAction, startDraftReplayAction } from "@/lib/ops/decision-actions";
import { ErrorLine } from "@/components/ui/error-line";
import { secondaryBtn } from "@/components/ui/styles";
import { formatTime } from "@/components/format";
import { ReplaySummary } from "./replay-summary";

/** How often a running replay's progress is read (never per keystroke: only while a replay runs). */
const POLL_MS = 1500;

/**
 * The publish panel's replay of the saved draft on real decisions (lib/decisions/draft-replay.ts decides when it
 * applies and which replay it shows). It reads the server once per saved revision, and every POLL_MS while a replay
 * runs; typing in the editor re-renders nothing here (memo on props that change only on save).
 */
export const DraftReplay = memo(function DraftReplay({ org, revision, dirty }: { org: string; revision: number; dirty: boolean }) {
  const [view, setView] = useState<DraftReplayView | null>(null);
  // The replay this panel started, for the revision it was started on (a later save forgets it).
  const [started, setStarted] = useState<{ revision: number; runId: string } | null>(null);
  const watch = started?.revision === revision ? started.runId : null;
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [pending, start] = useTransition();

  useEffect(() => {
    let live = true;
    void draftReplayAction(org, watch ? { watch } : {}).then((r: ActionResult<DraftReplayView>) => {
      if (!live) return;
      if (r.ok) setView(r.data);
      else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [org, revision, watch, tick]);

  const running = view?.state === "ready" ? view.running : null;
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => setTick((t) => t + 1), POLL_MS);
    return () => clearTimeout(timer);
  }, [running]);

  if (!view || view.state !== "ready") return error ? <ErrorLine message={error} /> : null;
  const base = `/o/${org}`;
  const run = () =>
    start(async () => {
      setError(null);
      const r = await startDraftReplayAction(org, { policy: { source: "draft" }, provider: view.provider });
      if (!r.ok) return setError(r.error.message);
      setStarted({ revision, runId: r.data.runId });
    });
  const saved = `saved revision ${view.revision}`;
  return (
    <div className="space-y-2" data-testid="draft-replay">
      {view.latest ? (
        <ReplaySummary replay={view.latest} currentRevision={view.latest.revision} href={`${base}/decisions/replays/${encodeURIComponent(view.latest.runId)}`} heading="h3">
          <p className="mt-1 text-xs text-muted" data-testid="draft-replay-source">
            The {saved}&apos;s Auto-review policy, exactly: {view.latest.policyLabel}; reviewer {view.latest.reviewer}; started by {view.latest.startedBy}
            {view.latest.finishedAt ? `, finished ${formatTime(view.latest.finishedAt)}` : ""}.
          </p>
        </ReplaySummary>
      ) : (
        <p className="text-xs" data-testid="draft-replay-none">
          The {saved} changes the Auto-review policy, and this organisation has real decisions: replay it on them ({view.provider === "org" ? "with the org's reviewer provider" : "with the baseline rules"}) to see which would now be decided differently.
        </p>
      )}
      {dirty ? <p className="text-xs text-muted">Refers to the {saved}; save to replay your newest text.</p> : null}
      {running ? (
        <p className="text-xs" role="status" data-testid="draft-replay-running">
          Replaying the {saved}: {running.completed} of {running.total} reviewed.{" "}
          <Link className="text-accent underline underline-offset-2 hover:no-underline" href={`${base}/sandbox/runs/${encodeURIComponent(running.runId)}`}>Progress</Link>
        </p>
      ) : (
        <button type="button" className={secondaryBtn} disabled={pending} onClick={run}>
          {pending ? "Starting…" : view.latest ? "Replay again on real decisions" : "Replay on real decisions"}
        </button>
      )}
      {view.failed ? <ErrorLine message={`The replay stopped: ${view.failed.error}`} /> : null}
      <ErrorLine message={error} />
    </div>
  );
});
