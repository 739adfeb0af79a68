import { pgPoolOf, type Db } from "../db";
import { enqueueWebhookEvents, webhookWorker } from "../webhooks";
import type { DecisionLine } from "./schemas";

/** Where a stored decision came from and whom it belongs to; the org never comes from the record itself. */
export interface DecisionOrigin {
  orgId: string;
  source: "relay" | "otlp";
  hostId: string | null;
  group: string | null;
}

export const DEFAULT_RETENTION_DAYS = 90;

// Columns written by storeDecisions, in the order of decisionRow.
const COLUMNS = [
  "orgId",
  "id",
  "occurredAt",
  "source",
  "hostId",
  "hostName",
  "group",
  "status",
  "codexStatus",
  "outcome",
  "riskLevel",
  "userAuthorization",
  "rationale",
  "rationaleTruncated",
  "durationMs",
  "kind",
  "toolName",
  "toolNamespace",
  "mcpServer",
  "arguments",
  "toolSuccess",
  "model",
  "codexVersion",
  "originator",
  "policyVersion",
  "conversationId",
  "callId",
  "turnId",
  "masked",
  "reviewRequest",
];

// The columns a line fills, each sent as one array parameter (unnest); the org, source, host and group come from the
// token, never from the line.
const FROM_LINE = COLUMNS.filter((c) => !["orgId", "source", "hostId", "group"].includes(c)) as (keyof DecisionLine)[];
const COLUMN_TYPES: Partial<Record<keyof DecisionLine, string>> = {
  occurredAt: "timestamptz",
  rationaleTruncated: "boolean",
  durationMs: "int",
  toolSuccess: "boolean",
  policyVersion: "int",
  arguments: "jsonb",
  masked: "jsonb",
};
// Each column's value of a row: one small function per column, so each reads one property of rows of one shape
// (quicker than row[column] for every column). JSON values (arguments, masked) as their JSON text.
const COLUMN_VALUE: { [C in keyof DecisionLine]-?: (row: DecisionLine) => unknown } = {
  id: (r) => r.id,
  occurredAt: (r) => r.occurredAt,
  conversationId: (r) => r.conversationId,
  callId: (r) => r.callId,
  turnId: (r) => r.turnId,
  status: (r) => r.status,
  codexStatus: (r) => r.codexStatus,
  outcome: (r) => r.outcome,
  riskLevel: (r) => r.riskLevel,
  userAuthorization: (r) => r.userAuthorization,
  rationale: (r) => r.rationale,
  rationaleTruncated: (r) => r.rationaleTruncated,
  durationMs: (r) => r.durationMs,
  kind: (r) => r.kind,
  toolName: (r) => r.toolName,
  toolNamespace: (r) => r.toolNamespace,
  mcpServer: (r) => r.mcpServer,
  arguments: (r) => (r.arguments === undefined || r.arguments === null ? null : JSON.stringify(r.arguments)),
  toolSuccess: (r) => r.toolSuccess,
  model: (r) => r.model,
  codexVersion: (r) => r.codexVersion,
  originator: (r) => r.originator,
  hostName: (r) => r.hostName,
  policyVersion: (r) => r.policyVersion,
  masked: (r) => JSON.stringify(r.masked),
  reviewRequest: (r) => r.reviewRequest ?? null,
};
const JSON_COLUMNS = new Set<string>(["arguments", "masked"]);

// JSON.stringify escapes a control character or a lone surrogate as \b \f \n \r \t or \uXXXX, which an array literal
// does not read; it writes " and \ as \" and \\, which it reads alike. (It also finds "\\n", an escaped backslash before
// an n: such a column is spelled element by element.)
const JSON_ONLY_ESCAPE = /\\[bfnrtu]/;
const quoteElement = (v: string) => `"${v.replace(/["\\]/g, "\\$&")}"`;

/**
 * One column of the rows as a PostgreSQL array literal: JSON's array of the values with braces for brackets (null is
 * NULL there too) when no element needs an escape only JSON has, else each element quoted. JSON values (arguments,
 * masked) go as their JSON text, which holds no control character, so its JSON string needs only \" and \\.
 */
