import type { Db } from "../db";
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

// Columns written by storeDecisions, with the array type each is sent as (unnest turns the arrays into rows).
const COLUMNS: [string, string][] = [
  ["orgId", "text"],
  ["id", "text"],
  ["occurredAt", "timestamptz"],
  ["source", "text"],
  ["hostId", "text"],
  ["hostName", "text"],
  ["group", "text"],
  ["status", "text"],
  ["codexStatus", "text"],
  ["outcome", "text"],
  ["riskLevel", "text"],
  ["userAuthorization", "text"],
  ["rationale", "text"],
  ["rationaleTruncated", "bool"],
  ["durationMs", "int4"],
  ["kind", "text"],
  ["toolName", "text"],
  ["toolNamespace", "text"],
  ["mcpServer", "text"],
  ["arguments", "jsonb"],
  ["toolSuccess", "bool"],
  ["model", "text"],
  ["codexVersion", "text"],
  ["originator", "text"],
  ["policyVersion", "int4"],
  ["conversationId", "text"],
  ["callId", "text"],
  ["turnId", "text"],
  ["masked", "jsonb"],
];

// jsonb values travel as text and are cast in the SELECT (a jsonb[] parameter would need array-literal quoting).
// One statement inserts the rows and adds the new ones (only those: a re-sent record counts once) to the daily
// rollups the charts read. Rollup rows are upserted in key order so concurrent batches cannot deadlock.
const DAY = `date_trunc('day', "occurredAt", 'UTC')`;
const INSERT_SQL = `WITH ins AS (
  INSERT INTO "Decision" (${COLUMNS.map(([c]) => `"${c}"`).join(", ")})
  SELECT ${COLUMNS.map(([c, t]) => (t === "jsonb" ? `"${c}"::jsonb` : `"${c}"`)).join(", ")}
  FROM unnest(${COLUMNS.map(([, t], i) => `$${i + 1}::${t === "jsonb" ? "text" : t}[]`).join(", ")})
    AS t(${COLUMNS.map(([c]) => `"${c}"`).join(", ")})
  ON CONFLICT DO NOTHING
  RETURNING "orgId", id, "occurredAt", status, "riskLevel", kind, "group", model, "policyVersion", "hostName"
), daily AS (
  INSERT INTO "DecisionDaily" AS r ("orgId", day, status, "riskLevel", kind, "group", model, "policyVersion", n)
  SELECT "orgId", ${DAY}, status, COALESCE("riskLevel", ''), kind, COALESCE("group", ''), COALESCE(model, ''), COALESCE("policyVersion", -1), count(*)::int
  FROM ins GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
  ON CONFLICT ("orgId", day, status, "riskLevel", kind, "group", model, "policyVersion") DO UPDATE SET n = r.n + EXCLUDED.n
), hosts AS (
  INSERT INTO "DecisionHostDaily" AS r ("orgId", day, "hostName", status, n)
  SELECT "orgId", ${DAY}, COALESCE("hostName", ''), status, count(*)::int
  FROM ins GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT ("orgId", day, "hostName", status) DO UPDATE SET n = r.n + EXCLUDED.n
)
SELECT id, "occurredAt" FROM ins`;

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
  ];
}
export const DECISION_COLUMNS = COLUMNS.map(([c]) => c);

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
 * Stores decisions; a record already stored (same org, time and review id) is skipped. The newly stored ones are
 * queued for the org's webhook (event `decisions.recorded`) in the same transaction, so a SIEM receives each once.
 * Returns how many were new.
 */
export async function storeDecisions(db: Db, origin: DecisionOrigin, lines: DecisionLine[]): Promise<number> {
  if (!lines.length) return 0;
  await ensurePartitions(
    db,
    lines.map((l) => new Date(l.occurredAt)),
  );
  const columns: unknown[][] = COLUMNS.map(() => new Array(lines.length));
  lines.forEach((line, row) => {
    const values = decisionRow(origin, line);
    for (let c = 0; c < values.length; c++) columns[c][row] = values[c];
  });
  const { stored, queued } = await db.$transaction(async (tx) => {
    const inserted = await tx.$queryRawUnsafe<{ id: string; occurredAt: Date }[]>(INSERT_SQL, ...columns);
    if (!inserted.length) return { stored: 0, queued: 0 };
    const fresh = new Set(inserted.map((r) => `${r.occurredAt.toISOString()}\u0000${r.id}`));
    const events: { event: string; data: Record<string, unknown> }[] = [];
    const news = lines.filter((l) => fresh.has(`${new Date(l.occurredAt).toISOString()}\u0000${l.id}`));
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
 * partitions that every org's window has passed. Returns the number of rows deleted.
 */
export async function purgeExpiredDecisions(db: Db, now = new Date()): Promise<number> {
  const deleted = await db.$executeRaw`
    DELETE FROM "Decision" d
    WHERE d."occurredAt" < ${now}::timestamptz - make_interval(days => COALESCE(
      (SELECT s."retentionDays" FROM "DecisionSetting" s WHERE s."orgId" = d."orgId"), ${DEFAULT_RETENTION_DAYS}::int))`;
  for (const table of ["DecisionDaily", "DecisionHostDaily"]) {
    await db.$executeRawUnsafe(
      `DELETE FROM "${table}" d WHERE d.day < $1::timestamptz - make_interval(days => COALESCE((SELECT s."retentionDays" FROM "DecisionSetting" s WHERE s."orgId" = d."orgId"), ${DEFAULT_RETENTION_DAYS}) + 1)`,
      now,
    );
  }
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
