import { z } from "zod";
import type { Db, Prisma } from "../db";
import type { OrgContext } from "../auth/actor";

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const EARLIEST = "1970-01-01";
const LATEST = "9999-12-30";
const inRange = (v: Date | string) => {
  const t = v instanceof Date ? v.getTime() : Date.parse(DATE_ONLY.test(v) ? `${v}T00:00:00Z` : v);
  return t >= Date.parse(`${EARLIEST}T00:00:00Z`) && t < Date.parse(`${LATEST}T00:00:00Z`) + DAY_MS;
};
// Date.parse rolls 2024-02-30 over to March 1st; a filter naming a day that does not exist is a mistake to report.
const realDay = (s: string) => {
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
};
// Filter text goes into SQL parameters: Postgres text cannot hold NUL.
const noNul = (s: string) => !s.includes("\u0000");

// Query strings and forms send "" for an untouched field: that means "no filter", not "match the empty string".
const optionalText = (max: number) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().trim().max(max).refine(noNul, "NUL characters are not allowed").optional());

const instant = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
  z
    .union([
      z.date(),
      z
        .string()
        .trim()
        .refine((s) => (DATE_ONLY.test(s) ? realDay(s) : /^\d{4}-\d{2}-\d{2}T/.test(s) && realDay(s.slice(0, 10)) && !Number.isNaN(Date.parse(s))), "Use a date (2026-01-31) or an ISO time (2026-01-31T12:00:00Z)"),
    ])
    // A whole day is added to a date-only `to`: the last day must leave room for it, and Postgres starts at year 1.
    .refine((v) => inRange(v), `Use a date between ${EARLIEST} and ${LATEST}`)
    .optional(),
);

/**
 * Filters of the audit log, as query parameters or form fields. `from`/`to` take a date (whole UTC days, both ends
 * included) or an ISO time; `actor` matches the actor's id or part of their label (email, token name); `target` matches
 * a target type, a target id, or `type:id`; `cursor` is the `nextCursor` of the previous page.
 */
export const auditFiltersSchema = z
  .object({
    actor: optionalText(320),
    action: optionalText(120),
    target: optionalText(400),
    targetType: optionalText(120),
    targetId: optionalText(300),
    from: instant,
    to: instant,
    cursor: z.preprocess((v) => (v === "" ? undefined : v), z.string().refine((s) => /^[1-9]\d{0,9}$/.test(s) && Number(s) <= 2_147_483_647, "Not a cursor of this list").optional()),
    limit: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1).max(500).default(50)),
  })
  .refine((f) => !f.from || !f.to || lowerBound(f.from) < upperBound(f.to), { message: "`from` must be before `to`", path: ["to"] });

export type AuditFiltersInput = z.input<typeof auditFiltersSchema>;
export type AuditFilters = z.output<typeof auditFiltersSchema>;

/** Query parameters → filters input (first value of each known key). */
export function filtersFromSearchParams(params: URLSearchParams | Record<string, string | string[] | undefined>): AuditFiltersInput {
  const get = (k: string) => {
    const v = params instanceof URLSearchParams ? params.get(k) : params[k];
    return (Array.isArray(v) ? v[0] : v) ?? undefined;
  };
  return {
    actor: get("actor"),
    action: get("action"),
    target: get("target"),
    targetType: get("targetType"),
    targetId: get("targetId"),
    from: get("from"),
    to: get("to"),
    cursor: get("cursor"),
    limit: get("limit"),
  };
}

function lowerBound(v: Date | string): Date {
  return v instanceof Date ? v : new Date(DATE_ONLY.test(v) ? `${v}T00:00:00Z` : v);
}

// A date-only `to` includes that whole day: the bound is the start of the next one, exclusive.
function upperBound(v: Date | string): Date {
  if (v instanceof Date) return new Date(v.getTime() + 1);
  return DATE_ONLY.test(v) ? new Date(Date.parse(`${v}T00:00:00Z`) + DAY_MS) : new Date(Date.parse(v) + 1);
}

/** The where clause of a filter, always inside the org's own chain. */
export function auditWhere(ctx: OrgContext, f: AuditFilters): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (f.actor) and.push({ OR: [{ actorId: f.actor }, { actorLabel: { contains: f.actor, mode: "insensitive" } }] });
  if (f.target) {
    const or: Prisma.AuditEventWhereInput[] = [{ targetType: f.target }, { targetId: f.target }];
    const colon = f.target.indexOf(":");
    if (colon > 0) or.push({ targetType: f.target.slice(0, colon), targetId: f.target.slice(colon + 1) });
    and.push({ OR: or });
  }
  return {
    // Both columns: the chain is what verify walks and the org what the index serves; a row must match both.
    chain: ctx.org.id,
    orgId: ctx.org.id,
    ...(f.action ? { action: f.action } : {}),
    ...(f.targetType ? { targetType: f.targetType } : {}),
    ...(f.targetId ? { targetId: f.targetId } : {}),
    ...(f.from || f.to ? { createdAt: { ...(f.from ? { gte: lowerBound(f.from) } : {}), ...(f.to ? { lt: upperBound(f.to) } : {}) } } : {}),
    ...(and.length ? { AND: and } : {}),
  };
}

/** An event as the API, the console and the exports show it. */
export interface AuditEventView {
  id: string;
  seq: number;
  time: string;
  actor: { type: string; id: string | null; label: string };
  action: string;
  target: { type: string; id: string | null } | null;
  diff: unknown;
  meta: unknown;
  requestId: string | null;
  ip: string | null;
  prevHash: string;
  hash: string;
}

export type AuditRow = Prisma.AuditEventGetPayload<object>;

export function toView(row: AuditRow): AuditEventView {
  return {
    id: row.id.toString(),
    seq: row.seq,
    time: row.createdAt.toISOString(),
    actor: { type: row.actorType, id: row.actorId, label: row.actorLabel },
    action: row.action,
    target: row.targetType ? { type: row.targetType, id: row.targetId } : null,
    diff: row.diff,
    meta: row.meta,
    requestId: row.requestId,
    ip: row.ip,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

export interface AuditPage {
  events: AuditEventView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** The org's events, newest first, one page at a time (keyset on seq, so deep pages cost the same as the first). */
export async function queryAudit(db: Db, ctx: OrgContext, filters: AuditFiltersInput = {}): Promise<AuditPage> {
  const f = auditFiltersSchema.parse(filters);
  const where = auditWhere(ctx, f);
  const rows = await db.auditEvent.findMany({
    where: f.cursor ? { ...where, seq: { lt: Number(f.cursor) } } : where,
    orderBy: { seq: "desc" },
    take: f.limit + 1,
  });
  const page = rows.slice(0, f.limit);
  return { events: page.map(toView), nextCursor: rows.length > f.limit ? String(page[page.length - 1].seq) : null };
}

/** The actions that occur in the org's log, for the filter's choices (a loose index scan over (orgId, action)). */
export async function listAuditActions(db: Db, ctx: OrgContext): Promise<string[]> {
  const rows = await db.$queryRaw<{ action: string }[]>`
    WITH RECURSIVE a AS (
      SELECT min("action") AS action FROM "AuditEvent" WHERE "orgId" = ${ctx.org.id}
      UNION ALL
      SELECT (SELECT min("action") FROM "AuditEvent" WHERE "orgId" = ${ctx.org.id} AND "action" > a.action) FROM a WHERE a.action IS NOT NULL
    )
    SELECT action FROM a WHERE action IS NOT NULL`;
  return rows.map((r) => r.action);
}
