import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { Download, ShieldAlert, ShieldCheck } from "lucide-react";
import { can } from "@/lib/auth/actor";
import { requireOrg } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { auditFiltersSchema, filtersFromSearchParams, listAuditActions, queryAudit, verifyOrg, type AuditEventView, type BrokenReason } from "@/lib/audit";

export const metadata: Metadata = { title: "Audit" };

type SearchParams = Record<string, string | string[] | undefined>;

// The filters the form carries (and the export links repeat); paging keys are added separately.
const FILTER_KEYS = ["actor", "action", "target", "from", "to"] as const;

const inputCls = "w-full rounded-md border border-line bg-white px-2.5 py-1.5 text-sm outline-none focus:border-accent focus:ring-2 focus:ring-accent/20";
const linkBtn = "inline-flex items-center gap-1.5 rounded-md border border-line bg-white px-2.5 py-1 text-sm hover:bg-panel focus-visible:outline-2 focus-visible:outline-accent";

export default async function AuditPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<SearchParams> }) {
  const slug = (await params).org;
  const member = await requireOrg(slug);
  if (!member.role || !can(member.role, "audit:export")) return <NoAccess role={member.role} orgName={member.org.name} />;
  const ctx = await requireOrg(slug, "audit:export");

  const sp = await searchParams;
  const raw = filtersFromSearchParams(sp);
  const current = Object.fromEntries(FILTER_KEYS.map((k) => [k, typeof raw[k] === "string" ? (raw[k] as string) : ""])) as Record<(typeof FILTER_KEYS)[number], string>;
  const parsed = auditFiltersSchema.safeParse(raw);
  const [page, actions] = await Promise.all([parsed.success ? queryAudit(db, ctx, parsed.data) : null, listAuditActions(db, ctx)]);
  const filterQuery = new URLSearchParams(Object.entries(current).filter(([, v]) => v !== ""));
  const filtered = filterQuery.size > 0;
  const base = `/o/${ctx.org.slug}/audit`;
  const exportHref = (format: string) => `/api/v1/orgs/${ctx.org.slug}/audit/export?${new URLSearchParams([["format", format], ...filterQuery])}`;

  return (
    <div className="max-w-7xl space-y-4">
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold">Audit log</h1>
          <p className="text-sm text-muted">Every change and sign-in in {ctx.org.name}, hash-chained and append-only. Times are UTC.</p>
        </div>
        <Suspense fallback={<p role="status" className="rounded-full border border-line px-3 py-1 text-xs text-muted">Verifying chain…</p>}>
          <ChainBadge orgId={ctx.org.id} />
        </Suspense>
      </header>

      <form method="get" action={base} aria-label="Filter events" className="grid grid-cols-2 items-end gap-3 rounded-lg border border-line bg-panel p-3 md:grid-cols-6">
        <Field id="f-actor" label="Actor">
          <input id="f-actor" name="actor" defaultValue={current.actor} placeholder="email, token or id" className={inputCls} />
        </Field>
        <Field id="f-action" label="Action">
          <select id="f-action" name="action" defaultValue={current.action} className={inputCls}>
            <option value="">Any action</option>
            {[...new Set([...actions, ...(current.action ? [current.action] : [])])].sort().map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </Field>
        <Field id="f-target" label="Target">
          <input id="f-target" name="target" defaultValue={current.target} placeholder="type, id or type:id" className={inputCls} />
        </Field>
        <Field id="f-from" label="From">
          <input id="f-from" name="from" type="date" defaultValue={current.from} className={inputCls} />
        </Field>
        <Field id="f-to" label="To">
          <input id="f-to" name="to" type="date" defaultValue={current.to} className={inputCls} />
        </Field>
        <div className="flex gap-2">
          <button type="submit" className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent/90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent">Apply</button>
          {filtered ? <Link href={base} className="px-1 py-1.5 text-sm text-muted underline-offset-2 hover:text-ink hover:underline">Clear</Link> : null}
        </div>
      </form>

      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-muted" aria-live="polite">
          {page && page.events.length
            ? `Showing ${page.events.length} event${page.events.length === 1 ? "" : "s"}${filtered ? " matching the filters" : ""}${page.nextCursor ? " · older ones on the next page" : ""}`
            : ""}
        </p>
        <div className="flex items-center gap-2 text-sm">
          <span className="text-muted">Export{filtered ? " (filtered)" : ""}:</span>
          <a href={exportHref("jsonl")} download className={linkBtn}><Download aria-hidden className="size-3.5" /> JSONL</a>
          <a href={exportHref("csv")} download className={linkBtn}><Download aria-hidden className="size-3.5" /> CSV</a>
        </div>
      </div>

      {!parsed.success ? (
        <p role="alert" className="rounded-md border border-danger/30 bg-danger/5 px-3 py-2 text-sm text-danger">
          {parsed.error.issues.map((i) => `${i.path.join(".") || "filter"}: ${i.message}`).join("; ")}
        </p>
      ) : page && page.events.length === 0 ? (
        <div className="rounded-lg border border-dashed border-line p-10 text-center">
          <p className="text-sm font-medium">{filtered ? "No events match these filters" : "No events yet"}</p>
          <p className="mt-1 text-sm text-muted">
            {filtered ? <Link href={base} className="text-accent underline-offset-2 hover:underline">Show all events</Link> : "Changes to policy, keys, tokens, members and settings, and every sign-in, will appear here."}
          </p>
        </div>
      ) : page ? (
        <>
          <EventsTable events={page.events} />
          <nav aria-label="Pages" className="flex justify-between text-sm">
            {sp.cursor ? <Link href={`${base}?${filterQuery}`} className={linkBtn}>← Newest events</Link> : <span />}
            {page.nextCursor ? <Link href={`${base}?${new URLSearchParams([...filterQuery, ["cursor", page.nextCursor]])}`} className={linkBtn}>Older events →</Link> : null}
          </nav>
        </>
      ) : null}
    </div>
  );
}

function Field({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs font-medium">{label}</label>
      {children}
    </div>
  );
}

const BROKEN_TITLE: Record<BrokenReason, string> = {
  seq_gap: "Broken",
  duplicate_seq: "Broken",
  wrong_chain: "Broken",
  hash_mismatch: "Broken",
  prev_hash_mismatch: "Broken",
  mac_mismatch: "Rewritten",
  truncated: "Truncated",
  wiped: "Wiped",
  anchor_mismatch: "Rewritten",
};

/** Recomputes the whole chain, so it streams in after the table (Suspense) instead of holding the page back. */
async function ChainBadge({ orgId }: { orgId: string }) {
  const r = await verifyOrg(db, orgId);
  if (r.ok) {
    return (
      <p data-testid="chain-status" className="inline-flex items-center gap-1.5 rounded-full border border-emerald-200 bg-emerald-50 px-3 py-1 text-xs font-medium text-emerald-800"
        title={`${r.head ? `Head #${r.head.seq}: ${r.head.hash}` : "No events yet"}${r.checks.macs ? " · MACs valid" : ""}${r.checks.anchoredSeq !== null ? ` · matches its anchor at #${r.checks.anchoredSeq}` : " · no anchor outside the database"}`}>
        <ShieldCheck aria-hidden className="size-3.5" /> Chain intact · {r.count} {r.count === 1 ? "event" : "events"}
      </p>
    );
  }
  return (
    <div data-testid="chain-status" role="alert" className="max-w-md rounded-lg border border-danger/30 bg-danger/5 px-3 py-2 text-xs text-danger">
      <p className="inline-flex items-center gap-1.5 font-semibold"><ShieldAlert aria-hidden className="size-3.5" /> {BROKEN_TITLE[r.firstBroken.reason]} at #{r.firstBroken.seq}</p>
      <p className="mt-0.5">{r.firstBroken.message}{r.firstBroken.id ? ` (event id ${r.firstBroken.id})` : ""}. Run <code className="font-mono">charter audit verify</code> for every chain.</p>
    </div>
  );
}

function EventsTable({ events }: { events: AuditEventView[] }) {
  return (
    // Scrolls sideways on narrow screens; focusable so keyboard users can scroll it too.
    <div className="overflow-x-auto rounded-lg border border-line" tabIndex={0} role="region" aria-label="Audit events">
      <table className="w-full text-left text-xs">
        <caption className="sr-only">Audit events, newest first</caption>
        <thead className="bg-panel text-muted">
          <tr>
            {["#", "Time (UTC)", "Actor", "Action", "Target", "Details", "IP · request"].map((h) => (
              <th key={h} scope="col" className="whitespace-nowrap px-2.5 py-2 font-medium">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {events.map((e) => (
            <tr key={e.id} className="align-top">
              <td className="px-2.5 py-1.5 font-mono text-muted">{e.seq}</td>
              <td className="whitespace-nowrap px-2.5 py-1.5 font-mono">
                <time dateTime={e.time}>{e.time.slice(0, 10)}<span className="block text-muted">{e.time.slice(11, 19)}</span></time>
              </td>
              <td className="max-w-44 px-2.5 py-1.5">
                <span className="block truncate" title={e.actor.label}>{e.actor.label}</span>
                <span className="text-muted">{e.actor.type}</span>
              </td>
              <td className="whitespace-nowrap px-2.5 py-1.5 font-mono">{e.action}</td>
              <td className="max-w-40 px-2.5 py-1.5">
                {e.target ? (
                  <>
                    <span className="text-muted">{e.target.type}</span>
                    {e.target.id ? <span className="block truncate font-mono" title={e.target.id}>{e.target.id}</span> : null}
                  </>
                ) : <span className="text-muted">—</span>}
              </td>
              <td className="px-2.5 py-1.5"><Details event={e} /></td>
              <td className="max-w-36 px-2.5 py-1.5 font-mono">
                <span className="block whitespace-nowrap">{e.ip ?? "—"}</span>
                <span className="block truncate text-muted" title={e.requestId ? `Request ${e.requestId}` : undefined}>{e.requestId ?? "—"}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type DiffEntry = { before?: unknown; after?: unknown };

function Details({ event }: { event: AuditEventView }) {
  const diff = isRecord(event.diff) ? (Object.entries(event.diff) as [string, DiffEntry][]) : [];
  const meta = isRecord(event.meta) ? Object.entries(event.meta) : [];
  if (!diff.length && !meta.length) return <span className="text-muted">—</span>;
  const summary = [diff.length ? `${diff.length} field${diff.length === 1 ? "" : "s"}: ${diff.map(([k]) => k).join(", ")}` : null, !diff.length && meta.length ? meta.map(([k, v]) => `${k}: ${short(v)}`).join(", ") : null]
    .filter(Boolean)
    .join(" ");
  return (
    <details className="group">
      <summary className="max-w-64 cursor-pointer truncate text-ink marker:text-muted focus-visible:outline-2 focus-visible:outline-accent">{summary}</summary>
      <dl className="mt-1 max-w-80 space-y-1 font-mono">
        {diff.map(([field, d]) => (
          <div key={`d-${field}`}>
            <dt className="font-semibold">{field}</dt>
            <dd className="break-all">
              {"before" in d ? <span className="bg-danger/10 text-danger line-through decoration-danger/40">{show(d.before)}</span> : null}
              {"before" in d && "after" in d ? <span className="text-muted"> → </span> : null}
              {"after" in d ? <span className="bg-emerald-50 text-emerald-800">{show(d.after)}</span> : null}
            </dd>
          </div>
        ))}
        {meta.map(([k, v]) => (
          <div key={`m-${k}`}>
            <dt className="text-muted">{k}</dt>
            <dd className="break-all">{show(v)}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function short(v: unknown): string {
  const s = show(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

function NoAccess({ role, orgName }: { role: string | null; orgName: string }) {
  return (
    <div className="max-w-5xl space-y-4">
      <h1 className="text-xl font-semibold">Audit log</h1>
      <div className="rounded-lg border border-line bg-panel p-8 text-center" data-testid="audit-no-access">
        <ShieldAlert aria-hidden className="mx-auto size-6 text-muted" />
        <p className="mt-2 text-sm font-medium">You need the auditor, admin or owner role to read the audit log.</p>
        <p className="mt-1 text-sm text-muted">You are {role ? `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}` : "not a member"} in {orgName}. An owner can change your role under Settings.</p>
      </div>
    </div>
  );
}
