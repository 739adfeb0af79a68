"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Check, GitMerge, RefreshCw, Undo2, X } from "lucide-react";
import {
  approveAction,
  rejectAction,
  publishChangeRequestAction,
  updateChangeRequestAction,
  withdrawChangeRequestAction,
} from "@/lib/ops/policy-actions";
import { ErrorLine } from "@/components/ui/error-line";

export interface PanelCapabilities {
  decide: boolean;
  /** Why the viewer may not decide (e.g. they wrote it); shown instead of the form. */
  decideNote?: string | null;
  publish: boolean;
  edit: boolean;
  rebase: boolean;
  withdraw: boolean;
}

const button =
  "inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent disabled:opacity-60";

/** What the viewer can do with an open change request: decide, publish, update from the draft, rebase, withdraw. */
export function ChangeRequestPanel({ org, number, revision, can }: { org: string; number: number; revision: number; can: PanelCapabilities }) {
  const router = useRouter();
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();

  function run(work: () => Promise<{ ok: true } | { ok: false; error: { message: string } }>, after?: () => void) {
    setError(null);
    start(async () => {
      const r = await work();
      if (!r.ok) return setError(r.error.message);
      setComment("");
      if (after) after();
      else router.refresh();
    });
  }

  return (
    <section aria-labelledby="actions-heading" className="space-y-3 rounded-lg border border-line p-4" data-testid="change-actions">
      <h2 id="actions-heading" className="text-sm font-medium">Review</h2>
      {can.decide ? (
        <div className="space-y-2">
          <label htmlFor="decision-comment" className="block text-sm">Comment <span className="text-muted">(required to reject)</span></label>
          <textarea id="decision-comment" value={comment} onChange={(e) => setComment(e.target.value)} rows={3}
            className="w-full rounded-md border border-line px-3 py-2 text-sm outline-none focus:border-accent focus:ring-2 focus:ring-accent/20" />
          <div className="flex flex-wrap gap-2">
            <button type="button" disabled={pending} className={`${button} bg-emerald-700 text-white hover:bg-emerald-800`}
              onClick={() => run(() => approveAction(org, { number, comment, revision }))}>
              <Check aria-hidden className="size-4" /> Approve
            </button>
            <button type="button" disabled={pending} className={`${button} border border-danger/40 text-danger hover:bg-danger/5`}
              onClick={() => run(() => rejectAction(org, { number, comment, revision }))}>
              <X aria-hidden className="size-4" /> Reject
            </button>
          </div>
        </div>
      ) : can.decideNote ? (
        <p className="text-sm text-muted">{can.decideNote}</p>
      ) : null}
      <div className="flex flex-wrap gap-2 border-t border-line pt-3">
        {can.publish ? (
          <button type="button" disabled={pending} className={`${button} bg-accent text-white hover:bg-accent/90`}
            onClick={() => run(() => publishChangeRequestAction(org, { number }), () => router.refresh())}>
            <GitMerge aria-hidden className="size-4" /> Publish as new version
          </button>
        ) : null}
        {can.edit ? (
          <button type="button" disabled={pending} className={`${button} border border-line hover:bg-panel`}
            onClick={() => run(() => updateChangeRequestAction(org, { number, fromDraft: true, revision }))}>
            <RefreshCw aria-hidden className="size-4" /> Update from draft
          </button>
        ) : null}
        {can.rebase ? (
          <button type="button" disabled={pending} className={`${button} border border-line hover:bg-panel`}
            onClick={() => run(() => updateChangeRequestAction(org, { number, rebase: true, revision }))}>
            <RefreshCw aria-hidden className="size-4" /> Rebase on current version
          </button>
        ) : null}
        {can.withdraw ? (
          <button type="button" disabled={pending} className={`${button} border border-line text-muted hover:bg-panel hover:text-ink`}
            onClick={() => run(() => withdrawChangeRequestAction(org, { number }))}>
            <Undo2 aria-hidden className="size-4" /> Withdraw
          </button>
        ) : null}
      </div>
      {can.edit ? <p className="text-xs text-muted">Any edit withdraws the decisions made so far; reviewers decide again on the new text.</p> : null}
      <p aria-live="polite" className="sr-only">{pending ? "Working…" : ""}</p>
      <ErrorLine message={error} />
    </section>
  );
}
