export default function Loading() {
  return (
    <div className="max-w-6xl space-y-3" aria-busy="true">
      <p className="sr-only" role="status">Loading…</p>
      <div className="h-7 w-40 animate-pulse rounded bg-panel" />
      <div className="h-64 animate-pulse rounded-lg bg-panel" />
    </div>
  );
}
