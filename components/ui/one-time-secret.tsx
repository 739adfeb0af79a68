"use client";

import { useState } from "react";
import { Check, Copy } from "lucide-react";
import { inputCls, secondaryBtn } from "./styles";

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

/** A freshly created token's secret with the button that dismisses it once copied. */
export function CreatedSecret({ label, value, warning, onDone }: { label: string; value: string; warning: string; onDone: () => void }) {
  return (
    <div role="status" className="space-y-2">
      <OneTimeSecret label={label} value={value} warning={warning} />
      <button type="button" className={secondaryBtn} onClick={onDone}>I have copied it</button>
    </div>
  );
}
