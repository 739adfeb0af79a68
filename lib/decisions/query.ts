import type { Db } from "../db";
import { Prisma } from "../db";
import { AppError } from "../errors";
import type { OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { decisionFilterSchema, type DecisionFilter } from "./schemas";

/*
 * The Decisions page's reads. Every query is scoped by org and bounded by a time window (default: the last 7 days), so
 * it stays on the (orgId, occurredAt) key and on one or two monthly partitions however large the table grows.
 */

export const DEFAULT_WINDOW_DAYS = 7;
export const BREAKDOWNS = ["riskLevel", "kind", "group", "hostName", "model", "policyVersion"] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

export interface StatusCounts {
  allow: number;
  deny: number;
  failed: number;
  timed_out: number;
  total: number;
}

export interface DecisionStats {
  from: string;
  to: string;
  bucket: "hour" | "day";
  totals: StatusCounts & { denyRate: number | null; failClosedRate: number | null };
  overTime: ({ at: string } & StatusCounts)[];
  by: Record<Breakdown, ({ value: string } & StatusCounts)[]>;
  /** Under a text search that stopped at SEARCH_SCAN_ROWS decisions: the time of the oldest one it read. */
  searchedFrom?: string;
}

export interface DecisionRow {
  id: string;
  occurredAt: Date;
  status: string;
  riskLevel: string | null;
  userAuthorization: string | null;
  kind: string;
  hostName: string | null;
  hostId: string | null;
  group: string | null;
  model: string | null;
  policyVersion: number | null;
  codexVersion: string | null;
  rationale: string;
  summary: string;
}

const empty = (): StatusCounts => ({ allow: 0, deny: 0, failed: 0, timed_out: 0, total: 0 });

function window(filter: DecisionFilter, now: Date): { from: Date; to: Date } {
  const to = filter.to ?? now;
  const from = filter.from ?? new Date(to.getTime() - DEFAULT_WINDOW_DAYS * 86_400_000);
  if (from > to) throw new AppError("validation_failed", "from must be before to.");
  if (to.getTime() - from.getTime() > 400 * 86_400_000) throw new AppError("validation_failed", "Choose a window of at most 400 days.");
  return { from, to };
}

/** WHERE clause of a filter (org and window always). */
function where(orgId: string, f: DecisionFilter, w: { from: Date; to: Date }): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`"orgId" = ${orgId}`, Prisma.sql`"occurredAt" >= ${w.from}`, Prisma.sql`"occurredAt" < ${w.to}`];
  if (f.status) parts.push(Prisma.sql`status = ${f.status}`);
  if (f.riskLevel) parts.push(f.riskLevel === "none" ? Prisma.sql`"riskLevel" IS NULL` : Prisma.sql`"riskLevel" = ${f.riskLevel}`);
  if (f.kind) parts.push(Prisma.sql`kind = ${f.kind}`);
  if (f.group) parts.push(f.group === "none" ? Prisma.sql`"group" IS NULL` : Prisma.sql`"group" = ${f.group}`);
  if (f.host) parts.push(Prisma.sql`"hostName" = ${f.host}`);
  if (f.model) parts.push(Prisma.sql`model = ${f.model}`);
  if (f.policyVersion !== undefined) parts.push(Prisma.sql`"policyVersion" = ${f.policyVersion}`);
  return Prisma.join(parts, " AND ");
}

/** The search box's condition: the rationale or the arguments (as JSON) contain `q`, ignoring case; % and _ are plain. */
function searched(q: string): Prisma.Sql {
  const pattern = `%${q.replace(/[\\%_]/g, "\\$&")}%`;
  return Prisma.sql`(rationale ILIKE ${pattern} OR "arguments"::text ILIKE ${pattern})`;
}

/**
 * A text search reads at most this many of the window's newest decisions (under the other filters) per request, so it
 * costs the same however rare the text is: the table's "Older" link goes on from where it stopped, and the charts say
 * how far back they looked. An index of the text (pg_trgm) would cost ingest more than it saves here.
 */
export const SEARCH_SCAN_ROWS = 10_000;

