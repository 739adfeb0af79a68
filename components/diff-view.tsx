import { ShieldAlert, ShieldCheck } from "lucide-react";
import type { ReactNode } from "react";
import type { PolicyDiff } from "@/lib/policies/common";

/** Renders `code spans` of the domain's one-line summaries as <code>. */
export function Ticks({ text }: { text: string }) {
  const parts = text.split(/(`[^`]*`)/g);
  return (
    <>
      {parts.map((p, i) =>
        p.startsWith("`") && p.endsWith("`") && p.length >= 2 ? (
          <code key={i} className="rounded bg-panel px-1 font-mono text-[0.85em]">{p.slice(1, -1)}</code>
        ) : (
          <span key={i}>{p}</span>
        ),
      )}
    </>
  );
}

/** Compact PASS / WIDENS badge for tables. */
export function VerdictBadge({ wider }: { wider: PolicyDiff["wider"] }) {
  const widens = wider.verdict === "WIDENS";
  const Icon = widens ? ShieldAlert : ShieldCheck;
  return (
    <span
      data-testid="verdict-badge"
      title={wider.reasons.join("\n") || "No change gives agents more freedom."}
      className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-semibold ${widens ? "bg-amber-100 text-amber-900" : "bg-emerald-50 text-emerald-800"}`}
    >
      <Icon aria-hidden className="size-3.5" />
      {widens ? "WIDENS" : "PASS"}
      <span className="sr-only">{widens ? `: ${wider.reasons.join("; ")}` : ": the change gives agents no more freedom"}</span>
    </span>
  );
}

/** The verdict with every reason, as a block: the first thing a reviewer reads. */
export function VerdictPanel({ wider }: { wider: PolicyDiff["wider"] }) {
  const widens = wider.verdict === "WIDENS";
  return (
    <section aria-labelledby="verdict-heading" data-testid="verdict"
      className={`rounded-lg border p-4 ${widens ? "border-amber-300 bg-amber-50" : "border-emerald-200 bg-emerald-50/60"}`}>
      <h2 id="verdict-heading" className="flex items-center gap-2 text-sm font-semibold">
        {widens ? <ShieldAlert aria-hidden className="size-4 text-amber-800" /> : <ShieldCheck aria-hidden className="size-4 text-emerald-700" />}
        Wider-access check: <span className={widens ? "text-amber-900" : "text-emerald-800"}>{wider.verdict}</span>
      </h2>
      {widens ? (
        <ul className="mt-2 list-disc space-y-1 pl-6 text-sm">
          {wider.reasons.map((r, i) => (
            <li key={i}><Ticks text={r} /></li>
          ))}
        </ul>
      ) : (
        <p className="mt-1 text-sm text-muted">No change gives agents more freedom than before.</p>
      )}
    </section>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-2">
      <h2 id={id} className="text-sm font-medium">{title}</h2>
      {children}
    </section>
  );
}

/** Verdict, semantic change list and unified text diff of one policy change. */
export function DiffView({ diff, idPrefix = "diff" }: { diff: PolicyDiff; idPrefix?: string }) {
  const { changes, textDiff } = diff;
  return (
    <div className="space-y-5">
      <VerdictPanel wider={diff.wider} />
      <Section id={`${idPrefix}-meaning`} title={`What changes for agents (${changes.length})`}>
        {changes.length === 0 ? (
          <p className="text-sm text-muted">No change in meaning{textDiff.hunks.length ? " (formatting or comments only)" : ""}.</p>
        ) : (
          <ul className="divide-y divide-line rounded-lg border border-line text-sm" data-testid="change-list">
            {changes.map((c, i) => (
              <li key={i} className="flex gap-3 px-3 py-1.5">
                <span className="w-28 shrink-0 text-xs uppercase tracking-wide text-muted">{c.kind.replace(/-/g, " ")}</span>
                <span><Ticks text={c.summary} /></span>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section id={`${idPrefix}-text`} title={`Text (+${textDiff.added} −${textDiff.removed})`}>
        {textDiff.hunks.length === 0 ? (
          <p className="text-sm text-muted">The texts are identical.</p>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-line bg-white" tabIndex={0} role="region" aria-label="Unified text diff">
            <table className="w-full border-collapse font-mono text-[13px] leading-6">
              <caption className="sr-only">Line changes; removed lines are marked minus, added lines plus.</caption>
              {textDiff.hunks.map((h, hi) => (
                <tbody key={hi}>
                  <tr className="bg-panel text-muted">
                    <td colSpan={4} className="px-3">@@ −{h.oldStart},{h.oldLines} +{h.newStart},{h.newLines} @@</td>
                  </tr>
                  {h.lines.map((l, li) => (
                    <tr key={li} className={l.kind === "add" ? "bg-emerald-50" : l.kind === "del" ? "bg-red-50" : undefined}>
                      <td className="w-10 select-none pr-2 text-right text-muted">{l.oldLine ?? ""}</td>
                      <td className="w-10 select-none pr-2 text-right text-muted">{l.newLine ?? ""}</td>
                      <td className="w-5 select-none text-center">
                        <span aria-hidden>{l.kind === "add" ? "+" : l.kind === "del" ? "−" : ""}</span>
                        {l.kind !== "context" ? <span className="sr-only">{l.kind === "add" ? "added" : "removed"}</span> : null}
                      </td>
                      <td className="whitespace-pre pr-3">{l.text || "\u200b"}</td>
                    </tr>
                  ))}
                </tbody>
              ))}
            </table>
          </div>
        )}
      </Section>
    </div>
  );
}
