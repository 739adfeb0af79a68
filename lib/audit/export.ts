import { z } from "zod";
import type { Db } from "../db";
import { auditActor, type OrgContext } from "../auth/actor";
import { recordAuditNow, type RequestInfo } from "./record";
import { auditFiltersSchema, auditWhere, toView, type AuditEventView, type AuditFiltersInput } from "./query";

export const AUDIT_EXPORT_FORMATS = {
  jsonl: { contentType: "application/x-ndjson; charset=utf-8", extension: "jsonl" },
  csv: { contentType: "text/csv; charset=utf-8; header=present", extension: "csv" },
} as const;
export type AuditExportFormat = keyof typeof AUDIT_EXPORT_FORMATS;
/** The `format` query parameter of an export; JSONL unless asked otherwise. */
export const auditExportQuerySchema = z.object({ format: z.enum(["jsonl", "csv"], { error: "Use jsonl or csv" }).default("jsonl") });

const BATCH = 1_000;

export const CSV_COLUMNS = [
  "id", "seq", "time", "actor_type", "actor_id", "actor", "action", "target_type", "target_id",
  "diff", "meta", "request_id", "ip", "prev_hash", "hash",
] as const;

/**
 * The org's events matching the filters, oldest first, as text chunks of one batch each, so a log of any size streams
 * without being held in memory. The export is itself audited ("audit.exported", with format and filter) before the
 * first row is read; it covers the events written before that record, so rows arriving mid-stream never tear a batch.
 */
export async function exportAudit(
  db: Db,
  ctx: OrgContext,
  filters: AuditFiltersInput,
  format: AuditExportFormat,
  request: RequestInfo,
): Promise<AsyncIterable<string>> {
  if (!(format in AUDIT_EXPORT_FORMATS)) throw new TypeError(`Unknown export format ${String(format)}`);
  const f = auditFiltersSchema.parse({ ...filters, cursor: undefined });
  const filter = Object.fromEntries(
    Object.entries({ ...f, limit: undefined }).filter(([, v]) => v !== undefined).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  );
  const marker = await recordAuditNow(db, {
    orgId: ctx.org.id,
    actor: auditActor(ctx.actor),
    action: "audit.exported",
    target: { type: "audit_log", id: ctx.org.id },
    meta: { format, filter },
    request,
  });
  const where = auditWhere(ctx, f);
  const upTo = marker.seq; // exclusive

  return {
    async *[Symbol.asyncIterator]() {
      if (format === "csv") yield csvLine([...CSV_COLUMNS]);
      let after = 0;
      for (;;) {
        const rows = await db.auditEvent.findMany({ where: { ...where, seq: { gt: after, lt: upTo } }, orderBy: { seq: "asc" }, take: BATCH });
        if (!rows.length) return;
        const views = rows.map(toView);
        yield format === "csv" ? views.map((v) => csvLine(csvRow(v))).join("") : views.map((v) => JSON.stringify(v) + "\n").join("");
        if (rows.length < BATCH) return;
        after = rows[rows.length - 1].seq;
      }
    },
  };
}

function csvRow(v: AuditEventView): string[] {
  const json = (x: unknown) => (x === null || x === undefined ? "" : JSON.stringify(x));
  return [
    v.id, String(v.seq), v.time, v.actor.type, v.actor.id ?? "", v.actor.label, v.action, v.target?.type ?? "", v.target?.id ?? "",
    json(v.diff), json(v.meta), v.requestId ?? "", v.ip ?? "", v.prevHash, v.hash,
  ];
}

/** One RFC 4180 record, CRLF-terminated. */
export function csvLine(cells: string[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}

function csvCell(value: string): string {
  // A spreadsheet would run a cell that starts like a formula; actor labels and targets can come from outsiders (a
  // failed sign-in's typed email), so such cells get a leading apostrophe, the spreadsheet convention for "text".
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}
