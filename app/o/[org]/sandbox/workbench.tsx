"use client";

import { useMemo, useState } from "react";
import { useRouter } from "next/navigation";
import type { SampleView } from "@/lib/sandbox";
import { inputCls, primaryBtn, secondaryBtn } from "@/components/ui/styles";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ErrorLine } from "@/components/ui/error-line";
import { useConsoleActions } from "@/components/ui/use-console-actions";
import { deleteSampleAction, startRunAction } from "./actions";
import { SampleEditor } from "./sample-editor";

interface Providers {
  baselineLabel: string;
  org: { baseUrl: string; model: string } | null;
  env: { baseUrl: string; model: string } | null;
}

function summary(s: SampleView): string {
  const a = s.action as Record<string, unknown>;
  if (Array.isArray(a.command)) return (a.command as string[]).join(" ");
  if (typeof a.program === "string") return [a.program, ...((a.argv as string[]) ?? []).slice(1)].join(" ");
  if (a.tool === "apply_patch") return `patch ${(a.files as string[]).join(", ")}`;
  if (a.tool === "network_access") return String(a.target);
  if (a.tool === "mcp_tool_call") return `${a.server}.${a.tool_name}`;
  if (a.tool === "request_permissions") return String(a.reason ?? "permissions");
  return "";
}

