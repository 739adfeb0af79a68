/** UTC, minute precision: the same text on the server and in every browser (no hydration drift). */
export function fmt(date: Date | string | null | undefined): string {
  if (!date) return "—";
  return new Date(date).toISOString().slice(0, 16).replace("T", " ");
}

export function Section({ id, title, description, children }: { id: string; title: string; description?: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`} className="space-y-3 rounded-lg border border-line p-5">
      <header>
        <h2 id={`${id}-heading`} className="text-base font-semibold">{title}</h2>
        {description ? <p className="text-sm text-muted">{description}</p> : null}
      </header>
      {children}
    </section>
  );
}
