import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { getChangeRequest } from "@/lib/policies";
import { DiffView, Ticks } from "@/components/diff-view";
import { ChangeRequestPanel } from "@/components/policies/change-request-panel";
import { StateBadge } from "@/components/policies/state-badge";
import { formatTime, shortSha } from "@/components/format";
import { orNotFound } from "@/components/policies/not-found";
import { ImpactSummary } from "@/components/policies/impact-summary";
import { policyImpact } from "@/lib/sandbox/impact";
import { decisionReplayImpact } from "@/lib/decisions/replay";
import { ReplaySummary } from "@/components/decisions/replay-summary";

/** Sandbox evidence links to the run or comparison it names (refId: a run id, or "<a>..<b>" for a comparison). */
function evidenceHref(base: string, a: { kind: string; refId: string }): string | null {
  if (a.kind === "sandbox_run") return `${base}/sandbox/runs/${encodeURIComponent(a.refId)}`;
  if (a.kind === "decision_replay") return `${base}/decisions/replays/${encodeURIComponent(a.refId)}`;
  const [x, y] = a.refId.split("..");
  if ((a.kind === "sandbox_comparison" || a.kind === "policy_impact") && x && y) return `${base}/sandbox/compare?a=${encodeURIComponent(x)}&b=${encodeURIComponent(y)}`;
  return null;
}

export async function generateMetadata({ params }: { params: Promise<{ number: string }> }): Promise<Metadata> {
  return { title: `Change request #${(await params).number}` };
}

