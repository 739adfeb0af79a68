import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getGroup, getOverlayDraft, listOverlayVersions, previewOverlay } from "@/lib/groups";
import { listOverlayChangeRequests } from "@/lib/groups/changes";
import { approvalsRequired } from "@/lib/policies/common";
import { StateBadge } from "@/components/policies/state-badge";
import { Section } from "../../settings/ui";
import { formatTime } from "@/components/format";
import { OverlayEditor } from "./overlay-editor";

export const metadata: Metadata = { title: "Group" };

/** One group: its overlay draft in an editor that shows the composed file, Codex's findings and each value's layer. */
export default async function GroupPage({ params }: { params: Promise<{ org: string; group: string }> }) {
  const p = await params;
  const ctx = await requireOrg(p.org, "org:read");
  const name = decodeURIComponent(p.group);
  let group;
  try {
    group = await getGroup(db, ctx, name);
  } catch (err) {
    if (err instanceof AppError && (err.code === "not_found" || err.code === "validation_failed")) notFound();
    throw err;
  }
  const [draft, versions, preview, changes, required] = await Promise.all([
    getOverlayDraft(db, ctx, name),
    listOverlayVersions(db, ctx, name),
    previewOverlay(db, ctx, name),
    listOverlayChangeRequests(db, ctx, name),
    approvalsRequired(db, ctx.org.id),
  ]);
  const edit = ctx.role !== null && can(ctx.role, "policy:edit");
  const publish = ctx.role !== null && can(ctx.role, "policy:publish");
  return (
    <div className="max-w-6xl space-y-6">
      <header>
        <p className="text-xs text-muted"><Link href={`/o/${ctx.org.slug}/groups`} className="hover:underline">Groups</Link> /</p>
        <h1 className="text-xl font-semibold">Group {group.name}</h1>
        <p className="text-sm text-muted">
          Priority {group.priority} · {group.members} host{group.members === 1 ? "" : "s"} · {group.overlayVersion ? `overlay version ${group.overlayVersion} published` : "no overlay published: its hosts get the base"}
        </p>
      </header>
      <Section id="overlay" title="Overlay" description="A partial requirements.toml with higher precedence than the base. The preview composes it over the current base version as Codex composes layers.">
        <OverlayEditor
          org={ctx.org.slug}
          group={group.name}
          initial={{ toml: draft.toml, revision: draft.revision }}
          initialPreview={preview}
          canEdit={edit}
          canPublish={publish}
          approvalsRequired={required}
        />
      </Section>
      <Section
        id="overlay-changes"
        title="Change requests"
        description={required > 0 ? `This organisation needs ${required} approval${required === 1 ? "" : "s"} before an overlay ships: save the draft, then open a change request.` : "Publishing needs no approval here; a change request still lets someone review the composed file first."}
      >
        {changes.length === 0 ? (
          <p className="text-sm text-muted">No change requests for this overlay.</p>
        ) : (
          <ul className="space-y-1 text-sm" aria-label="Overlay change requests">
            {changes.map((c) => (
              <li key={c.number} className="flex flex-wrap items-center gap-2">
                <Link className="text-accent underline underline-offset-2 hover:no-underline" href={`/o/${ctx.org.slug}/groups/${encodeURIComponent(group.name)}/changes/${c.number}`}>#{c.number} {c.title}</Link>
                <StateBadge state={c.state} />
                <span className="text-muted">{c.author} · {formatTime(c.createdAt)} · {c.approvalsGiven} of {c.approvalsRequired} approvals</span>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section id="overlay-versions" title="Published overlays">
        {versions.length === 0 ? (
          <p className="text-sm text-muted">Nothing published yet.</p>
        ) : (
          <ul className="space-y-1 text-sm">
            {versions.map((v) => (
              <li key={v.number}>
                <span className="font-medium">overlay v{v.number}</span> · {formatTime(v.publishedAt)} · {v.author} — {v.note}
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}