function arrayLiteral(rows: DecisionLine[], column: keyof DecisionLine): string {
  const values = rows.map(COLUMN_VALUE[column]);
  const text = JSON.stringify(values);
  if (JSON_COLUMNS.has(column) || !text.includes("\\") || !JSON_ONLY_ESCAPE.test(text)) return `{${text.slice(1, -1)}}`;
  return `{${values.map((v) => (v === null || v === undefined ? "NULL" : quoteElement(String(v)))).join(",")}}`;
}

/** The statement's parameters: the origin's four, then one array per column of FROM_LINE. */
function insertParams(origin: DecisionOrigin, rows: DecisionLine[]): unknown[] {
  // Most batches have nothing masked: no `masked` array then (unnest pads it with NULLs, stored as '[]'), which spares
  // PostgreSQL reading a JSON value per row.
  const noneMasked = rows.every((r) => r.masked.length === 0);
  return [origin.orgId, origin.source, origin.hostId, origin.group, ...FROM_LINE.map((c) => (c === "masked" && noneMasked ? "{}" : arrayLiteral(rows, c)))];
}
const q = (c: string) => `"${c}"`;

// The rollups the dashboard reads (lib/decisions/query.ts), kept by the ingest statement itself from the rows it really
// inserted (a re-sent record counts once). Hour and day buckets in UTC; a missing dimension is '' (or -1). Rows are
// upserted in key order so concurrent batches cannot deadlock.
const DIMS = `status, COALESCE("riskLevel", ''), kind, COALESCE("group", ''), COALESCE(model, ''), COALESCE("policyVersion", -1)`;
const DIM_COLS = `status, "riskLevel", kind, "group", model, "policyVersion"`;
const ROLLUPS: { table: string; bucket: string; key: string; select: string }[] = [
  { table: "DecisionHourly", bucket: "hour", key: DIM_COLS, select: DIMS },
  { table: "DecisionDaily", bucket: "day", key: DIM_COLS, select: DIMS },
  { table: "DecisionHostHourly", bucket: "hour", key: `"hostName", ${DIM_COLS}`, select: `COALESCE("hostName", ''), ${DIMS}` },
  { table: "DecisionHostDaily", bucket: "day", key: `"hostName", ${DIM_COLS}`, select: `COALESCE("hostName", ''), ${DIMS}` },
  { table: "DecisionHostStatusHourly", bucket: "hour", key: `"hostName", status`, select: `COALESCE("hostName", ''), status` },
];
export const ROLLUP_TABLES = ROLLUPS.map((r) => r.table);

/** `source`'s rows (a relation with the Decision columns) counted at the finest grain of any rollup: hour, host, every dimension. */
const finestCounts = (source: string) => `SELECT "orgId", date_trunc('hour', "occurredAt", 'UTC') AS hour, "hostName", ${DIM_COLS}, count(*)::int AS n
  FROM ${source} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`;

/** The INSERT … SELECT per rollup that adds the counts of `fine` (a relation shaped like finestCounts) to it. */
function rollupsFrom(fine: string): string[] {
  return ROLLUPS.map(({ table, bucket, key, select }) => {
    const cols = key.split(", ").length + 2;
    const by = Array.from({ length: cols }, (_, i) => i + 1).join(", ");
    return `INSERT INTO "${table}" AS r ("orgId", "${bucket}", ${key}, n)
  SELECT "orgId", ${bucket === "hour" ? "hour" : `date_trunc('${bucket}', hour, 'UTC')`}, ${select}, sum(n)::int FROM ${fine}
  GROUP BY ${by} ORDER BY ${by}
  ON CONFLICT ("orgId", "${bucket}", ${key}) DO UPDATE SET n = r.n + EXCLUDED.n`;
  });
}

/** The INSERT … SELECT that adds `source`'s rows (a relation with the Decision columns) to every rollup. */
export function rollupInserts(source: string): string[] {
  return rollupsFrom(`(${finestCounts(source)}) AS fine`);
}

/*
 * One statement per batch: the lines travel as one array per column ($5…), become rows in the server (unnest, which
 * reads arrays for a fraction of what parsing JSON costs PostgreSQL), are inserted once (ON CONFLICT DO NOTHING on the org/time/review-id key) and counted into
 * the rollups. `guarded` stores nothing when the org has an enabled webhook or OTLP export and says so: those batches
 * go through a transaction that also queues the deliveries (storeDecisions). A statement sees the sinks as they were
 * when it started, so each batch is either before a sink was enabled or queued for it.
 */
