"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { RotateCcw } from "lucide-react";
import { restoreAction } from "@/lib/ops/policy-actions";
import { ErrorLine } from "@/components/ui/error-line";

/** Restores a version as a new one (or opens a change request when the org requires approvals). */
export function RestoreForm({ org, number, approvalsRequired }: { org: string; number: number; approvalsRequired: number }) {
  const router = useRouter();
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <form
      className="space-y-2 rounded-lg border border-line p-4"
      aria-labelledby="restore-heading"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        start(async () => {
          const r = await restoreAction(org, { number, note });
          if (!r.ok) return setError(r.error.message);
          router.push(r.data.kind === "version" ? `/o/${org}/versions/${r.data.version.number}` : `/o/${org}/changes/${r.data.changeRequest.number}`);
        });
      }}
    >
      <h2 id="restore-heading" className="text-sm font-medium">Restore version {number}</h2>
      <p className="text-xs text-muted">
        {approvalsRequired > 0
          ? `Opens a change request proposing this text; it needs ${approvalsRequired} approval${approvalsRequired === 1 ? "" : "s"}.`
          : "Publishes this text again as a new version. The draft is left as it is."}
      </p>
      <label htmlFor="restore-note" className="block text-sm">Why restore it?</label>
      <textarea id="restore-note" required value={note} onChange={(e) => setNote(e.target.value)} rows={2}
        className="w-full rounded-md border border-line px-3 py-2 text-sm outline-none focus:border-accent focus:ring-2 focus:ring-accent/20" />
      <ErrorLine message={error} />
      <button type="submit" disabled={pending || note.trim() === ""}
        className="inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent/90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent disabled:opacity-60">
        <RotateCcw aria-hidden className="size-4" /> {pending ? "Restoring…" : approvalsRequired > 0 ? "Propose restore" : "Restore as new version"}
      </button>
    </form>
  );
}
