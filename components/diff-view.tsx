import { ShieldAlert, ShieldCheck, ShieldQuestion } from "lucide-react";
import type { ReactNode } from "react";
import type { PolicyDiff } from "@/lib/policies/common";
import type { PolicySectionChange, Verdict } from "@/lib/policies/verdict";

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

const VERDICT_STYLE = {
  PASS: { Icon: ShieldCheck, badge: "bg-emerald-50 text-emerald-800", panel: "border-emerald-200 bg-emerald-50/60", text: "text-emerald-800", icon: "text-emerald-700" },
  WIDENS: { Icon: ShieldAlert, badge: "bg-amber-100 text-amber-900", panel: "border-amber-300 bg-amber-50", text: "text-amber-900", icon: "text-amber-800" },
  REVIEW: { Icon: ShieldQuestion, badge: "bg-sky-100 text-sky-900", panel: "border-sky-300 bg-sky-50", text: "text-sky-900", icon: "text-sky-800" },
} as const;

const PASS_TEXT = "No change gives agents more freedom than before.";

/** Compact PASS / WIDENS / REVIEW badge for tables. */
export function VerdictBadge({ wider }: { wider: Verdict }) {
  const style = VERDICT_STYLE[wider.verdict];
  return (
    <span
      data-testid="verdict-badge"
      title={wider.reasons.join("\n") || PASS_TEXT}
      className={`verdict-badge inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-semibold ${style.badge}`}
    >
      <style.Icon aria-hidden className="size-3.5" />
      {wider.verdict}
      <span className="sr-only">{wider.verdict === "PASS" ? `: ${PASS_TEXT}` : `: ${wider.reasons.join("; ")}`}</span>
    </span>
  );
}

/** The changed sections of the Auto-review policy, before and after side by side (stacked on a narrow screen). */
export function PolicySections({ sections }: { sections: readonly PolicySectionChange[] }) {
  return (
    <ul className="mt-3 space-y-3" data-testid="policy-sections">
      {sections.map((s) => (
        <li key={s.section} className="space-y-1">
          <h3 className="text-sm font-medium">{s.section}</h3>
          <div className="grid gap-2 md:grid-cols-2">
            {([["Before", s.before], ["After", s.after]] as const).map(([label, body]) => (
              <div key={label} className="min-w-0 rounded-md border border-line bg-white/70 p-2">
                <p className="text-xs font-medium text-muted">{label}</p>
                <pre className="whitespace-pre-wrap break-words font-mono text-xs">{body ?? (label === "Before" ? "(section not present)" : "(section removed)")}</pre>
              </div>
            ))}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** The verdict with every reason, as a block: the first thing a reviewer reads. */
export function VerdictPanel({ wider, idPrefix = "diff", label }: { wider: Verdict; idPrefix?: string; label?: string }) {
  const style = VERDICT_STYLE[wider.verdict];
  return (
    <section aria-labelledby={`${idPrefix}-verdict`} data-testid="verdict" className={`rounded-lg border p-4 ${style.panel}`}>
      <h2 id={`${idPrefix}-verdict`} className="flex items-center gap-2 text-sm font-semibold">
        <style.Icon aria-hidden className={`size-4 ${style.icon}`} />
        Wider-access check: <span className={style.text}>{wider.verdict}</span>
        <Of label={label} />
      </h2>
      {wider.verdict === "PASS" ? (
        <p className="mt-1 text-sm text-muted">{PASS_TEXT}</p>
      ) : (
        <ul className="mt-2 list-disc space-y-1 pl-6 text-sm">
          {wider.reasons.map((r, i) => (
            <li key={i}><Ticks text={r} /></li>
          ))}
        </ul>
      )}
      {wider.policySections && wider.policySections.length > 0 ? (
        <details open={wider.verdict === "REVIEW"} className="mt-2 text-sm">
          <summary className="cursor-pointer font-medium">Auto-review policy: {wider.policySections.length} changed section{wider.policySections.length === 1 ? "" : "s"}</summary>
          <PolicySections sections={wider.policySections} />
        </details>
      ) : null}
    </section>
  );
}

/** Names a landmark after its entry for screen readers, where a page shows several diffs (the compliance report). */
function Of({ label }: { label?: string }) {
  return label ? <span className="sr-only">, {label}</span> : null;
}

function Section({ id, title, label, children }: { id: string; title: string; label?: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-2">
      <h2 id={id} className="text-sm font-medium">{title}<Of label={label} /></h2>
      {children}
    </section>
  );
}

/** Verdict, semantic change list and unified text diff of one policy change. */
export function DiffView({ diff, idPrefix = "diff", label }: { diff: PolicyDiff; idPrefix?: string; label?: string }) {
  const { changes, textDiff } = diff;
  return (
    <div className="space-y-5">
      <VerdictPanel wider={diff.wider} idPrefix={idPrefix} label={label} />
      <Section id={`${idPrefix}-meaning`} title={`What changes for agents (${changes.length})`} label={label}>
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
      <Section id={`${idPrefix}-text`} title={`Text (+${textDiff.added} −${textDiff.removed})`} label={label}>
        {textDiff.hunks.length === 0 ? (
          <p className="text-sm text-muted">The texts are identical.</p>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-line bg-white" tabIndex={0} role="region" aria-label={label ? `Unified text diff, ${label}` : "Unified text diff"}>
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
