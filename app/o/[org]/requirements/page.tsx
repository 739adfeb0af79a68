import type { Metadata } from "next";
import { requireOrg } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { getDraft } from "@/lib/policies/draft";
import { TomlView } from "@/components/toml-view";

export const metadata: Metadata = { title: "Requirements" };

export default async function RequirementsPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await requireOrg((await params).org);
  const draft = await getDraft(db, ctx);
  return (
    <div className="max-w-5xl space-y-4">
      <header>
        <h1 className="text-xl font-semibold">Requirements</h1>
        <p className="text-sm text-muted">The draft of <code className="font-mono">requirements.toml</code> that {ctx.org.name} will publish to its agents.</p>
      </header>
      {draft ? (
        <section aria-labelledby="draft-heading" className="space-y-2">
          <div className="flex items-baseline justify-between">
            <h2 id="draft-heading" className="text-sm font-medium">Current draft</h2>
            <p className="text-xs text-muted">
              Revision {draft.revision} · saved {draft.updatedAt.toISOString().replace("T", " ").slice(0, 16)} UTC
              {draft.updatedBy ? ` by ${draft.updatedBy}` : ""}
            </p>
          </div>
          <TomlView source={draft.toml} label="Draft requirements.toml" />
        </section>
      ) : (
        <div className="rounded-lg border border-dashed border-line p-8 text-center text-sm text-muted">No draft yet.</div>
      )}
    </div>
  );
}
