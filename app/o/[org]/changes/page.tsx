import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { listChangeRequests } from "@/lib/policies";
import { approvalsRequired } from "@/lib/policies";
import { StateBadge } from "@/components/policies/state-badge";
import { formatTime } from "@/components/format";

export const metadata: Metadata = { title: "Change requests" };

const FILTERS = [
  { key: "open", label: "Open" },
  { key: "closed", label: "Closed" },
  { key: "all", label: "All" },
] as const;

export default async function ChangesPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ status?: string }> }) {
  const ctx = await requireOrg((await params).org);
  const status = (await searchParams).status;
  const filter = status === "closed" || status === "all" ? status : "open";
  const [requests, required] = await Promise.all([
    listChangeRequests(db, ctx, { status: filter === "all" ? undefined : filter }),
    approvalsRequired(db, ctx.org.id),
  ]);
  const base = `/o/${ctx.org.slug}`;
  return (
    <div className="max-w-6xl space-y-4">
      <header>
        <h1 className="text-xl font-semibold">Change requests</h1>
        <p className="text-sm text-muted">
          {required === 0
            ? `${ctx.org.name} publishes directly; change requests are optional reviews.`
            : `Publishing in ${ctx.org.name} needs ${required} approval${required === 1 ? "" : "s"} from someone other than the author.`}{" "}
          Open one from <Link href={`${base}/requirements`} className="text-accent underline underline-offset-2 hover:no-underline">Requirements</Link>.
        </p>
      </header>
      <nav aria-label="Filter change requests" className="flex gap-1 text-sm">
        {FILTERS.map((f) => (
          <Link key={f.key} href={`${base}/changes?status=${f.key}`} aria-current={filter === f.key ? "page" : undefined}
            className={`rounded-md px-2.5 py-1 ${filter === f.key ? "bg-panel font-medium ring-1 ring-line" : "text-muted hover:text-ink"}`}>{f.label}</Link>
        ))}
      </nav>
      {requests.length === 0 ? (
        <div className="rounded-lg border border-dashed border-line p-10 text-center">
          <p className="text-sm font-medium">No {filter === "all" ? "" : `${filter} `}change requests</p>
          <p className="mt-1 text-sm text-muted">A change request proposes the draft as the next version and collects approvals.</p>
        </div>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-line">
          <table className="w-full text-sm">
            <caption className="sr-only">Change requests</caption>
            <thead className="bg-panel text-left text-xs uppercase tracking-wide text-muted">
              <tr>
                <th scope="col" className="px-3 py-2">#</th>
                <th scope="col" className="px-3 py-2">Title</th>
                <th scope="col" className="px-3 py-2">State</th>
                <th scope="col" className="px-3 py-2">Approvals</th>
                <th scope="col" className="px-3 py-2">Author</th>
                <th scope="col" className="px-3 py-2">Updated</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {requests.map((r) => (
                <tr key={r.number}>
                  <td className="px-3 py-2 text-muted">{r.number}</td>
                  <td className="px-3 py-2"><Link href={`${base}/changes/${r.number}`} className="font-medium text-accent underline underline-offset-2 hover:no-underline">{r.title}</Link></td>
                  <td className="px-3 py-2"><StateBadge state={r.state} /></td>
                  <td className="px-3 py-2">{r.approvalsGiven} of {r.approvalsRequired}{r.rejections ? <span className="ml-1 text-danger">· {r.rejections} rejected</span> : null}</td>
                  <td className="px-3 py-2">{r.author}</td>
                  <td className="whitespace-nowrap px-3 py-2 text-muted">{formatTime(r.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
