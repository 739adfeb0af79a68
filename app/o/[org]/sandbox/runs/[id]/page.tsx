import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { listChangeRequests } from "@/lib/policies";
import { getRun } from "@/lib/sandbox";
import { orNotFound } from "@/components/policies/not-found";
import { RunLive } from "./run-live";

export const metadata: Metadata = { title: "Sandbox run" };

export default async function RunPage({ params }: { params: Promise<{ org: string; id: string }> }) {
  const { org, id } = await params;
  const ctx = await requireOrg(org, "org:read");
  const run = await orNotFound(getRun(db, ctx, id));
  const mayAttach = ctx.role !== null && can(ctx.role, "policy:edit");
  const changes = mayAttach ? (await listChangeRequests(db, ctx, { status: "open" })).map((c) => ({ number: c.number, title: c.title })) : null;
  return (
    <div className="max-w-6xl space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-muted"><Link href={`/o/${ctx.org.slug}/sandbox`} className="hover:underline">Sandbox</Link> / run</nav>
      <RunLive org={ctx.org.slug} initial={JSON.parse(JSON.stringify(run))} changes={changes} />
    </div>
  );
}
