import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { diffQuerySchema, diffVersions, listVersions } from "@/lib/policies";
import { DiffView } from "@/components/diff-view";

export const metadata: Metadata = { title: "Compare versions" };

const select = "rounded-md border border-line bg-white px-2 py-1 text-sm outline-none focus:border-accent focus:ring-2 focus:ring-accent/20";

export default async function DiffPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireOrg((await params).org);
  const q = await searchParams;
  const versions = await listVersions(db, ctx);
  const base = `/o/${ctx.org.slug}`;
  const parsed = diffQuerySchema.safeParse({ from: q.from ?? versions[1]?.number ?? 0, to: q.to ?? versions[0]?.number ?? 0 });
  let problem: string | null = null;
  let diff: Awaited<ReturnType<typeof diffVersions>> | null = null;
  if (versions.length === 0) problem = "There are no versions to compare yet.";
  else if (!parsed.success) problem = "Choose two version numbers to compare.";
  else {
    try {
      diff = await diffVersions(db, ctx, parsed.data.from, parsed.data.to);
    } catch (err) {
      if (!(err instanceof AppError && err.code === "not_found")) throw err;
      problem = err.message;
    }
  }
  const from = parsed.success ? parsed.data.from : 0;
  const to = parsed.success ? parsed.data.to : 0;
  return (
    <div className="max-w-6xl space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-muted"><Link href={`${base}/versions`} className="hover:underline">Versions</Link> / Compare</nav>
      <h1 className="text-xl font-semibold">{diff ? `Version ${from} → version ${to}` : "Compare versions"}</h1>
      {versions.length > 0 ? (
        <form method="get" className="flex flex-wrap items-center gap-2 rounded-lg border border-line bg-panel px-3 py-2 text-sm" aria-label="Choose versions">
          <label htmlFor="from">From</label>
          <select id="from" name="from" defaultValue={from} className={select}>
            <option value={0}>(no policy)</option>
            {versions.map((v) => <option key={v.number} value={v.number}>Version {v.number}</option>)}
          </select>
          <label htmlFor="to">to</label>
          <select id="to" name="to" defaultValue={to} className={select}>
            {versions.map((v) => <option key={v.number} value={v.number}>Version {v.number}</option>)}
          </select>
          <button type="submit" className="rounded-md bg-accent px-3 py-1 font-medium text-white hover:bg-accent/90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent">Compare</button>
        </form>
      ) : null}
      {problem ? <p role="alert" className="rounded-lg border border-dashed border-line p-6 text-center text-sm text-muted">{problem}</p> : null}
      {diff ? <DiffView diff={diff} /> : null}
    </div>
  );
}
