import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { getOrgSettings } from "@/lib/orgs/settings";
import { currentVersion, getDraftOrEmpty } from "@/lib/policies";
import { describeFleetVersions, fleetCodexVersions } from "@/lib/policies/fleet-versions";
import { TomlView } from "@/components/toml-view";
import { RequirementsEditor } from "@/components/editor/requirements-editor";

export const metadata: Metadata = { title: "Requirements" };

export default async function RequirementsPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await requireOrg((await params).org);
  const [draft, published, settings, fleet] = await Promise.all([
    getDraftOrEmpty(db, ctx),
    currentVersion(db, ctx.org.id),
    getOrgSettings(db, ctx),
    fleetCodexVersions(db, ctx.org.id),
  ]);
  const canEdit = ctx.role !== null && can(ctx.role, "policy:edit");
  return (
    <div className="space-y-4">
      <header className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-xl font-semibold">Requirements</h1>
          <p className="text-sm text-muted">
            The draft of <code className="font-mono">requirements.toml</code> that {ctx.org.name} will publish to its agents.
            {published ? ` Version ${published.number} is live.` : " Nothing is published yet."}
          </p>
          <p className="text-xs text-muted" data-testid="fleet-versions">
            {describeFleetVersions(fleet)} <Link href={`/o/${ctx.org.slug}/settings#codex-versions-heading`} className="text-accent underline">Choose versions</Link>
          </p>
        </div>
        <Link href={`/o/${ctx.org.slug}/requirements/effective`} className="text-sm text-accent underline">What agents will actually enforce →</Link>
      </header>
      {canEdit ? (
        <RequirementsEditor
          org={ctx.org.slug}
          initial={{ toml: draft.toml, revision: draft.revision, updatedAt: draft.updatedAt?.toISOString() ?? "", updatedBy: draft.updatedBy }}
          published={published ? { number: published.number, toml: published.toml } : null}
          approvalsRequired={settings.approvalsRequired}
          canPublish={can(ctx.role!, "policy:publish")}
          codexVersions={fleet.versions}
        />
      ) : draft.toml ? (
        <section aria-labelledby="draft-heading" className="max-w-5xl space-y-2">
          <div className="flex items-baseline justify-between">
            <h2 id="draft-heading" className="text-sm font-medium">Current draft</h2>
            <p className="text-xs text-muted">Revision {draft.revision}{draft.updatedBy ? ` · saved by ${draft.updatedBy}` : ""} · your role ({ctx.role}) can read it</p>
          </div>
          <TomlView source={draft.toml} label="Draft requirements.toml" />
        </section>
      ) : (
        <div className="rounded-lg border border-dashed border-line p-8 text-center text-sm text-muted">No draft yet.</div>
      )}
    </div>
  );
}
