"use client";

import { useState, useTransition } from "react";
import { updateOrgSettingsAction } from "./actions";
import { ErrorLine } from "@/components/ui/error-line";
import { primaryBtn } from "@/components/ui/styles";

/** Owners pick the Codex versions policies are checked against; none ticked = the versions the hosts report. */
export function CodexVersionsForm({ org, known, chosen }: { org: string; known: readonly string[]; chosen: readonly string[] }) {
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        const codexVersions = new FormData(e.currentTarget).getAll("codexVersions").map(String);
        start(async () => {
          setError(null);
          setSaved(null);
          const r = await updateOrgSettingsAction(org, { codexVersions });
          if (!r.ok) return setError(r.error.message);
          setSaved(r.data.changed ? "Saved." : "Nothing changed.");
        });
      }}
    >
      <fieldset className="flex flex-wrap gap-4" aria-describedby="codex-versions-hint">
        <legend className="mb-1 text-xs font-medium">Check policies as</legend>
        {known.map((v) => (
          <label key={v} className="flex items-center gap-1 text-sm">
            <input type="checkbox" name="codexVersions" value={v} defaultChecked={chosen.includes(v)} /> Codex {v}
          </label>
        ))}
      </fieldset>
      <p id="codex-versions-hint" className="text-xs text-muted">
        None ticked: the versions your hosts report, each checked as the nearest version Charter knows (every known version until a host reports).
      </p>
      <button type="submit" className={primaryBtn} disabled={pending}>{pending ? "Saving…" : "Save"}</button>
      <ErrorLine message={error} />
      {saved ? <p role="status" className="text-sm text-emerald-700">{saved}</p> : null}
    </form>
  );
}
