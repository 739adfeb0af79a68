import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { listGroups } from "@/lib/groups";
import { getDraftOrEmpty } from "@/lib/policies";
import { listRollouts } from "@/lib/rollouts";
import { Section } from "../settings/ui";
import { formatTime } from "@/components/format";
import { PublishToRings } from "./rollout-controls";

export const metadata: Metadata = { title: "Rollouts" };

/** Staged rollouts: publish the draft to rings, and every rollout with its state. */
export default async function RolloutsPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await requireOrg((await params).org, "org:read");
  const publish = ctx.role !== null && can(ctx.role, "policy:publish");
  const [rollouts, groups, draft] = await Promise.all([listRollouts(db, ctx), listGroups(db, ctx), getDraftOrEmpty(db, ctx)]);
  return (
    <div className="max-w-6xl space-y-6">
      <header>
        <h1 className="text-xl font-semibold">Rollouts</h1>
        <p className="text-sm text-muted">
          A rollout gives a new version to its rings one after another (a group, or a stable share of hosts by a hash of the host id), then to everyone.
          Hosts outside the rings reached keep the previous version. A ring that fails its gates is rolled back by itself.{" "}
          {rollouts[0]?.autoPromote === false ? "This organisation promotes by hand." : "Rings that pass their gates are promoted automatically."}
        </p>
      </header>
      {publish ? (
        <Section id="publish-rings" title="Publish the draft to rings" description={`Draft revision ${draft.revision}. The first ring gets it now; each ring must pass its gates before the next.`}>
          <PublishToRings org={ctx.org.slug} groups={groups.map((g) => g.name)} baseRevision={draft.revision} />
        </Section>
      ) : null}
      <Section id="rollouts" title="Rollouts" description="Newest first.">
        {rollouts.length === 0 ? (
          <p className="text-sm text-muted">No rollouts yet: every publish so far went to all hosts at once.</p>
        ) : (
          <ul className="space-y-1 text-sm">
            {rollouts.map((r) => (
              <li key={r.version} data-testid={`rollout-${r.version}`}>
                <Link className="font-medium text-accent hover:underline" href={`/o/${ctx.org.slug}/rollouts/${r.version}`}>Version {r.version}</Link> ·{" "}
                <span>{r.state.replace("_", " ")}</span> · started {formatTime(r.createdAt)} by {r.createdBy}
                {r.reason ? <span className="text-muted"> — {r.reason}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}
