"use client";

import { TriangleAlert } from "lucide-react";

/** An unexpected failure, branded: what happened, the reference the server logged, and a retry. Never a stack. */
export function ErrorView({ digest, reset }: { digest?: string; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto max-w-md py-16 text-center">
      <TriangleAlert aria-hidden className="mx-auto size-10 text-danger" />
      <p className="mt-3 text-xs font-medium uppercase tracking-wide text-muted">Charter · error</p>
      <h1 className="mt-1 text-xl font-semibold">This page could not be loaded</h1>
      <p className="mt-2 text-sm text-muted">{digest ? `Error reference ${digest}. ` : ""}Try again; if it keeps failing, tell your administrator and quote the reference.</p>
      <button type="button" onClick={reset} className="mt-5 rounded-md border border-line bg-white px-3 py-1.5 text-sm hover:bg-panel focus-visible:outline-2 focus-visible:outline-accent">
        Try again
      </button>
    </div>
  );
}
