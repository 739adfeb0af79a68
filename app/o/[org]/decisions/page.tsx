import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { decisionStats, getDecisionSettings, listDecisions, listIngestKeys, recentDecisionAlerts, DECISION_STATUSES, SEARCH_SCAN_ROWS, type DecisionStats } from "@/lib/decisions";
import { inputCls, primaryBtn, secondaryBtn } from "@/components/ui/styles";
import { formatTime } from "@/components/format";
import { Section } from "../settings/ui";
import { BreakdownChart, OverTimeChart, StatusBadge } from "./charts";
import { CollectionSettings, GroupCollection, IngestKeys, OtlpExportSettings, ReplayForm } from "./panels";
import { listGroupCollection } from "@/lib/decisions/group-collection";
import { getOtlpExport } from "@/lib/decisions/siem-otlp";

export const metadata: Metadata = { title: "Decisions" };

type Search = Record<string, string | string[] | undefined>;
const FILTER_KEYS = ["from", "to", "status", "riskLevel", "kind", "group", "host", "model", "policyVersion", "q"] as const;

const pct = (n: number | null) => (n === null ? "–" : `${(n * 100).toFixed(1)} %`);

/**
 * Every Auto-review decision the org's hosts reported: charts over time and by risk, kind, group, host, model and policy
 * version, a filterable table, replay of a policy on real requests, and (for admins) collection, masking and ingest keys.
 */
