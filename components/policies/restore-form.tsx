"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { RotateCcw } from "lucide-react";
import { restoreAction } from "@/lib/ops/policy-actions";
import { ErrorLine } from "@/components/ui/error-line";

/** The editor keeps unsaved work per org in this browser (components/editor/requirements-editor.tsx). */
const unsavedKey = (org: string) => `charter:draft:${org}`;

/**
 * Restores a version as a new one (or opens a change request when the org requires approvals). The draft becomes the
 * restored text as well; when it held unpublished work (or this browser holds unsaved edits), the admin confirms first.
 */
export function RestoreForm({ org, number, approvalsRequired, draft }: { org: string; number: number; approvalsRequired: number; draft: { revision: number; unpublished: boolean } }) {
  const router = useRouter();
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [done, setDone] = useState<{ text: string; href: string } | null>(null);
  const [pending, start] = useTransition();

  const restore = () =>
    start(async () => {
      setError(null);
      const r = await restoreAction(org, { number, note, draftRevision: draft.revision });
      setConfirming(null);
      if (!r.ok) return setError(r.error.message);
      localStorage.removeItem(unsavedKey(org));
      const what = r.data.kind === "version" ? `Restored version ${number} as version ${r.data.version.number}.` : `Opened change request #${r.data.changeRequest.number} to restore version ${number}.`;
      setDone({
        text: `${what} The draft now equals version ${number}'s text, so the next publish will not bring the rolled-back change back.`,
        href: r.data.kind === "version" ? `/o/${org}/versions/${r.data.version.number}` : `/o/${org}/changes/${r.data.changeRequest.number}`,
      });
      router.refresh();
    });

  const ask = () => {
    const unsaved = localStorage.getItem(unsavedKey(org)) !== null;
    if (!draft.unpublished && !unsaved) return restore();
    const parts = [draft.unpublished ? `unpublished changes (revision ${draft.revision})` : null, unsaved ? "unsaved changes in this browser" : null].filter(Boolean);
    setConfirming(`The draft has ${parts.join(" and ")}. Restoring makes the draft equal version ${number} and discards them.`);
  };

  return (
    <form
      className="space-y-2 rounded-lg border border-line p-4"
      aria-labelledby="restore-heading"
      onSubmit={(e) => {
        e.preventDefault();
        ask();
      }}
    >
      <h2 id="restore-heading" className="text-sm font-medium">Restore version {number}</h2>
      <p className="text-xs text-muted">
        {approvalsRequired > 0
          ? `Opens a change request proposing this text; it needs ${approvalsRequired} approval${approvalsRequired === 1 ? "" : "s"}.`
          : "Publishes this text again as a new version."}{" "}
        The draft becomes this text too.
      </p>
      <label htmlFor="restore-note" className="block text-sm">Why restore it?</label>
      <textarea id="restore-note" required value={note} onChange={(e) => setNote(e.target.value)} rows={2}
        className="w-full rounded-md border border-line px-3 py-2 text-sm outline-none focus:border-accent focus:ring-2 focus:ring-accent/20" />
      <ErrorLine message={error} />
      {confirming ? (
        <div role="alertdialog" aria-labelledby="restore-confirm" className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
          <p id="restore-confirm">{confirming}</p>
          <div className="flex flex-wrap gap-2">
            <button type="button" onClick={restore} disabled={pending} className="rounded-md bg-accent px-3 py-1.5 font-medium text-white disabled:opacity-60">
              {pending ? "Restoring…" : "Restore and replace the draft"}
            </button>
            <button type="button" onClick={() => setConfirming(null)} className="rounded-md border border-line bg-white px-3 py-1.5">Cancel</button>
          </div>
        </div>
      ) : (
        <button type="submit" disabled={pending || note.trim() === ""}
          className="inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent/90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent disabled:opacity-60">
          <RotateCcw aria-hidden className="size-4" /> {pending ? "Restoring…" : approvalsRequired > 0 ? "Propose restore" : "Restore as new version"}
        </button>
      )}
      {done ? (
        <p role="status" className="text-sm text-emerald-800">
          {done.text} <Link href={done.href} className="underline">Open it</Link>
        </p>
      ) : null}
    </form>
  );
}
