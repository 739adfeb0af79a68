import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { approvalsRequired, currentVersion, getDraftOrEmpty, getVersion } from "@/lib/policies";
import { TomlView } from "@/components/toml-view";
import { VerdictBadge } from "@/components/diff-view";
import { RestoreForm } from "@/components/policies/restore-form";
import { formatTime } from "@/components/format";
import { orNotFound } from "@/components/policies/not-found";

export async function generateMetadata({ params }: { params: Promise<{ number: string }> }): Promise<Metadata> {
  return { title: `Version ${(await params).number}` };
}

export default async function VersionPage({ params }: { params: Promise<{ org: string; number: string }> }) {
  const { org: slug, number } = await params;
  const ctx = await requireOrg(slug);
  const version = await orNotFound(getVersion(db, ctx, number));
  const [current, required, draft] = await Promise.all([currentVersion(db, ctx.org.id), approvalsRequired(db, ctx.org.id), getDraftOrEmpty(db, ctx)]);
  const mayRestore = ctx.role !== null && can(ctx.role, "policy:publish") && current?.number !== version.number;
  const base = `/o/${ctx.org.slug}`;
  return (
    <div className="max-w-6xl space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-muted"><Link href={`${base}/versions`} className="hover:underline">Versions</Link> / Version {version.number}</nav>
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="flex items-center gap-2 text-xl font-semibold">
            Version {version.number}
            {current?.number === version.number ? <span className="rounded bg-accent/10 px-1.5 py-0.5 text-xs font-medium text-accent">current</span> : null}
          </h1>
          <p className="mt-1 max-w-3xl whitespace-pre-wrap text-sm">{version.note}</p>
        </div>
        <a href={`/api/v1/orgs/${ctx.org.slug}/versions/${version.number}?format=toml`} download={`requirements-v${version.number}.toml`} className="text-sm text-accent underline underline-offset-2 hover:no-underline">Download .toml</a>
      </header>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1.5 rounded-lg border border-line bg-panel p-4 text-sm">
        <dt className="text-muted">Published</dt><dd>{formatTime(version.publishedAt)} by {version.author}</dd>
        <dt className="text-muted">sha256</dt><dd className="break-all font-mono text-xs" data-testid="version-sha256">{version.sha256}</dd>
        <dt className="text-muted">Previous</dt>
        <dd>
          {version.parentNumber === null ? "none (first version)" : (
            <span className="inline-flex items-center gap-2">
              <Link href={`${base}/versions/diff?from=${version.parentNumber}&to=${version.number}`} className="text-accent underline underline-offset-2 hover:no-underline">diff against version {version.parentNumber}</Link>
              <VerdictBadge wider={version.wider} />
            </span>
          )}
        </dd>
        {version.restoredFromNumber ? (<><dt className="text-muted">Restores</dt><dd><Link href={`${base}/versions/${version.restoredFromNumber}`} className="text-accent underline underline-offset-2 hover:no-underline">version {version.restoredFromNumber}</Link></dd></>) : null}
        {version.changeRequestNumber ? (<><dt className="text-muted">Approved in</dt><dd><Link href={`${base}/changes/${version.changeRequestNumber}`} className="text-accent underline underline-offset-2 hover:no-underline">change request #{version.changeRequestNumber}</Link></dd></>) : null}
      </dl>
      <TomlView source={version.toml} label={`requirements.toml of version ${version.number}`} />
      {mayRestore ? <RestoreForm org={ctx.org.slug} number={version.number} approvalsRequired={required} draft={{ revision: draft.revision, unpublished: draft.toml !== "" && draft.toml !== (current?.toml ?? "") && draft.toml !== version.toml }} /> : null}
    </div>
  );
}
