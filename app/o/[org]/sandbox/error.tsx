"use client";

/** Unexpected failures of these pages: a plain message and a retry, never a stack trace. */
export default function AreaError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="max-w-xl rounded-lg border border-danger/30 bg-danger/5 p-4 text-sm">
      <p className="font-medium text-danger">This page could not be loaded.</p>
      <button type="button" onClick={reset} className="mt-2 rounded-md border border-line bg-white px-3 py-1 focus-visible:outline-2 focus-visible:outline-accent">Try again</button>
    </div>
  );
}
