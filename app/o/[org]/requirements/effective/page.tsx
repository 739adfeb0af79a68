import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { getDraft } from "@/lib/policies/draft";
import { EffectiveView } from "@/components/effective-view";

export const metadata: Metadata = { title: "Effective requirements" };

export default async function EffectivePage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await requireOrg((await params).org);
  const draft = await getDraft(db, ctx);
  return (
    <div className="space-y-4">
      <header>
        <p className="text-xs text-muted"><Link className="underline" href={`/o/${ctx.org.slug}/requirements`}>Requirements</Link> /</p>
        <h1 className="text-xl font-semibold">What agents will actually enforce</h1>
      </header>
      <EffectiveView draft={draft?.toml ?? ""} />
    </div>
  );
}