/** Sample library with selection, the editor, and the new-run form (the selection feeds the run). */
export function Workbench({ org, samples, canEdit, versions, providers }: { org: string; samples: SampleView[]; canEdit: boolean; versions: { number: number; note: string }[]; providers: Providers }) {
  const router = useRouter();
  const [selected, setSelected] = useState<Set<string>>(() => new Set(samples.map((s) => s.id)));
  const [editing, setEditing] = useState<SampleView | "new" | null>(null);
  const { error, pending, start, run, confirmRow, confirming } = useConsoleActions();
  const [runError, setRunError] = useState<string | null>(null);
  const [source, setSource] = useState<"draft" | "version" | "pasted">("draft");
  const [provider, setProvider] = useState<"baseline" | "org" | "env">("baseline");
  const visible = useMemo(() => samples.filter((s) => selected.has(s.id)), [samples, selected]);
  const allOn = samples.length > 0 && visible.length === samples.length;

  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="space-y-4">
      {canEdit ? (
        <div className="flex gap-2">
          <button type="button" className={secondaryBtn} onClick={() => setEditing("new")}>New sample</button>
        </div>
      ) : null}
      {editing ? <SampleEditor org={org} sample={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
      <ErrorLine message={error} />
      {samples.length === 0 ? (
        <p className="text-sm text-muted">No samples match this filter.</p>
      ) : (
        <div className="max-h-[28rem] overflow-auto rounded-lg border border-line" tabIndex={0} role="region" aria-label="Sample library">
          <table className="w-full text-sm" aria-label="Samples">
            <thead className="sticky top-0 border-b border-line bg-panel text-left text-xs uppercase tracking-wide text-muted">
              <tr>
                <th scope="col" className="px-2 py-2">
                  <input type="checkbox" aria-label="Select all samples shown" checked={allOn} onChange={() => setSelected(allOn ? new Set() : new Set(samples.map((s) => s.id)))} />
                </th>
                {["Name", "Kind", "Action", "Expected", "Tags"].map((h) => <th key={h} scope="col" className="py-2 pr-3 font-medium">{h}</th>)}
                {canEdit ? <th scope="col" className="py-2 pr-2"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {samples.map((s) => (
                <tr key={s.id} className="border-b border-line last:border-0 align-top" data-testid={`sample-${s.name}`}>
                  <td className="px-2 py-1.5"><input type="checkbox" aria-label={`Include ${s.name}`} checked={selected.has(s.id)} onChange={() => toggle(s.id)} /></td>
                  <td className="py-1.5 pr-3 font-medium">{s.name}{s.transcript ? <span className="ml-1 text-xs text-muted" title="Has a transcript">(transcript)</span> : null}</td>
                  <td className="py-1.5 pr-3 font-mono text-xs">{s.kind}</td>
                  <td className="max-w-[22rem] truncate py-1.5 pr-3 font-mono text-xs" title={summary(s)}>{summary(s)}</td>
                  <td className="py-1.5 pr-3">{s.expectedOutcome ?? <span className="text-muted">—</span>}</td>
                  <td className="py-1.5 pr-3 text-xs text-muted">{s.tags.join(", ")}</td>
                  {canEdit ? (
                    <td className="whitespace-nowrap py-1.5 pr-2 text-right">
                      <span className="inline-flex gap-1">
                        {confirming === s.id ? null : <button type="button" className={secondaryBtn} aria-label={`Edit ${s.name}`} onClick={() => setEditing(s)}>Edit</button>}
                        <ConfirmButton {...confirmRow(s.id)}
                          onConfirm={() => run(() => deleteSampleAction(org, { id: s.id }), () => router.refresh())}
                          ariaLabel={`Delete ${s.name}`} confirmLabel="Confirm delete">Delete</ConfirmButton>
                      </span>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {canEdit ? (
        <form aria-labelledby="new-run-heading" className="space-y-3 rounded-lg border border-line p-4"
          onSubmit={(e) => {
            e.preventDefault();
            const data = new FormData(e.currentTarget);
            const policy =
              source === "draft" ? { source: "draft" as const }
              : source === "version" ? { source: "version" as const, number: Number(data.get("version")) }
              : { source: "pasted" as const, text: String(data.get("pasted") ?? "") };
            start(async () => {
              setRunError(null);
              const r = await startRunAction(org, {
                policy,
                provider,
                model: provider === "baseline" ? undefined : String(data.get("model") ?? "") || undefined,
                sampleIds: visible.map((s) => s.id),
                repeat: Number(data.get("repeat") ?? 1),
              });
              if (!r.ok) return setRunError(r.error.message);
              router.push(`/o/${org}/sandbox/runs/${r.data.id}`);
            });
          }}>
          <h3 id="new-run-heading" className="text-sm font-semibold">New run</h3>
          <fieldset className="flex flex-wrap items-center gap-4 text-sm">
            <legend className="mb-1 text-xs font-medium">Policy</legend>
            <label className="flex items-center gap-1.5"><input type="radio" name="source" value="draft" checked={source === "draft"} onChange={() => setSource("draft")} /> Draft</label>
            <label className="flex items-center gap-1.5"><input type="radio" name="source" value="version" checked={source === "version"} onChange={() => setSource("version")} disabled={versions.length === 0} /> Published version</label>
            <label className="flex items-center gap-1.5"><input type="radio" name="source" value="pasted" checked={source === "pasted"} onChange={() => setSource("pasted")} /> Pasted text</label>
          </fieldset>
          {source === "version" ? (
            <div className="space-y-1">
              <label htmlFor="run-version" className="block text-xs font-medium">Version</label>
              <select id="run-version" name="version" className={inputCls}>
                {versions.map((v) => <option key={v.number} value={v.number}>{`Version ${v.number} — ${v.note.slice(0, 60)}`}</option>)}
              </select>
            </div>
          ) : null}
          {source === "pasted" ? (
            <div className="space-y-1">
              <label htmlFor="run-pasted" className="block text-xs font-medium">Policy text (the value of guardian_policy_config)</label>
              <textarea id="run-pasted" name="pasted" rows={8} className={`${inputCls} w-full font-mono text-xs`} placeholder="## Always deny&#10;- …" />
            </div>
          ) : null}
          <div className="flex flex-wrap items-end gap-3">
            <div className="space-y-1">
              <label htmlFor="run-provider" className="block text-xs font-medium">Reviewer</label>
              <select id="run-provider" name="provider" className={inputCls} value={provider} onChange={(e) => setProvider(e.target.value as typeof provider)}>
                <option value="baseline">{providers.baselineLabel}</option>
                {providers.org ? <option value="org">{`Org provider: ${providers.org.baseUrl}`}</option> : null}
                {providers.env ? <option value="env">{`Server environment: ${providers.env.baseUrl}`}</option> : null}
              </select>
            </div>
            {provider !== "baseline" ? (
              <div className="space-y-1">
                <label htmlFor="run-model" className="block text-xs font-medium">Model</label>
                <input id="run-model" name="model" className={`${inputCls} w-56`} defaultValue={(provider === "org" ? providers.org?.model : providers.env?.model) ?? ""} />
              </div>
            ) : null}
            <div className="space-y-1">
              <label htmlFor="run-repeat" className="block text-xs font-medium">Repeat each sample</label>
              <input id="run-repeat" name="repeat" type="number" min={1} max={10} defaultValue={1} className={`${inputCls} w-20`} />
            </div>
            <button type="submit" className={primaryBtn} disabled={pending || visible.length === 0}>{pending ? "Starting…" : `Run ${visible.length} sample${visible.length === 1 ? "" : "s"}`}</button>
          </div>
          {provider === "baseline" ? <p className="text-xs text-muted">The baseline is Charter&apos;s deterministic pattern rules over the action JSON, not a model. Its results are labelled as such.</p> : null}
          <ErrorLine message={runError} />
        </form>
      ) : null}
    </div>
  );
}