/** The newest SEARCH_SCAN_ROWS decisions of a filter (without its text), as a relation `d` for a search to read. */
function searchScope(orgId: string, f: DecisionFilter, w: { from: Date; to: Date }, cursor: Prisma.Sql = Prisma.sql`TRUE`): Prisma.Sql {
  return Prisma.sql`(SELECT * FROM "Decision" WHERE ${where(orgId, f, w)} AND ${cursor} ORDER BY "occurredAt" DESC, id DESC LIMIT ${SEARCH_SCAN_ROWS}) d`;
}

/** The oldest decision a search read when it stopped at SEARCH_SCAN_ROWS; null when it read the whole window. */
async function searchStop(db: Db, orgId: string, f: DecisionFilter, w: { from: Date; to: Date }, cursor: Prisma.Sql = Prisma.sql`TRUE`): Promise<{ occurredAt: Date; id: string } | null> {
  const [row] = await db.$queryRaw<{ occurredAt: Date; id: string }[]>`
    SELECT "occurredAt", id FROM "Decision" WHERE ${where(orgId, f, w)} AND ${cursor}
    ORDER BY "occurredAt" DESC, id DESC OFFSET ${SEARCH_SCAN_ROWS - 1} LIMIT 1`;
  return row ?? null;
}

type CountRow = { key: string | null; status: string; n: bigint | number };

function fold(rows: CountRow[]): Map<string, StatusCounts> {
  const out = new Map<string, StatusCounts>();
  for (const r of rows) {
    const key = r.key ?? "none";
    const c = out.get(key) ?? empty();
    const n = Number(r.n);
    if (r.status in c) (c as unknown as Record<string, number>)[r.status] += n;
    c.total += n;
    out.set(key, c);
  }
  return out;
}

/** Totals, the series over time and the breakdowns of the Decisions page, in one round trip per chart. */
export async function decisionStats(db: Db, ctx: OrgContext, input: unknown = {}, now = new Date()): Promise<DecisionStats> {
  requirePermission(ctx, "org:read");
  const f = decisionFilterSchema.parse(input);
  const w = window(f, now);
  const bucket = w.to.getTime() - w.from.getTime() <= 2 * 86_400_000 ? "hour" : "day";
  // Text search needs the rows; everything else reads the rollups.
  if (!f.q) return statsFromRollups(db, ctx.org.id, f, w, bucket);
  return statsFromRows(db, ctx.org.id, { ...f, q: f.q }, w, bucket);
}

/** The statistics from the decisions themselves, in one scan. */
async function statsFromRows(db: Db, orgId: string, f: DecisionFilter & { q: string }, w: { from: Date; to: Date }, bucket: "hour" | "day"): Promise<DecisionStats> {
  // One scan with GROUPING SETS gives the series and every breakdown at once. The bucket is inlined (it is one of two
  // words of ours): GROUPING() needs the very same expression as GROUP BY, and two parameters are two expressions.
  const at = Prisma.raw(`date_trunc('${bucket}', "occurredAt", 'UTC')`);
  const rows = await db.$queryRaw<GroupingRow[]>`
    SELECT GROUPING(${at}, "riskLevel", kind, "group", "hostName", model, "policyVersion")::int AS set,
      ${at} AS at,
      COALESCE("riskLevel", kind, "group", "hostName", model, "policyVersion"::text) AS key,
      status, count(*) AS n
    FROM ${searchScope(orgId, f, w)} WHERE ${searched(f.q)}
    GROUP BY GROUPING SETS ((${at}, status), ("riskLevel", status), (kind, status), ("group", status), ("hostName", status), (model, status), ("policyVersion", status))`;
  const { time, groups } = splitGroupingSets(rows, ["time", "riskLevel", "kind", "group", "hostName", "model", "policyVersion"]);
  const stop = await searchStop(db, orgId, f, w);
  return { ...assemble(bucket, w.from, w.to, time, groups), ...(stop ? { searchedFrom: stop.occurredAt.toISOString() } : {}) };
}

type GroupingRow = { set: number; at: Date | null; key: string | null; status: string; n: bigint };

/**
 * Sorts the rows of a GROUPING SETS query into the series and the breakdowns. `args` are GROUPING()'s arguments in
 * order ("time" for the bucket), each with its own set: GROUPING() sets a bit per argument NOT in the row's set,
 * leftmost the highest, so the row of args[i]'s set has every bit but that one.
 */