export default async function DecisionsPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<Search> }) {
  const ctx = await requireOrg((await params).org, "org:read");
  const sp = await searchParams;
  const filter: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = sp[k];
    if (typeof v === "string" && v.trim() !== "") filter[k] = v.trim();
  }
  const before = typeof sp.before === "string" ? sp.before : undefined;
  const base = `/o/${ctx.org.slug}/decisions`;
  const withFilter = (extra: Record<string, string>) => `${base}?${new URLSearchParams({ ...filter, ...extra }).toString()}`;
  const canEdit = ctx.role !== null && can(ctx.role, "policy:edit");
  const canPublish = ctx.role !== null && can(ctx.role, "policy:publish");
  const canManage = ctx.role !== null && can(ctx.role, "org:manage");

  let stats: DecisionStats | null = null;
  let page: Awaited<ReturnType<typeof listDecisions>> = { rows: [], next: null };
  let problem: string | null = null;
  try {
    [stats, page] = await Promise.all([decisionStats(db, ctx, filter), listDecisions(db, ctx, filter, { limit: 50, before })]);
  } catch (err) {
    if (err instanceof AppError || (err as Error).name === "ZodError") problem = err instanceof AppError ? err.message : "Some filters are not valid; check the dates and the version number.";
    else throw err;
  }
  const settings = await getDecisionSettings(db, ctx);
  const keys = canPublish ? await listIngestKeys(db, ctx) : [];
  const alerts = await recentDecisionAlerts(db, ctx.org.id, 10);
  // Deliveries to the org's SIEM (its webhook, set up under Agents, or its OTLP export) that ran out of retries.
  const deadLetters = canPublish
    ? await db.webhookDelivery.findMany({
        where: { orgId: ctx.org.id, failedAt: { not: null }, OR: [{ event: { startsWith: "decisions." } }, { sink: "otlp" }] },
        orderBy: { failedAt: "desc" },
        take: 20,
        select: { id: true, sink: true, event: true, attempts: true, lastError: true, failedAt: true },
      })
    : [];
  const otlpExport = canManage ? await getOtlpExport(db, ctx) : null;
  const groupCollection = canPublish ? await listGroupCollection(db, ctx) : [];
  const t = stats?.totals;

  return (
    <div className="max-w-6xl space-y-6">
      <header>
        <h1 className="text-xl font-semibold">Decisions</h1>
        <p className="text-sm text-muted">
          Every Auto-review your hosts reported: what the reviewer decided, why, and under which policy version.
          {settings.collect ? " Collection is on." : " Collection is off: switch it on below so hosts report their decisions."}
        </p>
      </header>

      <form method="get" action={base} aria-label="Filter decisions" className="flex flex-wrap items-end gap-2 text-sm">
        <label className="flex flex-col gap-1">From<input type="datetime-local" name="from" defaultValue={filter.from ?? ""} className={inputCls} /></label>
        <label className="flex flex-col gap-1">To<input type="datetime-local" name="to" defaultValue={filter.to ?? ""} className={inputCls} /></label>
        <label className="flex flex-col gap-1">Outcome
          <select name="status" defaultValue={filter.status ?? ""} className={inputCls}>
            <option value="">any</option>
            {DECISION_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        {(["riskLevel", "kind", "group", "host", "model", "policyVersion"] as const).map((k) => (
          <label key={k} className="flex flex-col gap-1">{{ riskLevel: "Risk", kind: "Kind", group: "Group", host: "Host", model: "Model", policyVersion: "Version" }[k]}
            <input name={k} defaultValue={filter[k] ?? ""} className={`${inputCls} w-28`} />
          </label>
        ))}
        <label className="flex flex-col gap-1">Search<input name="q" defaultValue={filter.q ?? ""} placeholder="command, rationale" className={inputCls} /></label>
        <button className={primaryBtn}>Apply</button>
        {Object.keys(filter).length > 0 && <Link href={base} className={secondaryBtn}>Clear</Link>}
      </form>
      {problem && <p role="alert" className="text-sm text-danger">{problem}</p>}

      {stats && t && (
        <>
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-7" aria-label="Decision totals">
            {([
              ["Decisions", t.total],
              ["Allowed", t.allow],
              ["Denied", t.deny],
              ["Failed closed", t.failed],
              ["Timed out", t.timed_out],
              ["Deny rate", pct(t.denyRate)],
              ["Fail-closed rate", pct(t.failClosedRate)],
            ] as const).map(([label, value]) => (
              <div key={label} className="rounded-lg border border-line px-4 py-3">
                <dt className="text-xs text-muted">{label}</dt>
                <dd className="text-lg font-semibold tabular-nums" data-testid={`decisions-total-${label.toLowerCase().replace(/\s+/g, "-")}`}>{value}</dd>
              </div>
            ))}
          </dl>
          {stats.searchedFrom && <p className="text-xs text-muted" data-testid="search-charts-from">The search counts matches among the newest {SEARCH_SCAN_ROWS.toLocaleString("en")} decisions of the window, back to {formatTime(new Date(stats.searchedFrom), "second")}; narrow the window or the filters to count further back.</p>}
          <Section id="over-time" title="Over time" description={`${stats.from.slice(0, 16).replace("T", " ")} to ${stats.to.slice(0, 16).replace("T", " ")} UTC, per ${stats.bucket}.`}>
            <OverTimeChart stats={stats} />
          </Section>
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            <BreakdownChart title="By risk" rows={stats.by.riskLevel} href={(v) => withFilter({ riskLevel: v })} />
            <BreakdownChart title="By request kind" rows={stats.by.kind} href={(v) => withFilter({ kind: v })} />
            <BreakdownChart title="By group" rows={stats.by.group} href={(v) => withFilter({ group: v })} />
            <BreakdownChart title="By host" rows={stats.by.hostName} href={(v) => withFilter({ host: v })} />
            <BreakdownChart title="By model" rows={stats.by.model} href={(v) => withFilter({ model: v })} />
            <BreakdownChart title="By policy version" rows={stats.by.policyVersion} href={(v) => withFilter({ policyVersion: v })} />
          </div>
        </>
      )}

      <Section id="table" title="Decisions" description="Newest first. Open one to see the action, the rationale and the policy version in force.">
        {page.rows.length === 0 ? (
          <p className="text-sm text-muted">No decisions match. Hosts report decisions once collection is on and the version carrying it is installed.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" aria-label="Decisions">
              <thead className="text-left text-xs text-muted">
                <tr><th className="py-1 pr-3">When (UTC)</th><th className="pr-3">Outcome</th><th className="pr-3">Risk</th><th className="pr-3">Kind</th><th className="pr-3">Action</th><th className="pr-3">Host</th><th className="pr-3">Group</th><th className="pr-3">Model</th><th>Version</th></tr>
              </thead>
              <tbody>
                {page.rows.map((r) => (
                  <tr key={`${r.id}-${r.occurredAt.toISOString()}`} className="border-t border-line align-top">
                    <td className="py-1.5 pr-3 whitespace-nowrap tabular-nums"><Link className="hover:underline" href={`${base}/${encodeURIComponent(r.id)}`}>{formatTime(r.occurredAt, "second")}</Link></td>
                    <td className="pr-3"><StatusBadge status={r.status} /></td>
                    <td className="pr-3">{r.riskLevel ?? "–"}</td>
                    <td className="pr-3">{r.kind}</td>
                    <td className="max-w-md truncate pr-3 font-mono text-xs" title={r.summary}>{r.summary}</td>
                    <td className="pr-3">{r.hostName ?? "–"}</td>
                    <td className="pr-3">{r.group ?? "–"}</td>
                    <td className="pr-3">{r.model ?? "–"}</td>
                    <td>{r.policyVersion ?? "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {page.searchedTo && <p className="mt-2 text-xs text-muted" data-testid="search-stopped">A search reads {SEARCH_SCAN_ROWS.toLocaleString("en")} decisions at a time: this one read back to {formatTime(page.searchedTo, "second")}.</p>}
            {page.next && <p className="mt-2"><Link className={secondaryBtn} href={withFilter({ before: page.next })}>{page.searchedTo ? "Search older decisions" : "Older decisions"}</Link></p>}
          </div>
        )}
      </Section>

      {alerts.length > 0 && (
        <Section id="alerts" title="Alerts" description="Deny-rate and fail-closed-rate jumps per group, and hosts that stopped reporting. Each is also in the audit log and sent to the org's webhook.">
          <ul className="space-y-1 text-sm" aria-label="Decision alerts">
            {alerts.map((a) => (
              <li key={`${a.at.toISOString()}-${a.subject}-${a.kind}`}><span className="tabular-nums text-muted">{formatTime(a.at)}</span> <strong>{a.subject}</strong>: {a.detail}</li>
            ))}
          </ul>
        </Section>
      )}

      {canEdit && (
        <Section id="replay" title="Replay a policy on real decisions" description="Reviews a stratified sample of the latest real requests (by kind and outcome, duplicates removed) under the draft, a version or pasted text, and lists every decision that would flip.">
          <ReplayForm org={ctx.org.slug} />
        </Section>
      )}
      {canPublish && (
        <>
          <Section id="collection" title="Collection, retention and masking" description="When collection is on, the draft gains the [otel] section that makes Codex report each Auto-review to the host agent's relay on loopback; review it in the diff and publish it like any change.">
            <CollectionSettings org={ctx.org.slug} current={{ collect: settings.collect, relayPort: settings.relayPort, retentionDays: settings.retentionDays, patterns: settings.mask.patterns, jsonPaths: settings.mask.jsonPaths, exactRequests: settings.exactRequests }} />
          </Section>
          {groupCollection.length > 0 && (
            <Section id="group-collection" title="Collection per group" description="A group can inherit the org's switch or turn collection on or off for its hosts. The switch edits the group's overlay draft; publish the overlay (Groups) for it to reach the hosts.">
              <GroupCollection org={ctx.org.slug} groups={groupCollection} />
            </Section>
          )}
          {deadLetters.length > 0 && (
            <Section id="dead-letters" title="SIEM dead letters" description="Deliveries of decisions, alerts or audit events to the org's webhook or OTLP export that failed every retry.">
              <ul className="space-y-1 text-sm" aria-label="Dead letters">
                {deadLetters.map((d) => (
                  <li key={d.id}><span className="tabular-nums text-muted">{formatTime(d.failedAt)}</span> {d.sink === "otlp" ? "OTLP export" : "Webhook"} · {d.event}: {d.attempts} attempts, last error {d.lastError ?? "unknown"}</li>
                ))}
              </ul>
            </Section>
          )}
          {canManage && (
            <Section id="otlp-export" title="OTLP export to a SIEM" description="Sends every stored decision and every audit event as an OTLP log record (OTLP/HTTP JSON) to your collector, retried like the webhook. Header values (e.g. an API key) are encrypted at rest and never shown again.">
              <OtlpExportSettings org={ctx.org.slug} current={otlpExport ? { endpoint: otlpExport.endpoint, enabled: otlpExport.enabled, headerNames: otlpExport.headerNames } : null} />
            </Section>
          )}
          <Section id="ingest-keys" title="OTLP ingest keys" description="Write-only keys for Codex or your own collector exporting OTLP/HTTP logs straight to Charter's /v1/logs (Authorization: Bearer chk_…).">
            <IngestKeys org={ctx.org.slug} keys={keys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null }))} />
          </Section>
        </>
      )}
    </div>
  );
}