function insertSql(guarded: boolean): string {
  // The inserted rows are counted once at the finest grain, and each rollup adds up those few counts.
  const rollups = `, fine AS (${finestCounts("ins")})` + rollupsFrom("fine").map((sql, i) => `, r${i} AS (${sql})`).join("\n");
  // The sinks enqueueWebhookEvents queues decisions for: the org's webhook and its OTLP logs export.
  const sinks = `SELECT 1 FROM "OrgWebhook" WHERE "orgId" = $1::text AND enabled UNION ALL SELECT 1 FROM "OtlpExport" WHERE "orgId" = $1::text AND enabled`;
  return `WITH ${guarded ? `hook AS (${sinks}),` : ""}
ins AS (
  INSERT INTO "Decision" ("orgId", source, "hostId", "group", ${FROM_LINE.map(q).join(", ")})
  SELECT $1::text, $2::text, $3::text, $4::text, ${FROM_LINE.map((c) => (c === "masked" ? `COALESCE(l.masked, '[]')` : `l.${q(c)}`)).join(", ")}
  FROM unnest(${FROM_LINE.map((c, i) => `$${i + 5}::${COLUMN_TYPES[c] ?? "text"}[]`).join(", ")}) AS l(${FROM_LINE.map(q).join(", ")})
  ${guarded ? "WHERE NOT EXISTS (SELECT 1 FROM hook)" : ""}
  ON CONFLICT DO NOTHING
  RETURNING "orgId", id, "occurredAt", status, "riskLevel", kind, "group", model, "policyVersion", "hostName"
)${rollups}
${guarded ? `SELECT (SELECT count(*) FROM ins)::int AS stored, EXISTS (SELECT 1 FROM hook) AS hook` : `SELECT id, "occurredAt" FROM ins`}`;
}
const GUARDED_SQL = insertSql(true);
const RETURNING_SQL = insertSql(false);

/** The row values of one decision in COLUMNS order (also what the benchmark COPYs). */
export function decisionRow(origin: DecisionOrigin, d: DecisionLine): unknown[] {
  return [
    origin.orgId,
    d.id,
    new Date(d.occurredAt),
    origin.source,
    origin.hostId,
    d.hostName,
    origin.group,
    d.status,
    d.codexStatus,
    d.outcome,
    d.riskLevel,
    d.userAuthorization,
    d.rationale,
    d.rationaleTruncated,
    d.durationMs,
    d.kind,
    d.toolName,
    d.toolNamespace,
    d.mcpServer,
    d.arguments === undefined || d.arguments === null ? null : JSON.stringify(d.arguments),
    d.toolSuccess,
    d.model,
    d.codexVersion,
    d.originator,
    d.policyVersion,
    d.conversationId,
    d.callId,
    d.turnId,
    JSON.stringify(d.masked),
    d.reviewRequest ?? null,
  ];
}
export const DECISION_COLUMNS = COLUMNS;

const monthsReady = new Set<string>();

const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));

/** Makes sure a monthly partition exists for each month the rows fall in (once per process per month). */
export async function ensurePartitions(db: Db, dates: Date[]): Promise<void> {
  const months = new Map<string, Date>();
  for (const d of dates) {
    const start = monthStart(d);
    const name = `Decision_${start.getUTCFullYear()}${String(start.getUTCMonth() + 1).padStart(2, "0")}`;
    if (!monthsReady.has(name)) months.set(name, start);
  }
  for (const [name, start] of months) {
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    try {
      await db.$executeRawUnsafe(
        `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF "Decision" FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`,
      );
    } catch {
      // Another process made it first, or rows of that month already sit in the default partition: either way the
      // insert below still has a home for them.
    }
    monthsReady.add(name);
  }
}

/** Decisions per webhook delivery: a SIEM gets each stored decision once, in batches of at most this many. */
export const WEBHOOK_CHUNK = 500;

/**
 * Stores decisions; a record already stored (same org, time and review id) is skipped. When the org has a webhook or
 * an OTLP export, the newly stored ones are queued for it (event `decisions.recorded`) in the same transaction, so a
 * SIEM receives each once. Returns how many were new.
 */
export async function storeDecisions(db: Db, origin: DecisionOrigin, lines: DecisionLine[]): Promise<number> {
  // Times in the key's own precision (milliseconds, as JS reads them), so a re-sent record meets its stored twin.
  return storeCanonicalDecisions(db, origin, lines.map((l) => ({ ...l, occurredAt: new Date(l.occurredAt).toISOString() })));
}