function splitGroupingSets(rows: GroupingRow[], args: readonly ("time" | Breakdown)[]): { time: CountRow[]; groups: Record<Breakdown, CountRow[]> } {
  const all = (1 << args.length) - 1;
  const setOf = new Map(args.map((a, i) => [all & ~(1 << (args.length - 1 - i)), a]));
  const time: CountRow[] = [];
  const groups: Record<Breakdown, CountRow[]> = { riskLevel: [], kind: [], group: [], hostName: [], model: [], policyVersion: [] };
  for (const r of rows) {
    const which = setOf.get(r.set);
    if (which === "time") time.push({ key: r.at!.toISOString(), status: r.status, n: r.n });
    else if (which) groups[which].push({ key: r.key, status: r.status, n: r.n });
  }
  return { time, groups };
}

function assemble(bucket: "hour" | "day", from: Date, to: Date, time: CountRow[], groups: Record<Breakdown, CountRow[]>): DecisionStats {
  const series = fold(time);
  const totals = empty();
  for (const c of series.values()) for (const k of Object.keys(totals) as (keyof StatusCounts)[]) totals[k] += c[k];
  const by = {} as DecisionStats["by"];
  for (const b of BREAKDOWNS) {
    by[b] = [...fold(groups[b])].map(([value, c]) => ({ value, ...c })).sort((x, y) => y.total - x.total || x.value.localeCompare(y.value)).slice(0, 20);
  }
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    bucket,
    totals: { ...totals, denyRate: totals.total ? totals.deny / totals.total : null, failClosedRate: totals.total ? (totals.failed + totals.timed_out) / totals.total : null },
    overTime: [...series].map(([at, c]) => ({ at, ...c })).sort((a, b) => a.at.localeCompare(b.at)),
    by,
  };
}

/** One line for the table: the command, the patch's files, the MCP tool or whatever the arguments hold. */
export function summarise(kind: string, args: unknown): string {
  if (args && typeof args === "object" && !Array.isArray(args)) {
    const a = args as Record<string, unknown>;
    for (const key of ["cmd", "command", "input", "patch", "url", "tool", "path"]) {
      const v = a[key];
      if (typeof v === "string" && v) return v.slice(0, 200);
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.join(" ").slice(0, 200);
    }
    return JSON.stringify(a).slice(0, 200);
  }
  if (typeof args === "string") return args.slice(0, 200);
  return kind;
}

