/** While a console page loads: its outline, announced once to screen readers. */
export default function ConsoleLoading() {
  return (
    <div className="max-w-6xl space-y-4" aria-busy="true">
      <p className="sr-only" role="status">Loading…</p>
      <div className="h-7 w-40 animate-pulse rounded bg-panel" />
      <div className="h-16 animate-pulse rounded-lg border border-line bg-panel" />
      <div className="h-64 animate-pulse rounded-lg border border-line bg-panel" />
    </div>
  );
}
