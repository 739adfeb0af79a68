"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { approveAction, rejectAction, withdrawChangeRequestAction } from "@/lib/ops/policy-actions";
import { ErrorLine } from "@/components/ui/error-line";
import { useConsoleActions } from "@/components/ui/use-console-actions";
import { inputCls, primaryBtn, secondaryBtn } from "@/components/ui/styles";
import { publishOverlayChangeAction, updateOverlayChangeAction } from "../../../actions";

/**
 * Review of an open overlay change request: decide (never on your own), publish once approved, update from the
 * group's newer overlay draft or rebase on its current overlay (both withdraw earlier decisions), withdraw.
 */
export function OverlayChangePanel({
  org,
  group,
  number,
  revision,
  can,
}: {
  org: string;
  group: string;
  number: number;
  revision: number;
  can: { decide: boolean; decideNote: string | null; publish: boolean; edit: boolean; rebase: boolean; withdraw: boolean };
}) {
  const router = useRouter();
  const [comment, setComment] = useState("");
  const { error, pending, submit } = useConsoleActions();
  const done = () => {
    setComment("");
    router.refresh();
  };
  return (
    <section aria-labelledby="review-heading" className="space-y-3 rounded-lg border border-line p-4 text-sm" data-testid="overlay-change-actions">
      <h2 id="review-heading" className="font-medium">Review</h2>
      {can.decide ? (
        <div className="space-y-2">
          <label className="flex flex-col gap-1">
            Comment <span className="text-muted">(required to reject)</span>
            <textarea className={`${inputCls} h-20`} value={comment} onChange={(e) => setComment(e.target.value)} />
          </label>
          <div className="flex flex-wrap gap-2">
            <button type="button" className={primaryBtn} disabled={pending} onClick={() => submit(() => approveAction(org, { number, comment, revision }), done)}>Approve</button>
            <button type="button" className={secondaryBtn} disabled={pending} onClick={() => submit(() => rejectAction(org, { number, comment, revision }), done)}>Reject</button>
          </div>
        </div>
      ) : can.decideNote ? (
        <p className="text-muted">{can.decideNote}</p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        {can.publish ? (
          <button type="button" className={primaryBtn} disabled={pending} onClick={() => submit(() => publishOverlayChangeAction(org, { group, number }), () => router.refresh())}>
            Publish overlay
          </button>
        ) : null}
        {can.edit ? (
          <button type="button" className={secondaryBtn} disabled={pending} onClick={() => submit(() => updateOverlayChangeAction(org, { group, number, fromDraft: true, revision }), done)}>
            Update from overlay draft
          </button>
        ) : null}
        {can.rebase ? (
          <button type="button" className={secondaryBtn} disabled={pending} onClick={() => submit(() => updateOverlayChangeAction(org, { group, number, rebase: true, revision }), done)}>
            Rebase on current overlay
          </button>
        ) : null}
        {can.withdraw ? (
          <button type="button" className={secondaryBtn} disabled={pending} onClick={() => submit(() => withdrawChangeRequestAction(org, { number }), () => router.refresh())}>
            Withdraw
          </button>
        ) : null}
      </div>
      {can.edit ? <p className="text-xs text-muted">Any edit withdraws the decisions made so far; reviewers decide again on the new overlay.</p> : null}
      <ErrorLine message={error} />
    </section>
  );
}