/** The newest decisions matching the filter, `limit` at a time; `before` is the cursor of the previous page. */
export async function listDecisions(db: Db, ctx: OrgContext, input: unknown = {}, opts: { limit?: number; before?: string } = {}, now = new Date()): Promise<{ rows: DecisionRow[]; next: string | null; searchedTo?: Date }> {
  requirePermission(ctx, "org:read");
  const f = decisionFilterSchema.parse(input);
  const w = window(f, now);
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  let cursor = Prisma.sql`TRUE`;
  if (opts.before) {
    const [at, id] = opts.before.split("|");
    const date = new Date(at);
    if (!id || Number.isNaN(date.getTime())) throw new AppError("validation_failed", "The page cursor is not valid.");
    cursor = Prisma.sql`("occurredAt", id) < (${date}::timestamptz, ${id})`;
  }
  const from = f.q ? Prisma.sql`${searchScope(ctx.org.id, f, w, cursor)} WHERE ${searched(f.q)}` : Prisma.sql`"Decision" WHERE ${where(ctx.org.id, f, w)} AND ${cursor}`;
  const rows = await db.$queryRaw<(Omit<DecisionRow, "summary"> & { arguments: unknown })[]>`
    SELECT id, "occurredAt", status, "riskLevel", "userAuthorization", kind, "hostName", "hostId", "group", model, "policyVersion", "codexVersion", rationale, "arguments"
    FROM ${from}
    ORDER BY "occurredAt" DESC, id DESC LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit).map(({ arguments: args, ...r }) => ({ ...r, summary: summarise(r.kind, args) }));
  const last = page[page.length - 1];
  if (rows.length > limit && last) return { rows: page, next: `${last.occurredAt.toISOString()}|${last.id}` };
  // A search that read its SEARCH_SCAN_ROWS without filling the page goes on, next time, below the last row it read.
  const stop = f.q ? await searchStop(db, ctx.org.id, f, w, cursor) : null;
  return stop ? { rows: page, next: `${stop.occurredAt.toISOString()}|${stop.id}`, searchedTo: stop.occurredAt } : { rows: page, next: null };
}

/** One decision with everything stored about it (the detail view). */
export async function getDecision(db: Db, ctx: OrgContext, id: string) {
  requirePermission(ctx, "org:read");
  if (typeof id !== "string" || !id || id.length > 200) throw new AppError("not_found", "No such decision in this organisation.");
  const d = await db.decision.findFirst({ where: { orgId: ctx.org.id, id }, orderBy: { occurredAt: "desc" } });
  if (!d) throw new AppError("not_found", "No such decision in this organisation.");
  return d;
}

const UNIT_MS = { hour: 3_600_000, day: 86_400_000 } as const;

/** WHERE clause of a filter on a rollup (whose missing values are '' and -1), within [from, to) of its bucket column. */
function rollupWhere(orgId: string, f: DecisionFilter, col: "hour" | "day", from: Date, to: Date): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`"orgId" = ${orgId}`, Prisma.sql`${Prisma.raw(`"${col}"`)} >= ${from}`, Prisma.sql`${Prisma.raw(`"${col}"`)} < ${to}`];
  if (f.status) parts.push(Prisma.sql`status = ${f.status}`);
  if (f.riskLevel) parts.push(Prisma.sql`"riskLevel" = ${f.riskLevel === "none" ? "" : f.riskLevel}`);
  if (f.kind) parts.push(Prisma.sql`kind = ${f.kind}`);
  if (f.group) parts.push(Prisma.sql`"group" = ${f.group === "none" ? "" : f.group}`);
  if (f.model) parts.push(Prisma.sql`model = ${f.model}`);
  if (f.policyVersion !== undefined) parts.push(Prisma.sql`"policyVersion" = ${f.policyVersion}`);
  if (f.host) parts.push(Prisma.sql`"hostName" = ${f.host}`);
  return Prisma.join(parts, " AND ");
}

/**
 * The same statistics over whole hours or whole UTC days from the rollups the ingest keeps (lib/decisions/storage.ts):
 * the series and five breakdowns from DecisionHourly/DecisionDaily (their host twins for one host), the hosts from
 * DecisionHostStatusHourly (no filter but the outcome), DecisionHostHourly or DecisionHostDaily.
 */
async function statsFromRollups(db: Db, orgId: string, f: DecisionFilter, w: { from: Date; to: Date }, bucket: "hour" | "day"): Promise<DecisionStats> {
  const unit = UNIT_MS[bucket];
  const from = new Date(Math.floor(w.from.getTime() / unit) * unit);
  const to = new Date(Math.ceil(w.to.getTime() / unit) * unit);
  const table = Prisma.raw(`"Decision${f.host ? "Host" : ""}${bucket === "hour" ? "Hourly" : "Daily"}"`);
  const at = Prisma.raw(`"${bucket}"`);
  const rows = await db.$queryRaw<GroupingRow[]>`
    SELECT GROUPING(${at}, "riskLevel", kind, "group", model, "policyVersion")::int AS set, ${at} AS at,
      COALESCE(NULLIF("riskLevel", ''), kind, NULLIF("group", ''), NULLIF(model, ''), NULLIF("policyVersion", -1)::text) AS key,
      status, sum(n) AS n
    FROM ${table} WHERE ${rollupWhere(orgId, f, bucket, from, to)}
    GROUP BY GROUPING SETS ((${at}, status), ("riskLevel", status), (kind, status), ("group", status), (model, status), ("policyVersion", status))`;
  // Hosts come from their own rollup, below.
  const { time, groups } = splitGroupingSets(rows, ["time", "riskLevel", "kind", "group", "model", "policyVersion"]);
  const onlyStatus = !f.riskLevel && !f.kind && !f.group && !f.model && f.policyVersion === undefined && !f.host;
  const hosts = Prisma.raw(bucket === "day" ? `"DecisionHostDaily"` : onlyStatus ? `"DecisionHostStatusHourly"` : `"DecisionHostHourly"`);
  groups.hostName = await db.$queryRaw<CountRow[]>`
    SELECT NULLIF("hostName", '') AS key, status, sum(n) AS n FROM ${hosts}
    WHERE ${rollupWhere(orgId, f, bucket, from, to)} GROUP BY 1, 2`;
  return assemble(bucket, from, to, time, groups);
}
