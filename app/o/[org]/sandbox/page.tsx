import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { listVersions } from "@/lib/policies";
import { ensureSeedSamples, listRuns, listSamples, providerOptions } from "@/lib/sandbox";
import { REQUEST_KINDS } from "@/lib/guardian/actions";
import { linkCls, secondaryBtn, inputCls } from "@/components/sandbox/ui";
import { formatTime } from "@/components/format";
import { Workbench } from "./workbench";
import { ProviderForm } from "./provider-form";
import { ImportForm } from "./import-form";

export const metadata: Metadata = { title: "Sandbox" };

/**
 * The reviewer sandbox: sample library, new run, recent runs with a compare picker, provider settings. Every member
 * reads; policy editors run and manage samples; admins and owners set the provider. Actions check again on the server.
 */
export default async function SandboxPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ tag?: string; kind?: string }> }) {
  const ctx = await requireOrg((await params).org, "org:read");
  const sp = await searchParams;
  await ensureSeedSamples(db, ctx);
  const tag = typeof sp.tag === "string" && sp.tag ? sp.tag : undefined;
  const kind = typeof sp.kind === "string" && (REQUEST_KINDS as readonly string[]).includes(sp.kind) ? sp.kind : undefined;
  const [allSamples, runs, providers, versions] = await Promise.all([listSamples(db, ctx), listRuns(db, ctx, 30), providerOptions(db, ctx), listVersions(db, ctx, { limit: 50 })]);
  const samples = allSamples.filter((s) => (!tag || s.tags.includes(tag)) && (!kind || s.kind === kind));
  const tags = [...new Set(allSamples.flatMap((s) => s.tags))].sort();
  const role = ctx.role;
  const mayEdit = role !== null && can(role, "policy:edit");
  const mayProvider = role !== null && can(role, "policy:publish");
  const slug = ctx.org.slug;
  const base = `/o/${slug}/sandbox`;
  const filterHref = (next: { tag?: string; kind?: string }) => {
    const q = new URLSearchParams();
    if (next.tag) q.set("tag", next.tag);
    if (next.kind) q.set("kind", next.kind);
    return q.size ? `${base}?${q}` : base;
  };

  return (
    <div className="max-w-6xl space-y-6">
      <header className="space-y-1">
        <h1 className="text-xl font-semibold">Reviewer sandbox</h1>
        <p className="max-w-3xl text-sm text-muted">
          Try an Auto-review policy on sample approval requests before publishing it. The prompt is composed as Codex 0.169 composes it
          and the answer is read with Codex&apos;s rules; failures deny, as they do in Codex.
          {mayEdit ? "" : ` You are ${role}: you can read runs; policy editors start them.`}
        </p>
      </header>

      <section aria-labelledby="samples-heading" className="space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="samples-heading" className="text-base font-semibold">Samples</h2>
            <p className="text-sm text-muted">{allSamples.length} sample{allSamples.length === 1 ? "" : "s"} across the six request kinds. Each is the action JSON Codex sends, an optional transcript and the outcome you expect.</p>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <a className={secondaryBtn} href={`/api/v1/orgs/${slug}/sandbox/samples/export`} download>Export JSON</a>
          </div>
        </div>
        <nav aria-label="Filter samples" className="flex flex-wrap items-center gap-1.5 text-sm">
          <span className="text-xs font-medium text-muted">Kind:</span>
          <Link className={!kind ? "font-semibold underline underline-offset-2" : linkCls} href={filterHref({ tag })} aria-current={!kind ? "page" : undefined}>all</Link>
          {REQUEST_KINDS.map((k) => (
            <Link key={k} className={kind === k ? "font-semibold underline underline-offset-2" : linkCls} href={filterHref({ tag, kind: k })} aria-current={kind === k ? "page" : undefined}>{k}</Link>
          ))}
          <span className="ml-3 text-xs font-medium text-muted">Tag:</span>
          <Link className={!tag ? "font-semibold underline underline-offset-2" : linkCls} href={filterHref({ kind })} aria-current={!tag ? "page" : undefined}>all</Link>
          {tags.map((t) => (
            <Link key={t} className={tag === t ? "font-semibold underline underline-offset-2" : linkCls} href={filterHref({ kind, tag: t })} aria-current={tag === t ? "page" : undefined}>{t}</Link>
          ))}
        </nav>
        <Workbench
          key={`${kind ?? ""}|${tag ?? ""}`}
          org={slug}
          samples={samples}
          canEdit={mayEdit}
          versions={versions.map((v) => ({ number: v.number, note: v.note }))}
          providers={{ baselineLabel: providers.baseline.label, org: providers.org.configured ? { baseUrl: providers.org.baseUrl!, model: providers.org.model! } : null, env: providers.env }}
        />
        {mayEdit ? <ImportForm org={slug} /> : null}
      </section>

      <section aria-labelledby="runs-heading" className="space-y-3">
        <h2 id="runs-heading" className="text-base font-semibold">Recent runs</h2>
        {runs.length === 0 ? (
          <p className="text-sm text-muted">No runs yet.{mayEdit ? " Choose samples above and start one." : ""}</p>
        ) : (
          <>
            <form action={`${base}/compare`} method="get" className="flex flex-wrap items-end gap-2 text-sm" aria-label="Compare two runs">
              <div className="space-y-1">
                <label htmlFor="compare-a" className="block text-xs font-medium">Current (before)</label>
                <select id="compare-a" name="a" className={inputCls} defaultValue={(runs.find((r) => r.policyLabel.startsWith("Version")) ?? runs[1] ?? runs[0]).id}>
                  {runs.map((r) => <option key={r.id} value={r.id}>{`${r.policyLabel} · ${r.provider === "baseline" ? "baseline" : r.model} · ${formatTime(r.createdAt, "second")}`}</option>)}
                </select>
              </div>
              <div className="space-y-1">
                <label htmlFor="compare-b" className="block text-xs font-medium">Proposed (after)</label>
                <select id="compare-b" name="b" className={inputCls} defaultValue={(runs.find((r) => r.policyLabel.startsWith("Draft")) ?? runs[0]).id}>
                  {runs.map((r) => <option key={r.id} value={r.id}>{`${r.policyLabel} · ${r.provider === "baseline" ? "baseline" : r.model} · ${formatTime(r.createdAt, "second")}`}</option>)}
                </select>
              </div>
              <button type="submit" className={secondaryBtn}>Compare</button>
            </form>
            <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Recent runs, scrolls sideways">
              <table className="w-full text-sm" aria-label="Recent runs">
                <thead className="border-b border-line text-left text-xs uppercase tracking-wide text-muted">
                  <tr>{["Started", "Policy", "sha256", "Reviewer", "Reviews", "Status", "By"].map((h) => <th key={h} scope="col" className="py-2 pr-3 font-medium">{h}</th>)}</tr>
                </thead>
                <tbody>
                  {runs.map((r) => (
                    <tr key={r.id} className="border-b border-line last:border-0" data-testid={`run-row-${r.id}`}>
                      <td className="py-2 pr-3"><Link className={linkCls} href={`${base}/runs/${r.id}`}>{formatTime(r.createdAt, "second")}</Link></td>
                      <td className="py-2 pr-3">{r.policyLabel}</td>
                      <td className="py-2 pr-3 font-mono text-xs" title={r.policySha256}>{r.policySha256.slice(0, 12)}</td>
                      <td className="py-2 pr-3">{r.provider === "baseline" ? <span className="text-amber-900">Baseline (built-in rules, no model)</span> : <span>{r.model}</span>}</td>
                      <td className="py-2 pr-3">{r.completed}/{r.total}{r.repeat > 1 ? ` (×${r.repeat})` : ""}</td>
                      <td className="py-2 pr-3">{r.status}</td>
                      <td className="py-2 pr-3 text-muted">{r.startedBy}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>

      <section aria-labelledby="provider-heading" className="space-y-3 rounded-lg border border-line p-4">
        <h2 id="provider-heading" className="text-base font-semibold">Provider</h2>
        <p className="text-sm text-muted">
          Any OpenAI-compatible endpoint (chat completions). The API key is encrypted at rest and never shown again. Without a provider the sandbox
          runs on the baseline rules.{providers.env ? ` The server environment also provides ${providers.env.baseUrl} (model ${providers.env.model}).` : ""}
        </p>
        {mayProvider ? (
          <ProviderForm org={slug} current={{ ...providers.org, updatedAt: providers.org.updatedAt ? providers.org.updatedAt.toISOString() : null }} />
        ) : providers.org.configured ? (
          <p className="text-sm">Configured: {providers.org.baseUrl}, model {providers.org.model}{providers.org.hasApiKey ? `, key ${providers.org.apiKeyHint}` : ", no key"}. Only admins and owners change it.</p>
        ) : (
          <p className="text-sm">No provider is configured for this organisation. Only admins and owners set one.</p>
        )}
      </section>
    </div>
  );
}