export default async function ChangeRequestPage({ params }: { params: Promise<{ org: string; number: string }> }) {
  const { org: slug, number } = await params;
  const ctx = await requireOrg(slug);
  const cr = await orNotFound(getChangeRequest(db, ctx, number));
  const base = `/o/${ctx.org.slug}`;
  const role = ctx.role;
  const me = `user:${ctx.actor.userId}`;
  const open = cr.state !== "published" && cr.state !== "withdrawn";
  const mayApprove = role !== null && can(role, "policy:approve");
  const mayPublish = role !== null && can(role, "policy:publish");
  const mayEdit = role !== null && can(role, "policy:edit");
  const isContributor = cr.contributors.includes(me);
  const baseMoved = cr.currentVersionNumber !== cr.baseVersionNumber;
  const errors = cr.validation.diagnostics.filter((d) => d.severity === "error");
  const notes = cr.validation.diagnostics.filter((d) => d.severity !== "error");
  const impact = await policyImpact(db, ctx, cr.attachments).catch(() => null);
  const replay = await decisionReplayImpact(db, ctx, cr.attachments).catch(() => null);
  return (
    <div className="max-w-6xl space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-muted"><Link href={`${base}/changes`} className="hover:underline">Change requests</Link> / #{cr.number}</nav>
      <header className="space-y-1">
        <h1 className="flex flex-wrap items-center gap-2 text-xl font-semibold">{cr.title} <span className="font-normal text-muted">#{cr.number}</span> <StateBadge state={cr.state} /></h1>
        <p className="text-sm text-muted">
          Opened by {cr.author} {formatTime(cr.createdAt)} · revision {cr.revision} · compares with {cr.baseVersionNumber === null ? "no version" : <Link className="text-accent underline underline-offset-2 hover:no-underline" href={`${base}/versions/${cr.baseVersionNumber}`}>version {cr.baseVersionNumber}</Link>}
          {cr.restoredFromNumber ? <> · restores version {cr.restoredFromNumber}</> : null}
          {cr.versionNumber ? <> · published as <Link className="text-accent underline underline-offset-2 hover:no-underline" href={`${base}/versions/${cr.versionNumber}`}>version {cr.versionNumber}</Link></> : null}
        </p>
        <p className="max-w-3xl whitespace-pre-wrap text-sm">{cr.note}</p>
      </header>

      <div className="grid gap-5 lg:grid-cols-[1fr_20rem]">
        <div className="min-w-0 space-y-5">
          {open && cr.blockers.length > 0 ? (
            <section aria-labelledby="blockers-heading" className="rounded-lg border border-line bg-panel p-4 text-sm">
              <h2 id="blockers-heading" className="font-medium">Not ready to publish</h2>
              <ul className="mt-1 list-disc pl-6" data-testid="blockers">{cr.blockers.map((b, i) => <li key={i}>{b}</li>)}</ul>
            </section>
          ) : null}
          <section aria-labelledby="validation-heading" className="space-y-1 text-sm">
            <h2 id="validation-heading" className="font-medium">Validation</h2>
            <p data-testid="validation">{cr.validation.valid ? "Codex would load this policy." : `Codex would refuse this policy (${errors.length} error${errors.length === 1 ? "" : "s"}).`}{notes.length ? ` ${notes.length} note${notes.length === 1 ? "" : "s"}:` : ""}</p>
            {cr.validation.diagnostics.length ? (
              <ul className="space-y-0.5 text-xs">
                {cr.validation.diagnostics.map((d, i) => (
                  <li key={i} className={d.severity === "error" ? "text-danger" : "text-muted"}>{d.severity} · line {d.line}: {d.message}</li>
                ))}
              </ul>
            ) : null}
          </section>
          <DiffView diff={cr.diff} idPrefix="cr" />
        </div>

        <div className="space-y-4">
          {impact ? <ImpactSummary impact={impact} currentRevision={cr.revision} href={`${base}/sandbox/compare?a=${impact.comparison.a.id}&b=${impact.comparison.b.id}`} /> : null}
          {replay ? <ReplaySummary replay={replay} currentRevision={cr.revision} href={`${base}/decisions/replays/${encodeURIComponent(replay.runId)}`} /> : null}
          <section aria-labelledby="approvals-heading" className="rounded-lg border border-line p-4 text-sm">
            <h2 id="approvals-heading" className="font-medium">Approvals: {cr.approvalsGiven} of {cr.approvalsRequired}</h2>
            {cr.approvals.length === 0 ? <p className="mt-1 text-muted">No decisions yet.</p> : (
              <ul className="mt-2 space-y-2" data-testid="approvals">
                {cr.approvals.map((a, i) => (
                  <li key={i} className={a.withdrawn ? "text-muted line-through decoration-muted/50" : undefined}>
                    <span className={a.decision === "approve" ? "font-medium text-emerald-800" : "font-medium text-danger"}>{a.decision === "approve" ? "Approved" : "Rejected"}</span> by {a.approver}
                    <span className="block text-xs text-muted">{formatTime(a.createdAt)} · revision {a.revision}{a.withdrawn ? " · withdrawn by a later edit or decision" : ""}</span>
                    {a.comment ? <span className="block whitespace-pre-wrap">{a.comment}</span> : null}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="evidence-heading" className="rounded-lg border border-line p-4 text-sm">
            <h2 id="evidence-heading" className="font-medium">Sandbox evidence</h2>
            {cr.attachments.length === 0 ? <p className="mt-1 text-muted">None attached.</p> : (
              <ul className="mt-1 space-y-1">{cr.attachments.map((a) => <li key={a.id}>{evidenceHref(base, a) ? <Link className="text-accent underline underline-offset-2 hover:no-underline" href={evidenceHref(base, a)!}><Ticks text={a.label} /></Link> : <Ticks text={a.label} />} <span className="text-xs text-muted">({a.kind.replace("_", " ")})</span></li>)}</ul>
            )}
          </section>
          <p className="text-xs text-muted">Proposed text sha256 <span className="font-mono" title={cr.sha256}>{shortSha(cr.sha256)}</span></p>
          {open ? (
            <ChangeRequestPanel
              org={ctx.org.slug}
              number={cr.number}
              revision={cr.revision}
              can={{
                decide: mayApprove && !isContributor,
                decideNote: mayApprove && isContributor ? "You wrote part of this change, so you cannot approve or reject it." : null,
                publish: mayPublish && cr.blockers.length === 0,
                edit: mayEdit,
                rebase: mayEdit && baseMoved,
                withdraw: cr.authorKey === me || mayPublish,
              }}
            />
          ) : null}
        </div>
      </div>
    </div>
  );
}
