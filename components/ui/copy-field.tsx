"use client";

import { useState } from "react";
import { Check, Copy } from "lucide-react";
import { inputCls, secondaryBtn } from "./styles";

/** A read-only value with a copy button (the whole value is copied, whatever the field shows). */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  const id = `copy-${label.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <div className="space-y-1">
      <label htmlFor={id} id={`${id}-label`} className="block text-xs font-medium">{label}</label>
      <div className="flex gap-2">
        <input id={id} readOnly value={value} data-testid={testId} onFocus={(e) => e.currentTarget.select()} className={`${inputCls} min-w-0 flex-1 font-mono text-xs`} />
        {/* Named "Copy" and described by the label: a name holding the label would make the button a second match for it. */}
        <button type="button" className={secondaryBtn} aria-describedby={`${id}-label`}
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
