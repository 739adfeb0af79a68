import type { ReviewStatus } from "@/lib/guardian/providers";

// Small shared pieces of the sandbox pages (plain Tailwind, the shell's colours). No data access.
export { dangerBtn, inputCls, primaryBtn, secondaryBtn } from "@/components/ui/styles";
export const linkCls = "text-accent underline underline-offset-2 hover:no-underline";

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

export function pct(x: number | null): string {
  return x === null ? "—" : `${Math.round(x * 1000) / 10}%`;
}
