export default function Loading() {
  return (
    <div className="max-w-6xl space-y-6" role="status" aria-label="Loading agents">
      <div className="h-7 w-40 animate-pulse rounded bg-panel" />
      {[0, 1].map((i) => <div key={i} className="h-40 animate-pulse rounded-lg border border-line bg-panel" />)}
    </div>
  );
}
