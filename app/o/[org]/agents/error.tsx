"use client";

export default function AgentsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="max-w-6xl space-y-3">
      <h1 className="text-xl font-semibold">Agents</h1>
      <div role="alert" className="rounded-lg border border-danger/30 bg-danger/5 p-5 text-sm">
        <p className="font-medium text-danger">The fleet could not be loaded.</p>
        <p className="mt-1 text-muted">{error.digest ? `Error reference ${error.digest}. ` : ""}Try again; if it keeps failing, tell your administrator.</p>
        <button type="button" onClick={reset} className="mt-3 rounded-md border border-line bg-white px-2.5 py-1 hover:bg-panel focus-visible:outline-2 focus-visible:outline-accent">Try again</button>
      </div>
    </div>
  );
}
