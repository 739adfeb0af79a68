"use client";

import { useState } from "react";
import { Check, Copy } from "lucide-react";

/**
 * Copies `value` to the clipboard and says so. Where the browser refuses (an insecure origin), the full value is
 * still selectable next to the button, so nothing is ever only in a tooltip.
 */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "refused">("idle");
  return (
    <button type="button" aria-label={label} title={label}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
          setState("copied");
        } catch {
          setState("refused");
        }
      }}
      className="inline-flex items-center gap-1 rounded border border-line px-1.5 py-0.5 text-xs text-muted hover:bg-panel hover:text-ink focus-visible:outline-2 focus-visible:outline-accent">
      {state === "copied" ? <Check aria-hidden className="size-3.5" /> : <Copy aria-hidden className="size-3.5" />}
      <span role="status">{state === "copied" ? "Copied" : state === "refused" ? "Select and copy" : "Copy"}</span>
    </button>
  );
}
