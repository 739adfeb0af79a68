import type { Db } from "../db";
import { AppError } from "../errors";
import type { OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";

/** At most this many decisions per export; narrow the date range for more. */
export const EXPORT_LIMIT = 100_000;
const PAGE = 2_000;

/**
 * NDJSON of the org's decisions in [from, to), oldest first, one decision per line with every stored field, read a page
 * at a time. For a SIEM's backfill or an auditor; the same shape the webhook delivers.
 */
export async function* exportDecisions(db: Db, ctx: OrgContext, range: { from: Date; to: Date }): AsyncGenerator<string> {
  requirePermission(ctx, "audit:export");
  if (!(range.from < range.to)) throw new AppError("validation_failed", "from must be before to.");
  let after: { occurredAt: Date; id: string } | null = null;
  let sent = 0;
  while (sent < EXPORT_LIMIT) {
    const rows: Awaited<ReturnType<typeof db.decision.findMany>> = await db.decision.findMany({
      where: {
        orgId: ctx.org.id,
        occurredAt: { gte: range.from, lt: range.to },
        ...(after ? { OR: [{ occurredAt: { gt: after.occurredAt } }, { occurredAt: after.occurredAt, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
      take: Math.min(PAGE, EXPORT_LIMIT - sent),
    });
    if (!rows.length) return;
    yield rows.map(({ orgId: _org, ...r }) => JSON.stringify(r)).join("\n") + "\n";
    sent += rows.length;
    const last = rows[rows.length - 1];
    after = { occurredAt: last.occurredAt, id: last.id };
  }
}
