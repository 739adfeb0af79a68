export default function Loading() {
  return (
    <div className="max-w-6xl space-y-4" role="status" aria-label="Loading the audit log">
      <div className="h-7 w-40 animate-pulse rounded bg-panel" />
      <div className="h-16 animate-pulse rounded-lg border border-line bg-panel" />
      <div className="h-72 animate-pulse rounded-lg border border-line bg-panel" />
    </div>
  );
}
