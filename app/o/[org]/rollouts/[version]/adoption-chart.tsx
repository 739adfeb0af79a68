/** Hosts per installed version as bars (plain SVG, like the Agents page); the numbers are also text. */
export function AdoptionChart({ data, target }: { data: { version: number | null; hosts: number }[]; target: number }) {
  if (data.length === 0) return <p className="text-sm text-muted">No hosts yet.</p>;
  const max = Math.max(...data.map((d) => d.hosts));
  const row = 28;
  const label = 120;
  const width = 640;
  const summary = data.map((d) => `${d.version === null ? "not reported" : `version ${d.version}`}: ${d.hosts}`).join(", ");
  return (
    <figure className="space-y-2">
      <svg role="img" aria-label={`Hosts per installed version: ${summary}`} viewBox={`0 0 ${width} ${data.length * row}`} className="w-full max-w-3xl" data-testid="adoption-chart">
        {data.map((d, i) => {
          const w = Math.max(2, ((width - label - 60) * d.hosts) / max);
          return (
            <g key={String(d.version)} transform={`translate(0 ${i * row})`}>
              <text x={label - 8} y={row / 2 + 4} textAnchor="end" className="fill-current text-[12px]">{d.version === null ? "not reported" : `v${d.version}${d.version === target ? " (rolling out)" : ""}`}</text>
              <rect x={label} y={5} width={w} height={row - 10} rx={3} className={d.version === null ? "fill-slate-300" : d.version >= target ? "fill-emerald-600" : "fill-amber-500"} />
              <text x={label + w + 6} y={row / 2 + 4} className="fill-current text-[12px] tabular-nums">{d.hosts}</text>
            </g>
          );
        })}
      </svg>
      <figcaption className="text-xs text-muted">Green: the rolled-out version or newer. Amber: older. Grey: not reported yet.</figcaption>
    </figure>
  );
}
