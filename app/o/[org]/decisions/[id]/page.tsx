import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getDecision } from "@/lib/decisions";
import { Section } from "../../settings/ui";
import { StatusBadge } from "../charts";
import { formatTime } from "@/components/format";
import { DecisionActions } from "../panels";

export const metadata: Metadata = { title: "Decision" };

/** One Auto-review: the action as Codex logged it (masked), the reviewer's answer, and the policy version in force. */
export default async function DecisionPage({ params }: { params: Promise<{ org: string; id: string }> }) {
  const { org, id } = await params;
  const ctx = await requireOrg(org, "org:read");
  const d = await getDecision(db, ctx, decodeURIComponent(id)).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const masked = (d.masked as { path: string; rule: string; count: number }[]) ?? [];
  const rows: [string, React.ReactNode][] = [
    ["When", formatTime(d.occurredAt, "second")],
    ["Outcome", <StatusBadge key="s" status={d.status} />],
    ["Codex said", `${d.codexStatus}${d.outcome ? ` (outcome ${d.outcome})` : " (no outcome: the review failed and Codex failed closed)"}`],
    ["Risk", d.riskLevel ?? "–"],
    ["User authorization", d.userAuthorization ?? "–"],
    ["Kind", d.kind],
    ["Tool", [d.toolNamespace, d.toolName].filter(Boolean).join(".") || "–"],
    ["Policy version in force", d.policyVersion === null ? "unknown" : <Link key="v" className="hover:underline" href={`/o/${ctx.org.slug}/versions/${d.policyVersion}`}>version {d.policyVersion}</Link>],
    ["Host", `${d.hostName ?? "–"}${d.group ? ` (group ${d.group})` : ""}`],
    ["Model", d.model ?? "–"],
    ["Codex version", d.codexVersion ?? "–"],
    ["Review took", d.durationMs === null ? "–" : `${d.durationMs} ms`],
    ["The action then ran", d.toolSuccess === null ? "not reported" : d.toolSuccess ? "successfully" : "and failed (or was refused)"],
    ["Conversation / call", `${d.conversationId} / ${d.callId}`],
    ["Review id", d.id],
  ];
  return (
    <div className="max-w-5xl space-y-6">
      <header className="space-y-1">
        <p className="text-sm"><Link className="text-muted hover:underline" href={`/o/${ctx.org.slug}/decisions`}>Decisions</Link></p>
        <h1 className="text-xl font-semibold">Decision on {d.kind}</h1>
      </header>
      {ctx.role !== null && can(ctx.role, "policy:edit") && <DecisionActions org={ctx.org.slug} id={d.id} />}
      <Section id="rationale" title="Rationale" description={d.rationaleTruncated ? "Codex truncated the rationale." : undefined}>
        <p className="whitespace-pre-wrap break-words text-sm">{d.rationale || "–"}</p>
      </Section>
      <Section id="action" title="Action" description="The arguments as Codex logged them, with secrets masked on the host.">
        <pre tabIndex={0} role="region" aria-label="Action arguments, scrolls sideways" className="overflow-x-auto rounded-md border border-line bg-panel p-3 font-mono text-xs" data-testid="decision-arguments">{d.arguments === null ? "Codex did not report the action's arguments." : JSON.stringify(d.arguments, null, 2)}</pre>
        {masked.length > 0 && (
          <p className="mt-2 text-xs text-muted">Masked: {masked.map((m) => `${m.path} (${m.rule}${m.count > 1 ? ` ×${m.count}` : ""})`).join(", ")}</p>
        )}
      </Section>
      {d.reviewRequest && (
        <Section id="review-request" title="Exact reviewer request" description="What Codex asked its reviewer, read from the reviewer's session file on the host (full replay fidelity), secrets masked. A replay sends this text.">
          <pre tabIndex={0} role="region" aria-label="Exact reviewer request, scrolls" className="max-h-96 overflow-auto whitespace-pre-wrap break-words rounded-md border border-line bg-panel p-3 font-mono text-xs" data-testid="decision-review-request">{d.reviewRequest}</pre>
        </Section>
      )}
      <Section id="facts" title="Details">
        <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[12rem_minmax(0,1fr)]">
          {rows.map(([k, v]) => (
            <div key={k} className="contents"><dt className="text-muted">{k}</dt><dd className="mb-1 break-words sm:mb-0">{v}</dd></div>
          ))}
        </dl>
      </Section>
    </div>
  );
}