/** storeDecisions for lines whose occurredAt is already canonical UTC (toISOString), as the ingest checks them. */
export async function storeCanonicalDecisions(db: Db, origin: DecisionOrigin, rows: DecisionLine[]): Promise<number> {
  if (!rows.length) return 0;
  const months = new Set<string>();
  let month = "";
  for (const r of rows) if (!month || !r.occurredAt.startsWith(month)) months.add((month = r.occurredAt.slice(0, 7)));
  await ensurePartitions(
    db,
    [...months].map((m) => new Date(`${m}-01T00:00:00.000Z`)),
  );
  const params = insertParams(origin, rows);
  // The common case (no webhook): one statement, straight through the pg driver when the client has one, prepared
  // once per connection (planning five data-modifying CTEs costs about as much as running them for a small batch).
  const pool = pgPoolOf(db);
  const [first] = pool
    ? (await pool.query<{ stored: number; hook: boolean }>({ name: "charter-store-decisions", text: GUARDED_SQL, values: params })).rows
    : await db.$queryRawUnsafe<{ stored: number; hook: boolean }[]>(GUARDED_SQL, ...params);
  if (!first.hook) return first.stored;
  const { stored, queued } = await db.$transaction(async (tx) => {
    const inserted = await tx.$queryRawUnsafe<{ id: string; occurredAt: Date }[]>(RETURNING_SQL, ...params);
    if (!inserted.length) return { stored: 0, queued: 0 };
    const fresh = new Set(inserted.map((r) => `${r.occurredAt.toISOString()}\u0000${r.id}`));
    const events: { event: string; data: Record<string, unknown> }[] = [];
    const news = rows.filter((l) => fresh.has(`${l.occurredAt}\u0000${l.id}`));
    for (let i = 0; i < news.length; i += WEBHOOK_CHUNK) {
      events.push({ event: "decisions.recorded", data: { source: origin.source, hostId: origin.hostId, group: origin.group, decisions: news.slice(i, i + WEBHOOK_CHUNK) } });
    }
    return { stored: inserted.length, queued: await enqueueWebhookEvents(tx, origin.orgId, events) };
  });
  if (queued) webhookWorker(db).kick();
  return stored;
}

/**
 * Deletes decisions past their org's retention (DecisionSetting.retentionDays, default 90) and drops monthly
 * partitions that every org's window has passed. Retention counts whole UTC days (a row goes once the day before the
 * org's window has ended), so the hourly and daily rollup rows go with exactly the rows they count. Returns the number
 * of rows deleted.
 */
export async function purgeExpiredDecisions(db: Db, now = new Date()): Promise<number> {
  const cutoff = (alias: string) =>
    `date_trunc('day', $1::timestamptz - make_interval(days => COALESCE((SELECT s."retentionDays" FROM "DecisionSetting" s WHERE s."orgId" = ${alias}."orgId"), ${DEFAULT_RETENTION_DAYS})), 'UTC')`;
  const deleted = await db.$executeRawUnsafe(`DELETE FROM "Decision" d WHERE d."occurredAt" < ${cutoff("d")}`, now);
  for (const { table, bucket } of ROLLUPS) await db.$executeRawUnsafe(`DELETE FROM "${table}" d WHERE d."${bucket}" < ${cutoff("d")}`, now);
  const [{ days }] = await db.$queryRaw<{ days: number }[]>`
    SELECT GREATEST(${DEFAULT_RETENTION_DAYS}::int, COALESCE(MAX("retentionDays"), 0))::int AS days FROM "DecisionSetting"`;
  const horizon = monthStart(new Date(now.getTime() - days * 86_400_000));
  const parts = await db.$queryRaw<{ name: string }[]>`
    SELECT c.relname::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = 'Decision' AND c.relname ~ '^Decision_[0-9]{6}$'`;
  for (const { name } of parts) {
    const y = Number(name.slice(9, 13));
    const m = Number(name.slice(13, 15));
    const end = new Date(Date.UTC(y, m, 1));
    if (end <= horizon) {
      await db.$executeRawUnsafe(`DROP TABLE IF EXISTS "${name}"`);
      monthsReady.delete(name);
    }
  }
  return deleted;
}
