import type { Db, Prisma } from "../db";
import { compareRates, rateSample, type DecisionRates, type Gates } from "./rings";

type Tx = Prisma.TransactionClient;

/** How far back the baseline reaches: decisions on the previous version in the week before the rollout began. */
const BASELINE_DAYS = 7;

type Counts = Partial<Record<string, number>>;

async function countByStatus(db: Db | Tx, orgId: string, version: number, since: Date, hostIds: string[] | null): Promise<Counts> {
  // One array parameter however many hosts the ring has (an IN list would hit the bind-parameter limit).
  const rows = hostIds
    ? await db.$queryRaw<{ status: string; n: number }[]>`
        SELECT status, count(*)::int AS n FROM "Decision"
        WHERE "orgId" = ${orgId} AND "policyVersion" = ${version} AND "occurredAt" >= ${since} AND "hostId" = ANY(${hostIds}::text[])
        GROUP BY status`
    : await db.$queryRaw<{ status: string; n: number }[]>`
        SELECT status, count(*)::int AS n FROM "Decision"
        WHERE "orgId" = ${orgId} AND "policyVersion" = ${version} AND "occurredAt" >= ${since}
        GROUP BY status`;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/**
 * The deny-rate / fail-closed-rate evidence of one ring: Auto-review decisions its hosts made on the new version since
 * the rollout began, against the same hosts on the previous version (the week before), or the org's hosts on the
 * previous version when the ring's hosts reported none. Null when the org has no decisions at all since then (it does
 * not collect them): the gates then skip the rates.
 */
export async function ringDecisionRates(
  db: Db | Tx,
  orgId: string,
  rollout: { versionNumber: number; previousNumber: number | null; createdAt: Date; gates: Gates },
  ringHostIds: string[],
): Promise<DecisionRates | null> {
  const since = new Date(rollout.createdAt.getTime() - BASELINE_DAYS * 86_400_000);
  const any = await db.decision.findFirst({ where: { orgId, occurredAt: { gte: since } }, select: { id: true } });
  if (!any) return null;
  const min = rollout.gates.minDecisions ?? 20;
  const v = rollout.versionNumber;
  const current = rateSample(`version ${v} on the ring's hosts`, ringHostIds.length ? await countByStatus(db, orgId, v, rollout.createdAt, ringHostIds) : {});
  if (rollout.previousNumber === null) return compareRates(current, null, min);
  const p = rollout.previousNumber;
  let baseline = rateSample(`version ${p} on the ring's hosts`, ringHostIds.length ? await countByStatus(db, orgId, p, since, ringHostIds) : {});
  if (baseline.total < min) baseline = rateSample(`version ${p} across the organisation`, await countByStatus(db, orgId, p, since, null));
  return compareRates(current, baseline, min);
}
