export default function Loading() {
  return (
    <div className="max-w-5xl space-y-6" role="status" aria-label="Loading settings">
      <div className="h-7 w-40 animate-pulse rounded bg-panel" />
      {[0, 1, 2].map((i) => <div key={i} className="h-32 animate-pulse rounded-lg border border-line bg-panel" />)}
    </div>
  );
}
