"use client";

import { Printer } from "lucide-react";

export function PrintButton() {
  return (
    <button type="button" onClick={() => window.print()} data-print-hide
      className="inline-flex items-center gap-1.5 rounded-md border border-line px-3 py-1.5 text-sm hover:bg-panel focus-visible:outline-2 focus-visible:outline-accent">
      <Printer aria-hidden className="size-4" /> Print
    </button>
  );
}
