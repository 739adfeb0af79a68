import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { getOverlayChangeRequest } from "@/lib/groups/changes";
import { DiffView } from "@/components/diff-view";
import { StateBadge } from "@/components/policies/state-badge";
import { formatTime, shortSha } from "@/components/format";
import { orNotFound } from "@/components/policies/not-found";
import { OverlayChangePanel } from "./overlay-change-panel";

export async function generateMetadata({ params }: { params: Promise<{ number: string }> }): Promise<Metadata> {
  return { title: `Overlay change request #${(await params).number}` };
}

/**
 * One change request of a group's overlay: what reviewers judge is the file the group's hosts would receive, so the
 * verdict and diff shown are of the composed file over each base version hosts are being served.
 */
export default async function OverlayChangePage({ params }: { params: Promise<{ org: string; group: string; number: string }> }) {
  const p = await params;
  const ctx = await requireOrg(p.org, "org:read");
  const name = decodeURIComponent(p.group);
  const cr = await orNotFound(getOverlayChangeRequest(db, ctx, name, p.number));
  const base = `/o/${ctx.org.slug}`;
  const groupHref = `${base}/groups/${encodeURIComponent(cr.group)}`;
  const role = ctx.role;
  const me = `user:${ctx.actor.userId}`;
  const open = cr.state !== "published" && cr.state !== "withdrawn";
  const mayApprove = role !== null && can(role, "policy:approve");
  const mayPublish = role !== null && can(role, "policy:publish");
  const mayEdit = role !== null && can(role, "policy:edit");
  const isContributor = cr.contributors.includes(me);
  return (
    <div className="max-w-6xl space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-muted">
        <Link href={`${base}/groups`} className="hover:underline">Groups</Link> / <Link href={groupHref} className="hover:underline">{cr.group}</Link> / change request #{cr.number}
      </nav>
      <header className="space-y-1">
        <h1 className="flex flex-wrap items-center gap-2 text-xl font-semibold">{cr.title} <span className="font-normal text-muted">#{cr.number}</span> <StateBadge state={cr.state} /></h1>
        <p className="text-sm text-muted">
          Overlay of group {cr.group} · opened by {cr.author} {formatTime(cr.createdAt)} · compares with {cr.baseOverlayNumber === null ? "no overlay" : `overlay version ${cr.baseOverlayNumber}`}
        </p>
        <p className="max-w-3xl whitespace-pre-wrap text-sm">{cr.note}</p>
      </header>
      <div className="grid gap-5 lg:grid-cols-[1fr_20rem]">
        <div className="min-w-0 space-y-6">
          {open && cr.blockers.length > 0 ? (
            <section aria-labelledby="blockers-heading" className="rounded-lg border border-line bg-panel p-4 text-sm">
              <h2 id="blockers-heading" className="font-medium">Not ready to publish</h2>
              <ul className="mt-1 list-disc pl-6" data-testid="blockers">{cr.blockers.map((b, i) => <li key={i}>{b}</li>)}</ul>
            </section>
          ) : null}
          {cr.composed.map((c) => {
            const label = c.baseVersion === null ? "the overlay alone" : `base version ${c.baseVersion} + this overlay`;
            return (
              <section key={c.baseVersion ?? 0} aria-label={`Composed file: ${label}`} className="space-y-3" data-testid={`composed-${c.baseVersion ?? 0}`}>
                <h2 className="text-base font-semibold">Composed file: {label}</h2>
                <p className="text-sm" data-testid="composed-validation">
                  {c.valid ? "Codex would load the composed file." : `Codex would refuse the composed file (${c.findings.filter((f) => f.severity === "error").length} errors).`}
                </p>
                <DiffView diff={c.diff} idPrefix={`composed-${c.baseVersion ?? 0}`} label={label} />
              </section>
            );
          })}
          <section aria-labelledby="overlay-text-heading" className="space-y-1 text-sm">
            <h2 id="overlay-text-heading" className="font-medium">Proposed overlay</h2>
            <pre className="overflow-x-auto rounded-md border border-line bg-panel p-3 font-mono text-xs">{cr.toml}</pre>
            <p className="text-xs text-muted">sha256 <span className="font-mono" title={cr.sha256}>{shortSha(cr.sha256)}</span></p>
          </section>
        </div>
        <div className="space-y-4">
          <section aria-labelledby="approvals-heading" className="rounded-lg border border-line p-4 text-sm">
            <h2 id="approvals-heading" className="font-medium">Approvals: {cr.approvalsGiven} of {cr.approvalsRequired}</h2>
            {cr.approvals.length === 0 ? <p className="mt-1 text-muted">No decisions yet.</p> : (
              <ul className="mt-2 space-y-2" data-testid="approvals">
                {cr.approvals.map((a, i) => (
                  <li key={i} className={a.withdrawn ? "text-muted line-through" : undefined}>
                    <span className="font-medium">{a.decision === "approve" ? "Approved" : "Rejected"}</span> by {a.approver}
                    <span className="block text-xs text-muted">{formatTime(a.createdAt)} · revision {a.revision}</span>
                    {a.comment ? <span className="block whitespace-pre-wrap">{a.comment}</span> : null}
                  </li>
                ))}
              </ul>
            )}
          </section>
          {open ? (
            <OverlayChangePanel
              org={ctx.org.slug}
              group={cr.group}
              number={cr.number}
              revision={cr.revision}
              can={{
                decide: mayApprove && !isContributor,
                decideNote: mayApprove && isContributor ? "You wrote part of this change, so you cannot approve or reject it." : null,
                publish: mayPublish && cr.blockers.length === 0,
                edit: mayEdit,
                rebase: mayEdit && cr.currentOverlayNumber !== cr.baseOverlayNumber,
                withdraw: cr.authorKey === me || mayPublish,
              }}
            />
          ) : null}
        </div>
      </div>
    </div>
  );
}
