"use client";

import { useState } from "react";
import { Check, Copy } from "lucide-react";

// Small shared pieces of the settings sections (plain Tailwind, the shell's colours).
export const inputCls = "rounded-md border border-line bg-white px-2.5 py-1.5 text-sm outline-none focus:border-accent focus:ring-2 focus:ring-accent/20";
export const primaryBtn =
  "rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent/90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent disabled:opacity-60";
export const secondaryBtn = "rounded-md border border-line bg-white px-2.5 py-1 text-sm hover:bg-panel focus-visible:outline-2 focus-visible:outline-accent disabled:opacity-60";
export const dangerBtn = "rounded-md border border-danger/40 bg-white px-2.5 py-1 text-sm text-danger hover:bg-danger/5 focus-visible:outline-2 focus-visible:outline-danger disabled:opacity-60";

/** UTC, minute precision: the same text on the server and in every browser (no hydration drift). */
export function fmt(date: Date | string | null | undefined): string {
  if (!date) return "—";
  return new Date(date).toISOString().slice(0, 16).replace("T", " ");
}

export function ErrorLine({ message }: { message: string | null }) {
  return message ? <p role="alert" className="rounded-md border border-danger/30 bg-danger/5 px-3 py-2 text-sm text-danger">{message}</p> : null;
}

/** A secret shown once: a read-only field to select from and a copy button. */
export function OneTimeSecret({ label, value, warning }: { label: string; value: string; warning: string }) {
  const [copied, setCopied] = useState(false);
  const id = `secret-${label.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3">
      <p className="text-sm font-medium text-amber-900">{warning}</p>
      <label htmlFor={id} className="block text-xs font-medium text-amber-900">{label}</label>
      <div className="flex gap-2">
        <input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} className={`${inputCls} min-w-0 flex-1 font-mono text-xs`} />
        <button type="button" className={secondaryBtn}
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(value);
              setCopied(true);
            } catch {
              setCopied(false); // clipboard refused (insecure origin): the field stays selectable
            }
          }}>
          {copied ? <Check aria-hidden className="inline size-3.5" /> : <Copy aria-hidden className="inline size-3.5" />} {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}

export function Section({ id, title, description, children }: { id: string; title: string; description?: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`} className="space-y-3 rounded-lg border border-line p-5">
      <header>
        <h2 id={`${id}-heading`} className="text-base font-semibold">{title}</h2>
        {description ? <p className="text-sm text-muted">{description}</p> : null}
      </header>
      {children}
    </section>
  );
}
