"use client";

/** Unexpected failures of any console page: a plain message, the reference the server logged, and a retry. */
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="max-w-xl rounded-lg border border-danger/30 bg-danger/5 p-5 text-sm">
      <p className="font-medium text-danger">This page could not be loaded.</p>
      <p className="mt-1 text-muted">{error.digest ? `Error reference ${error.digest}. ` : ""}Try again; if it keeps failing, tell your administrator.</p>
      <button type="button" onClick={reset} className="mt-3 rounded-md border border-line bg-white px-2.5 py-1 hover:bg-panel focus-visible:outline-2 focus-visible:outline-accent">
        Try again
      </button>
    </div>
  );
}
