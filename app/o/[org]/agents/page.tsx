import type { Metadata } from "next";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { fleetOverview } from "@/lib/agents";
import { Section } from "../settings/ui";
import { VersionChart } from "./version-chart";
import { AgentTokens } from "./agent-tokens";

export const metadata: Metadata = { title: "Agents" };

/**
 * The fleet: which version each host runs, who is behind (stale) or has gone quiet (silent), and the agent tokens
 * hosts fetch the signed bundle with. Everyone in the org reads it; admins (policy:publish) create and revoke tokens.
 */
export default async function AgentsPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await requireOrg((await params).org, "org:read");
  const manage = ctx.role !== null && can(ctx.role, "policy:publish");
  const fleet = await fleetOverview(db, ctx);
  const { totals } = fleet;
  return (
    <div className="max-w-6xl space-y-6">
      <header>
        <h1 className="text-xl font-semibold">Agents</h1>
        <p className="text-sm text-muted">
          Hosts fetch the signed bundle of the current version with an agent token (<code className="font-mono">charter pull</code>).
          {fleet.currentVersion === null ? " Nothing is published yet, so hosts get 404 until the first version." : ` Current version: ${fleet.currentVersion}.`}
        </p>
      </header>

      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5" aria-label="Fleet totals">
        {[
          ["Hosts", totals.live],
          ["On current", totals.current],
          ["Stale", totals.stale],
          [`Silent > ${fleet.silentAfterHours} h`, totals.silent],
          ["Revoked", totals.revoked],
        ].map(([label, value]) => (
          <div key={label} className="rounded-lg border border-line px-4 py-3">
            <dt className="text-xs text-muted">{label}</dt>
            <dd className="text-lg font-semibold tabular-nums" data-testid={`total-${String(label).split(" ")[0].toLowerCase()}`}>{value}</dd>
          </div>
        ))}
      </dl>

      <Section id="versions" title="Hosts per version" description="What each live host runs: the version it reports installed, else the one it was last served.">
        <VersionChart data={fleet.byVersion} />
      </Section>

      <Section id="agent-tokens" title="Agent tokens" description="One token per host or group of hosts. Stored as hashes; a revoked token is refused within seconds.">
        <AgentTokens org={ctx.org.slug} hosts={fleet.hosts.map((h) => ({ ...h, createdAt: h.createdAt.toISOString(), lastCheckIn: h.lastCheckIn?.toISOString() ?? null, revokedAt: h.revokedAt?.toISOString() ?? null }))} canManage={manage} currentVersion={fleet.currentVersion} />
      </Section>
    </div>
  );
}
