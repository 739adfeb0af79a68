"use client";

import { useState, useTransition } from "react";
import { updateOrgSettingsAction } from "./actions";
import { ErrorLine } from "@/components/ui/error-line";
import { inputCls, primaryBtn } from "@/components/ui/styles";

export function PublishingForm({ org, approvalsRequired }: { org: string; approvalsRequired: number }) {
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <form className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        const value = Number(new FormData(e.currentTarget).get("approvalsRequired"));
        start(async () => {
          setError(null);
          setSaved(null);
          const r = await updateOrgSettingsAction(org, { approvalsRequired: value });
          if (!r.ok) return setError(r.error.message);
          setSaved(r.data.changed ? "Saved." : "Nothing changed.");
        });
      }}>
      <div className="flex items-end gap-3">
        <div className="space-y-1">
          <label htmlFor="approvals-required" className="block text-xs font-medium">Approvals required to publish</label>
          <input id="approvals-required" name="approvalsRequired" type="number" min={0} max={10} step={1} required defaultValue={approvalsRequired}
            aria-describedby="approvals-hint" className={`${inputCls} w-24`} />
        </div>
        <button type="submit" className={primaryBtn} disabled={pending}>{pending ? "Saving…" : "Save"}</button>
      </div>
      <p id="approvals-hint" className="text-xs text-muted">0 lets admins publish directly; otherwise a change request needs this many approvals, never from its author.</p>
      <ErrorLine message={error} />
      {saved ? <p role="status" className="text-sm text-emerald-700">{saved}</p> : null}
    </form>
  );
}
