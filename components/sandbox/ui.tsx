import type { ReviewStatus } from "@/lib/guardian/providers";

// Small shared pieces of the sandbox pages (plain Tailwind, the shell's colours). No data access.
export { dangerBtn, inputCls, primaryBtn, secondaryBtn } from "@/components/ui/styles";
export const linkCls = "text-accent underline underline-offset-2 hover:no-underline";

/** UTC, second precision: the same text on the server and in every browser. */
export function fmtTime(date: Date | string | null | undefined): string {
  if (!date) return "—";
  return `${new Date(date).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export const STATUS_LABEL: Record<ReviewStatus, string> = {
  allow: "allow",
  deny: "deny",
  failed_closed: "fail-closed deny",
  timed_out: "timed out",
  abstained: "needs a model",
};

export const STATUS_HINT: Record<ReviewStatus, string> = {
  allow: "The reviewer allowed the action.",
  deny: "The reviewer denied the action.",
  failed_closed: "The review failed (HTTP error, unreachable provider or unparsable answer); Codex denies the action then.",
  timed_out: "The review did not finish in time; Codex does not run the action, and the timeout is not a judgement.",
  abstained: "The baseline abstained: no rule it can name decides this action, so it takes a model's judgement. Not a decision.",
};

const STATUS_CLS: Record<ReviewStatus, string> = {
  allow: "border-emerald-700/30 bg-emerald-50 text-emerald-900",
  deny: "border-danger/40 bg-danger/5 text-danger",
  failed_closed: "border-amber-700/50 bg-amber-50 text-amber-900 border-dashed",
  timed_out: "border-slate-500/50 bg-slate-100 text-slate-800 border-dotted",
  abstained: "border-sky-700/40 bg-sky-50 text-sky-900 border-dashed",
};

/** Fill colours of the outcome chart, matching the badges. */
export const STATUS_FILL: Record<ReviewStatus, string> = { allow: "#047857", deny: "#b91c1c", failed_closed: "#b45309", timed_out: "#64748b", abstained: "#0369a1" };

export function OutcomeBadge({ status }: { status: ReviewStatus }) {
  return (
    <span data-testid="outcome-badge" data-status={status} title={STATUS_HINT[status]} className={`inline-block whitespace-nowrap rounded border px-1.5 py-0.5 text-xs font-medium ${STATUS_CLS[status]}`}>
      {STATUS_LABEL[status]}
    </span>
  );
}

export function BaselineNote({ className = "" }: { className?: string }) {
  return (
    <p data-testid="baseline-label" className={`rounded-md border border-amber-700/30 bg-amber-50 px-3 py-2 text-sm text-amber-950 ${className}`}>
      <strong>Baseline (built-in rules, no model).</strong> These decisions come from Charter&apos;s deterministic rules, not from Codex&apos;s
      reviewer model. The baseline decides only what a named rule justifies (its risk rules with Codex&apos;s default thresholds, and policy
      lines that name the action in a <code>`code span`</code>) and abstains with &ldquo;needs a model&rdquo; on everything that takes judgement.
      Configure a provider to see what a model decides.
    </p>
  );
}

/** Outcome counts as horizontal bars: a small chart beside the numbers, drawn without a chart library. */
export function OutcomeChart({ counts, label }: { counts: Record<ReviewStatus, number>; label: string }) {
  const order: ReviewStatus[] = ["allow", "deny", "abstained", "failed_closed", "timed_out"];
  const max = Math.max(1, ...order.map((s) => counts[s]));
  return (
    <figure className="space-y-1" aria-label={label}>
      <svg role="img" aria-label={`${label}: ${order.map((s) => `${STATUS_LABEL[s]} ${counts[s]}`).join(", ")}`} viewBox="0 0 320 115" className="h-28 w-full max-w-sm">
        {order.map((s, i) => (
          <g key={s} transform={`translate(0 ${i * 23})`}>
            <text x="0" y="14" fontSize="11" fill="currentColor">{STATUS_LABEL[s]}</text>
            <rect x="110" y="3" height="14" width={Math.max(counts[s] ? 2 : 0, (counts[s] / max) * 170)} fill={STATUS_FILL[s]} rx="2" />
            <text x={116 + (counts[s] / max) * 170} y="14" fontSize="11" fill="currentColor">{counts[s]}</text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

export function pct(x: number | null): string {
  return x === null ? "—" : `${Math.round(x * 1000) / 10}%`;
}
