import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { listVersions } from "@/lib/policies";
import { VerdictBadge } from "@/components/diff-view";
import { formatTime, shortSha } from "@/components/format";

export const metadata: Metadata = { title: "Versions" };

const select = "rounded-md border border-line bg-white px-2 py-1 text-sm outline-none focus:border-accent focus:ring-2 focus:ring-accent/20";

export default async function VersionsPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await requireOrg((await params).org);
  const versions = await listVersions(db, ctx);
  const slug = ctx.org.slug;
  return (
    <div className="max-w-6xl space-y-4">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Versions</h1>
          <p className="text-sm text-muted">Every published <code className="font-mono">requirements.toml</code> of {ctx.org.name}, newest first. Versions never change.</p>
        </div>
        <Link href={`/o/${slug}/reports/compliance`} className="text-sm text-accent underline underline-offset-2 hover:no-underline">Compliance report</Link>
      </header>
      {versions.length === 0 ? (
        <div className="rounded-lg border border-dashed border-line p-10 text-center">
          <p className="text-sm font-medium">No versions yet</p>
          <p className="mt-1 text-sm text-muted">
            Publish the draft from <Link className="text-accent underline underline-offset-2 hover:no-underline" href={`/o/${slug}/requirements`}>Requirements</Link> to create version 1.
          </p>
        </div>
      ) : (
        <>
          {versions.length > 1 ? (
            <form action={`/o/${slug}/versions/diff`} method="get" className="flex flex-wrap items-center gap-2 rounded-lg border border-line bg-panel px-3 py-2 text-sm" aria-label="Compare two versions">
              <label htmlFor="cmp-from">Compare</label>
              <select id="cmp-from" name="from" defaultValue={versions[1].number} className={select}>
                {versions.map((v) => <option key={v.number} value={v.number}>Version {v.number}</option>)}
              </select>
              <label htmlFor="cmp-to">with</label>
              <select id="cmp-to" name="to" defaultValue={versions[0].number} className={select}>
                {versions.map((v) => <option key={v.number} value={v.number}>Version {v.number}</option>)}
              </select>
              <button type="submit" className="rounded-md bg-accent px-3 py-1 font-medium text-white hover:bg-accent/90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent">Show diff</button>
            </form>
          ) : null}
          <div className="overflow-x-auto rounded-lg border border-line">
            <table className="w-full text-sm">
              <caption className="sr-only">Published versions</caption>
              <thead className="bg-panel text-left text-xs uppercase tracking-wide text-muted">
                <tr>
                  <th scope="col" className="px-3 py-2">Version</th>
                  <th scope="col" className="px-3 py-2">Note</th>
                  <th scope="col" className="px-3 py-2">Author</th>
                  <th scope="col" className="px-3 py-2">Published</th>
                  <th scope="col" className="px-3 py-2">sha256</th>
                  <th scope="col" className="px-3 py-2">Access vs previous</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-line">
                {versions.map((v, i) => (
                  <tr key={v.number} data-testid={`version-row-${v.number}`}>
                    <td className="px-3 py-2 font-medium">
                      <Link href={`/o/${slug}/versions/${v.number}`} className="text-accent underline underline-offset-2 hover:no-underline">Version {v.number}</Link>
                      {i === 0 ? <span className="ml-2 rounded bg-accent/10 px-1.5 py-0.5 text-xs text-accent">current</span> : null}
                    </td>
                    <td className="max-w-md px-3 py-2">
                      <span className="line-clamp-2">{v.note}</span>
                      {v.restoredFromNumber ? <span className="block text-xs text-muted">restores version {v.restoredFromNumber}</span> : null}
                      {v.changeRequestNumber ? (
                        <Link href={`/o/${slug}/changes/${v.changeRequestNumber}`} className="block text-xs text-accent underline underline-offset-2 hover:no-underline">change request #{v.changeRequestNumber}</Link>
                      ) : null}
                    </td>
                    <td className="px-3 py-2">{v.author}</td>
                    <td className="whitespace-nowrap px-3 py-2 text-muted">{formatTime(v.publishedAt)}</td>
                    <td className="px-3 py-2 font-mono text-xs" title={v.sha256}>{shortSha(v.sha256)}</td>
                    <td className="px-3 py-2">
                      {v.parentNumber !== null ? (
                        <Link href={`/o/${slug}/versions/diff?from=${v.parentNumber}&to=${v.number}`} className="inline-flex items-center gap-2 hover:underline" aria-label={`Diff of version ${v.number} against version ${v.parentNumber}: ${v.wider.verdict}`}>
                          <VerdictBadge wider={v.wider} />
                        </Link>
                      ) : (
                        <span className="text-xs text-muted">first version</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
