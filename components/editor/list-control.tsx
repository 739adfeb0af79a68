"use client";

import { ArrowDown, ArrowUp } from "lucide-react";

/**
 * An ordered allowlist: checked options in their order (the first is what agents start with), then the rest.
 * "Not set" removes the key, which Codex reads as "no constraint".
 */
export function ListControl({
  name,
  label,
  help,
  options,
  values,
  editable,
  onChange,
}: {
  name: string;
  label: string;
  help: string;
  options: readonly string[];
  values: string[] | undefined;
  editable: boolean;
  onChange: (values: string[] | undefined) => void;
}) {
  const selected = values ?? [];
  const rest = options.filter((o) => !selected.includes(o));
  const move = (index: number, delta: number) => {
    const next = [...selected];
    const [item] = next.splice(index, 1);
    next.splice(index + delta, 0, item);
    onChange(next);
  };
  const headingId = `${name}-label`;
  return (
    <fieldset aria-labelledby={headingId} className="space-y-2" disabled={!editable} data-testid={`list-${name}`}>
      <div className="flex items-baseline justify-between gap-2">
        <legend id={headingId} className="text-sm font-medium">
          <code className="font-mono">{name}</code> <span className="font-normal text-muted">· {label}</span>
        </legend>
        <label className="flex items-center gap-1.5 text-xs text-muted">
          <input type="checkbox" checked={values === undefined} onChange={(e) => onChange(e.target.checked ? undefined : [...options.slice(0, 1)])} />
          Not set
        </label>
      </div>
      <p className="text-xs text-muted">{help}</p>
      {!editable ? (
        <p className="rounded-md bg-panel px-3 py-2 text-xs text-muted">This list holds entries the form cannot show (for example a granular policy); edit it in the TOML editor.</p>
      ) : values === undefined ? null : (
        <ul className="divide-y divide-line rounded-md border border-line">
          {selected.map((v, i) => (
            <li key={v} className="flex items-center gap-2 px-3 py-1.5 text-sm">
              <input type="checkbox" checked aria-label={`Allow ${v}`} onChange={() => onChange(selected.filter((s) => s !== v))} />
              <code className="font-mono">{v}</code>
              {i === 0 ? <span className="rounded bg-accent/10 px-1.5 text-xs font-medium text-accent">default</span> : null}
              <span className="ml-auto flex gap-1">
                <button type="button" aria-label={`Move ${v} up`} disabled={i === 0} onClick={() => move(i, -1)} className="rounded p-0.5 text-muted hover:bg-panel hover:text-ink disabled:opacity-30">
                  <ArrowUp aria-hidden className="size-3.5" />
                </button>
                <button type="button" aria-label={`Move ${v} down`} disabled={i === selected.length - 1} onClick={() => move(i, 1)} className="rounded p-0.5 text-muted hover:bg-panel hover:text-ink disabled:opacity-30">
                  <ArrowDown aria-hidden className="size-3.5" />
                </button>
              </span>
            </li>
          ))}
          {rest.map((v) => (
            <li key={v} className="flex items-center gap-2 px-3 py-1.5 text-sm text-muted">
              <input type="checkbox" checked={false} aria-label={`Allow ${v}`} onChange={() => onChange([...selected, v])} />
              <code className="font-mono">{v}</code>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
