import { highlightToml } from "./toml-highlight";

/** Read-only TOML with line numbers and syntax colours. */
export function TomlView({ source, label }: { source: string; label: string }) {
  const lines = highlightToml(source);
  return (
    <figure className="overflow-hidden rounded-lg border border-line bg-panel">
      <figcaption className="sr-only">{label}</figcaption>
      <pre className="overflow-x-auto py-3 font-mono text-[13px] leading-6" aria-label={label} tabIndex={0}>
        <code>
          {lines.map((tokens, i) => (
            <span key={i} className="flex" data-line={i + 1}>
              <span aria-hidden className="w-12 shrink-0 select-none pr-4 text-right text-muted">
                {i + 1}
              </span>
              <span className="whitespace-pre pr-4">
                {tokens.map((t, j) => (
                  <span key={j} className={t.kind === "text" ? undefined : `tok-${t.kind}`}>
                    {t.text}
                  </span>
                ))}
                {tokens.length === 0 ? "\u200b" : null}
              </span>
            </span>
          ))}
        </code>
      </pre>
    </figure>
  );
}
