"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorLine } from "@/components/ui/error-line";
import { inputCls, primaryBtn, secondaryBtn } from "@/components/ui/styles";
import { useConsoleActions } from "@/components/ui/use-console-actions";
import { createOverlayChangeAction, previewOverlayAction, publishOverlayAction, saveOverlayDraftAction } from "../actions";

interface Finding {
  severity: "error" | "warning" | "info";
  path: string;
  line: number;
  message: string;
  layer: "overlay" | "base" | "composed";
}

interface Preview {
  baseVersion: number | null;
  valid: boolean;
  toml: string;
  sources: Record<string, string>;
  notes: string[];
  findings: Finding[];
  value: Record<string, unknown>;
}

function show(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v);
}

/** Leaf values of the composed file with the layer each came from. */
function rows(p: Preview): { path: string; value: string; layer: string }[] {
  const out: { path: string; value: string; layer: string }[] = [];
  const visit = (v: unknown, path: string) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) visit(x, path ? `${path}.${/^[\w-]+$/.test(k) ? k : JSON.stringify(k)}` : k);
      return;
    }
    out.push({ path, value: show(v), layer: p.sources[path] ?? "—" });
  };
  visit(p.value, "");
  return out;
}

export function OverlayEditor({
  org,
  group,
  initial,
  initialPreview,
  canEdit,
  canPublish,
  approvalsRequired = 0,
}: {
  org: string;
  group: string;
  initial: { toml: string; revision: number };
  initialPreview: Preview;
  canEdit: boolean;
  canPublish: boolean;
  /** When the org requires approvals, the overlay ships through a change request instead of a direct publish. */
  approvalsRequired?: number;
}) {
  const router = useRouter();
  const { error, pending, submit } = useConsoleActions();
  const [toml, setToml] = useState(initial.toml);
  const [revision, setRevision] = useState(initial.revision);
  const [saved, setSaved] = useState(initial.toml);
  const [preview, setPreview] = useState<Preview>(initialPreview);
  const [note, setNote] = useState("");
  const [title, setTitle] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const errors = preview.findings.filter((f) => f.severity === "error");
  return (
    <div className="space-y-4">
      <label className="flex flex-col gap-1 text-sm">
        Overlay of group {group}
        <textarea
          className={`${inputCls} h-56 font-mono text-xs`}
          value={toml}
          onChange={(e) => setToml(e.target.value)}
          readOnly={!canEdit}
          spellCheck={false}
          aria-describedby="overlay-findings"
        />
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className={secondaryBtn} disabled={pending} onClick={() => submit(() => previewOverlayAction(org, { group, toml }), (p) => { setPreview(p as unknown as Preview); setMessage(null); })}>
          Preview composition
        </button>
        {canEdit ? (
          <button
            type="button"
            className={secondaryBtn}
            disabled={pending || toml === saved}
            onClick={() =>
              submit(
                () => saveOverlayDraftAction(org, { group, toml, baseRevision: revision }),
                (r) => {
                  setRevision(r.revision);
                  setSaved(toml);
                  setMessage(`Draft saved (revision ${r.revision}).`);
                  void previewOverlayAction(org, { group, toml }).then((p) => p.ok && setPreview(p.data as unknown as Preview));
                },
              )
            }
          >
            Save draft
          </button>
        ) : null}
        {approvalsRequired > 0 && canEdit ? (
          <>
            <input className={`${inputCls} min-w-48`} aria-label="Change request title" placeholder="Title" value={title} onChange={(e) => setTitle(e.target.value)} />
            <input className={`${inputCls} min-w-64`} aria-label="Change request note" placeholder="Why" value={note} onChange={(e) => setNote(e.target.value)} />
            <button
              type="button"
              className={primaryBtn}
              disabled={pending || toml !== saved || title.trim() === "" || note.trim() === ""}
              onClick={() => submit(() => createOverlayChangeAction(org, { group, title, note }), (cr) => router.push(`/o/${org}/groups/${encodeURIComponent(group)}/changes/${cr.number}`))}
            >
              Open change request
            </button>
          </>
        ) : null}
        {canPublish && approvalsRequired === 0 ? (
          <>
            <input className={`${inputCls} min-w-64`} aria-label="Publish note" placeholder="Why (publish note)" value={note} onChange={(e) => setNote(e.target.value)} />
            <button
              type="button"
              className={primaryBtn}
              disabled={pending || toml !== saved || note.trim() === ""}
              onClick={() =>
                submit(
                  () => publishOverlayAction(org, { group, note, baseRevision: revision }),
                  (v) => {
                    setMessage(`Published overlay version ${v.number}.`);
                    setNote("");
                    router.refresh();
                  },
                )
              }
            >
              Publish overlay
            </button>
          </>
        ) : null}
      </div>
      {toml !== saved ? <p className="text-xs text-muted">Unsaved changes: save the draft before publishing.</p> : null}
      {message ? <p role="status" className="text-sm text-emerald-700">{message}</p> : null}
      <ErrorLine message={error} />
      <div id="overlay-findings" aria-live="polite" className="space-y-1">
        <p className="text-sm font-medium" data-testid="composition-verdict">
          {preview.valid ? `Codex would load the composed file (base version ${preview.baseVersion ?? "none"} + this overlay).` : `Codex would refuse the composed file: ${errors.length} error${errors.length === 1 ? "" : "s"}.`}
        </p>
        <ul className="space-y-1 text-sm" aria-label="Findings">
          {preview.findings.map((f, i) => (
            <li key={i} className={f.severity === "error" ? "text-danger" : "text-muted"}>
              {f.layer === "overlay" ? `overlay line ${f.line}` : f.layer === "base" ? `base line ${f.line}` : "composed file"} · {f.severity}: {f.message}
            </li>
          ))}
        </ul>
        {preview.notes.length ? (
          <ul className="list-disc pl-5 text-xs text-muted" aria-label="Composition notes">
            {preview.notes.map((n, i) => <li key={i}>{n}</li>)}
          </ul>
        ) : null}
      </div>
      <details open>
        <summary className="cursor-pointer text-sm font-medium">Effective values and their layer</summary>
        <div className="mt-2 overflow-x-auto" tabIndex={0} role="region" aria-label="Effective values, scrolls sideways">
          <table className="w-full text-xs" aria-label="Effective values">
            <thead className="text-left text-muted">
              <tr><th className="py-1">Key</th><th>Value</th><th>Layer</th></tr>
            </thead>
            <tbody>
              {rows(preview).map((r) => (
                <tr key={r.path} className="border-t border-line">
                  <td className="py-1 font-mono">{r.path}</td>
                  <td className="font-mono">{r.value}</td>
                  <td>{r.layer}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <details>
        <summary className="cursor-pointer text-sm font-medium">Composed file</summary>
        <pre tabIndex={0} role="region" aria-label="Composed file, scrolls" className="mt-2 overflow-auto rounded-md bg-panel p-3 text-xs" data-testid="composed-file">{preview.toml}</pre>
      </details>
    </div>
  );
}
