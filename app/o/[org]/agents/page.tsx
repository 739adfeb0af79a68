import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { publicOrigin } from "@/lib/auth/session-security";
import { db } from "@/lib/db";
import { fleetFilterSchema, listFleet, orgKeyFingerprints, versionAdoption } from "@/lib/fleet/hosts";
import { listEnrollmentSecrets } from "@/lib/fleet/enroll";
import { pollIntervalSeconds } from "@/lib/fleet/config";
import { HOST_STATE_LABEL, HOST_STATES } from "@/lib/fleet/states";
import { getWebhook } from "@/lib/webhooks";
import { inputCls, secondaryBtn } from "@/components/ui/styles";
import { Section } from "../settings/ui";
import { AdoptionChart } from "./adoption-chart";
import { AgentTokens } from "./agent-tokens";
import { CopyField } from "@/components/ui/copy-field";
import { EnrollmentSecrets } from "./enrollment-secrets";
import { enrollCommand, pullCommand } from "@/lib/fleet/command";
import { FleetSettings } from "./fleet-settings";
import { HostsTable } from "./hosts-table";

export const metadata: Metadata = { title: "Agents" };

/**
 * The fleet: each host's state as its agent reports it (current, behind, failed, drifted, never checked in, silent),
 * counts per state, adoption of each version over time, filters, and what a new host needs to enrol. Everyone in the
 * org reads it; admins (policy:publish) manage enrolment secrets and tokens; owners set the interval and the webhook.
 */
