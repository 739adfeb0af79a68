"use client";

import { CircleAlert, Info, TriangleAlert } from "lucide-react";
import type { Diagnostic } from "@/lib/requirements";
import type { Validation } from "./checks";

const ICON = { error: CircleAlert, warning: TriangleAlert, info: Info } as const;
const TONE = { error: "text-danger", warning: "text-amber-700", info: "text-muted" } as const;

/**
 * The engine's findings as a list (for the newest Codex version of the fleet); choosing one moves the editor's cursor
 * there. `result.versions` is every fleet version's verdict: an older version that refuses the file says so. `result`
 * is null until the first check of the text has come back.
 */
export function DiagnosticsList({
  result,
  onSelect,
  codexVersion,
}: {
  result: Validation | null;
  onSelect: (d: Diagnostic) => void;
  codexVersion: string;
}) {
  const diagnostics = result?.diagnostics ?? [];
  const versions = result?.versions;
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.filter((d) => d.severity === "warning").length;
  const olderRefusing = (versions ?? []).filter((v) => v.codexVersion !== codexVersion && !v.valid);
  return (
    <section aria-labelledby="diagnostics-heading" className="space-y-2">
      <h2 id="diagnostics-heading" className="flex items-center gap-2 text-sm font-medium">
        Checks <span className="font-normal text-muted">as Codex {codexVersion} loads the file</span>
        <span className="ml-auto text-xs font-normal" data-testid="validation-summary" role="status">
          {!result ? (
            <span className="text-muted">Checking…</span>
          ) : errors > 0 ? (
            <span className="text-danger">Codex would refuse this file: {errors} error{errors === 1 ? "" : "s"}</span>
          ) : (
            <span className="text-emerald-700">Codex would load this file{warnings ? ` · ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}</span>
          )}
        </span>
      </h2>
      {versions && versions.length > 1 ? (
        <p className="flex flex-wrap gap-x-3 text-xs" data-testid="version-verdicts">
          {versions.map((v) => (
            <span key={v.codexVersion} className={v.valid ? "text-emerald-700" : "text-danger"}>
              Codex {v.codexVersion}: {v.valid ? "loads" : `refuses (${v.errors.length} error${v.errors.length === 1 ? "" : "s"})`}
            </span>
          ))}
        </p>
      ) : null}
      {olderRefusing.map((v) => (
        <ul key={v.codexVersion} className="divide-y divide-line rounded-md border border-red-200 text-xs" data-testid={`diagnostics-${v.codexVersion}`}>
          {v.errors.map((d, i) => (
            <li key={i}>
              <button type="button" onClick={() => onSelect(d)} className="flex w-full items-start gap-2 px-3 py-1.5 text-left hover:bg-panel focus-visible:outline-2 focus-visible:outline-accent">
                <CircleAlert aria-label="error" className="mt-0.5 size-3.5 shrink-0 text-danger" />
                <span className="shrink-0 font-mono text-muted">{d.line}:{d.column}</span>
                <span>Codex {v.codexVersion}: {d.message}</span>
              </button>
            </li>
          ))}
        </ul>
      ))}
      {!result ? null : diagnostics.length === 0 ? (
        <p className="text-xs text-muted">No findings.</p>
      ) : (
        <ul className="max-h-64 divide-y divide-line overflow-y-auto rounded-md border border-line" data-testid="diagnostics">
          {diagnostics.map((d, i) => {
            const Icon = ICON[d.severity];
            return (
              <li key={i}>
                <button type="button" onClick={() => onSelect(d)} className="flex w-full items-start gap-2 px-3 py-1.5 text-left text-xs hover:bg-panel focus-visible:outline-2 focus-visible:outline-accent">
                  <Icon aria-label={d.severity} className={`mt-0.5 size-3.5 shrink-0 ${TONE[d.severity]}`} />
                  <span className="shrink-0 font-mono text-muted">
                    {d.line}:{d.column}
                  </span>
                  <span>{d.message}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