export default async function AgentsPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireOrg((await params).org, "org:read");
  const raw = await searchParams;
  const one = (k: string) => (typeof raw[k] === "string" && raw[k] !== "" ? (raw[k] as string) : undefined);
  const filter = fleetFilterSchema.parse({ state: one("state"), group: one("group"), os: one("os"), codex: one("codex"), version: one("version"), q: one("q") });
  const manage = ctx.role !== null && can(ctx.role, "policy:publish");
  const owner = ctx.role !== null && can(ctx.role, "org:manage");
  const [fleet, adoption, secrets, fingerprints, org, webhook] = await Promise.all([
    listFleet(db, ctx, filter),
    versionAdoption(db, ctx),
    listEnrollmentSecrets(db, ctx),
    orgKeyFingerprints(db, ctx),
    db.organization.findUniqueOrThrow({ where: { id: ctx.org.id }, select: { agentPollSeconds: true } }),
    owner ? getWebhook(db, ctx) : Promise.resolve(null),
  ]);
  const server = publicOrigin(await headers(), "http://localhost:3000");
  const slug = ctx.org.slug;
  const jwksUrl = `${server}/api/v1/orgs/${slug}/keys`;
  const fingerprint = fingerprints.length ? fingerprints.join(",") : null;
  const link = (over: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...filter, ...over })) if (v !== undefined && v !== "") q.set(k, String(v));
    const s = q.toString();
    return `/o/${slug}/agents${s ? `?${s}` : ""}`;
  };
  const filtered = Object.values(filter).some((v) => v !== undefined);

  return (
    <div className="max-w-6xl space-y-6">
      <header>
        <h1 className="text-xl font-semibold">Agents</h1>
        <p className="text-sm text-muted">
          Hosts run <code className="font-mono">charter-agent</code>, install the signed requirements and report what is really on disk.
          {fleet.currentVersion === null ? " Nothing is published yet." : ` Current version: ${fleet.currentVersion}.`} Silent: no call for {fleet.silentAfterHours} h.
        </p>
      </header>

      <nav aria-label="Hosts per state">
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7">
          {HOST_STATES.map((s) => (
            <li key={s}>
              <Link href={link({ state: filter.state === s ? undefined : s })} aria-current={filter.state === s ? "true" : undefined}
                className={`block rounded-lg border px-4 py-3 hover:bg-panel ${filter.state === s ? "border-accent" : "border-line"}`}>
                <span className="block text-xs text-muted">{HOST_STATE_LABEL[s]}</span>
                <span className="text-lg font-semibold tabular-nums" data-testid={`count-${s}`}>{fleet.counts[s]}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <Section id="adoption" title="Adoption of each version" description="Hosts per installed version, per day, over the last 30 days.">
        <AdoptionChart data={adoption} currentVersion={fleet.currentVersion} />
      </Section>

      <Section id="hosts" title="Hosts" description="Click a host for its check-in history.">
        <form method="get" action={`/o/${slug}/agents`} className="flex flex-wrap items-end gap-3" aria-label="Filter hosts">
          <div className="space-y-1">
            <label htmlFor="f-q" className="block text-xs font-medium">Hostname</label>
            <input id="f-q" name="q" defaultValue={filter.q ?? ""} placeholder="search" className={`${inputCls} w-44`} />
          </div>
          {(
            [
              ["state", "State", HOST_STATES.map((s) => [s, HOST_STATE_LABEL[s]])],
              ["group", "Group", fleet.options.groups.map((g) => [g, g])],
              ["os", "OS", fleet.options.os.map((o) => [o, o])],
              ["codex", "Codex version", fleet.options.codex.map((c) => [c, c])],
              ["version", "Installed version", fleet.options.versions.map((v) => [String(v), `v${v}`])],
            ] as const
          ).map(([name, label, options]) => (
            <div key={name} className="space-y-1">
              <label htmlFor={`f-${name}`} className="block text-xs font-medium">{label}</label>
              <select id={`f-${name}`} name={name} defaultValue={filter[name] === undefined ? "" : String(filter[name])} className={inputCls}>
                <option value="">any</option>
                {options.map(([value, text]) => <option key={value} value={value}>{text}</option>)}
              </select>
            </div>
          ))}
          <button type="submit" className={secondaryBtn}>Filter</button>
          {filtered ? <Link href={`/o/${slug}/agents`} className="text-sm underline">Clear filters</Link> : null}
        </form>
        <HostsTable org={slug} hosts={fleet.hosts} currentVersion={fleet.currentVersion} />
      </Section>

      <Section id="enrol" title="Enrol hosts" description="A host enrols once with a secret and gets a token of its own; pin the org's key so it trusts only bundles you signed.">
        <div className="grid gap-3 md:grid-cols-2">
          <CopyField label="Org key fingerprint" value={fingerprint ?? "no signing key yet: publish a version first"} testId="key-fingerprint" />
          <CopyField label="JWKS URL" value={jwksUrl} testId="jwks-url" />
        </div>
        <CopyField label="Command for any enrolment secret" value={enrollCommand(server, slug, fingerprint, "$CHARTER_ENROLL_SECRET")} testId="enroll-command-template" />
        <CopyField label="charter pull command (a host without the agent; its agent token in CHARTER_TOKEN)" value={pullCommand(server, slug, fingerprint)} testId="pull-command" />
        <EnrollmentSecrets org={slug} server={server} fingerprint={fingerprint} canManage={manage}
          secrets={secrets.map((s) => ({ id: s.id, name: s.name, group: s.group, prefix: s.prefix, maxUses: s.maxUses, uses: s.uses, expiresAt: s.expiresAt.toISOString(), status: s.status }))} />
      </Section>

      <Section id="agent-tokens" title="Agent tokens" description="Tokens made by hand (one per host), for hosts that do not enrol. Enrolled hosts have their own token here too; revoking one touches no other host.">
        <AgentTokens org={slug} canManage={manage}
          tokens={fleet.all.map((h) => ({ id: h.id, name: h.name, group: h.group, prefix: h.prefix, createdAt: h.createdAt.toISOString(), revokedAt: h.revokedAt?.toISOString() ?? null, enrolled: h.enrolled }))} />
      </Section>

      {owner ? (
        <Section id="fleet-settings" title="Check-ins and notifications" description="How often hosts report, and where Charter posts when a host turns drifted or failed.">
          <FleetSettings org={slug} pollSeconds={org.agentPollSeconds} defaultPollSeconds={pollIntervalSeconds(null)} webhook={webhook ? { url: webhook.url, enabled: webhook.enabled } : null} />
        </Section>
      ) : null}
    </div>
  );
}
