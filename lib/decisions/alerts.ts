import type { Db } from "../db";
import { Prisma } from "../db";
import { recordAudit, SYSTEM_REQUEST } from "../audit";
import { inBackground, registerLoop } from "../background";
import { enqueueWebhookEvents, webhookWorker } from "../webhooks";

/*
 * Alerts on what decisions say about a fleet: a group whose deny rate or fail-closed rate jumps over a window against
 * the day before it, and hosts that reported decisions and then stopped. Each alert is an audit event
 * ("decisions.alert", by the system) and a webhook notification ("decisions.alert"), raised once per subject and
 * window. evaluateDecisionAlerts is pure SQL; the rates are counted from the hourly rollups (DecisionHourly) for the
 * whole hours of the window and its baseline and from Decision rows only for the partial hours at their ends, so an
 * evaluation reads at most about two hours of rows however many decisions the day holds. decisionAlertLoop runs it
 * every few minutes.
 */

export interface AlertOptions {
  /** The window looked at (default 60 minutes) and the baseline before it (default 24 hours). */
  windowMinutes?: number;
  baselineHours?: number;
  /** Fewer decisions than this in the window raise nothing (default 20). */
  minDecisions?: number;
  /** How much a rate must rise over its baseline, as a fraction (default 0.2 = 20 points). */
  jump?: number;
  /** A host that reported in the baseline and not for this long is silent (default 6 hours). */
  silentHours?: number;
}

export interface RaisedAlert {
  kind: "deny_rate" | "fail_closed_rate" | "silent_host";
  subject: string;
  detail: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

const HOUR_MS = 3_600_000;

/**
 * [from, to) as the whole UTC hours inside it (counted in DecisionHourly, whose buckets are UTC hours) and the partial
 * hours at its ends (counted from Decision rows).
 */
export function splitAtHours(from: Date, to: Date): { hours: [Date, Date] | null; rows: [Date, Date][] } {
  const a = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
  const b = Math.floor(to.getTime() / HOUR_MS) * HOUR_MS;
  if (a >= b) return { hours: null, rows: from < to ? [[from, to]] : [] };
  const rows: [Date, Date][] = [];
  if (from.getTime() < a) rows.push([from, new Date(a)]);
  if (b < to.getTime()) rows.push([new Date(b), to]);
  return { hours: [new Date(a), new Date(b)], rows };
}

export interface GroupRates {
  grp: string;
  /** In the window [start, now): decisions, denials, fail-closed (failed or timed out). */
  cur: number;
  curDeny: number;
  curFail: number;
  /** In the baseline [base, start). */
  prev: number;
  prevDeny: number;
  prevFail: number;
}

/** Per group (null or "" is "(no group)"), the counts of the window and of the baseline before it. */
export async function groupRates(db: Db, orgId: string, base: Date, start: Date, now: Date): Promise<GroupRates[]> {
  const parts = [splitAtHours(base, start), splitAtHours(start, now)];
  const rows = parts.flatMap((p) => p.rows).map(([a, b]) => Prisma.sql`("occurredAt" >= ${a} AND "occurredAt" < ${b})`);
  const hours = parts.flatMap((p) => (p.hours ? [p.hours] : [])).map(([a, b]) => Prisma.sql`("hour" >= ${a} AND "hour" < ${b})`);
  const any = (conds: Prisma.Sql[]) => (conds.length ? Prisma.join(conds, " OR ") : Prisma.sql`FALSE`);
  return db.$queryRaw<GroupRates[]>`
    SELECT grp,
      COALESCE(sum(n) FILTER (WHERE cur), 0)::int AS cur,
      COALESCE(sum(n) FILTER (WHERE cur AND status = 'deny'), 0)::int AS "curDeny",
      COALESCE(sum(n) FILTER (WHERE cur AND status IN ('failed', 'timed_out')), 0)::int AS "curFail",
      COALESCE(sum(n) FILTER (WHERE NOT cur), 0)::int AS prev,
      COALESCE(sum(n) FILTER (WHERE NOT cur AND status = 'deny'), 0)::int AS "prevDeny",
      COALESCE(sum(n) FILTER (WHERE NOT cur AND status IN ('failed', 'timed_out')), 0)::int AS "prevFail"
    FROM (
      SELECT COALESCE(NULLIF("group", ''), '(no group)') AS grp, status, "occurredAt" >= ${start} AS cur, count(*) AS n
      FROM "Decision" WHERE "orgId" = ${orgId} AND (${any(rows)}) GROUP BY 1, 2, 3
      UNION ALL
      SELECT COALESCE(NULLIF("group", ''), '(no group)'), status, "hour" >= ${start}, sum(n)
      FROM "DecisionHourly" WHERE "orgId" = ${orgId} AND (${any(hours)}) GROUP BY 1, 2, 3
    ) p
    GROUP BY grp ORDER BY grp`;
}

/** Evaluates one org's alerts at `now`; raises (audits and notifies) the ones not raised within the window already. */
export async function evaluateDecisionAlerts(db: Db, orgId: string, now = new Date(), opts: AlertOptions = {}): Promise<RaisedAlert[]> {
  const windowMs = (opts.windowMinutes ?? 60) * 60_000;
  const baselineMs = (opts.baselineHours ?? 24) * 3_600_000;
  const min = opts.minDecisions ?? 20;
  const jump = opts.jump ?? 0.2;
  const silentMs = (opts.silentHours ?? 6) * 3_600_000;
  const start = new Date(now.getTime() - windowMs);
  const base = new Date(start.getTime() - baselineMs);

  const groups = await groupRates(db, orgId, base, start, now);
  const found: RaisedAlert[] = [];
  for (const g of groups) {
    if (g.cur < min) continue;
    const checks: [RaisedAlert["kind"], number, number, string][] = [
      ["deny_rate", g.curDeny / g.cur, g.prev ? g.prevDeny / g.prev : 0, "deny rate"],
      ["fail_closed_rate", g.curFail / g.cur, g.prev ? g.prevFail / g.prev : 0, "fail-closed rate"],
    ];
    for (const [kind, cur, prev, label] of checks) {
      if (cur - prev >= jump) found.push({ kind, subject: `group ${g.grp}`, detail: `${label} ${pct(cur)} over the last ${windowMs / 60_000} minutes (${g.cur} decisions), against ${pct(prev)} in the ${baselineMs / 3_600_000} hours before` });
    }
  }
  const silent = await db.$queryRaw<{ hostId: string; hostName: string | null; last: Date }[]>`
    SELECT "hostId", max("hostName") AS "hostName", max("occurredAt") AS last FROM "Decision"
    WHERE "orgId" = ${orgId} AND "hostId" IS NOT NULL AND "occurredAt" >= ${new Date(now.getTime() - silentMs - baselineMs)} AND "occurredAt" < ${now}
    GROUP BY "hostId" HAVING max("occurredAt") < ${new Date(now.getTime() - silentMs)}`;
  for (const h of silent) {
    found.push({ kind: "silent_host", subject: `host ${h.hostName ?? h.hostId}`, detail: `no decisions since ${h.last.toISOString()} (silent for more than ${silentMs / 3_600_000} hours)` });
  }

  const raised: RaisedAlert[] = [];
  for (const alert of found) {
    const recent = await db.auditEvent.findFirst({
      where: { orgId, action: "decisions.alert", createdAt: { gte: new Date(now.getTime() - Math.max(windowMs, silentMs)) }, AND: [{ meta: { path: ["kind"], equals: alert.kind } }, { meta: { path: ["subject"], equals: alert.subject } }] },
      select: { id: true },
    });
    if (recent) continue;
    const queued = await db.$transaction(async (tx) => {
      await recordAudit(tx, {
        orgId,
        actor: { type: "system", label: "system" },
        action: "decisions.alert",
        target: { type: "decision_alert", id: `${alert.kind}:${alert.subject}` },
        meta: { ...alert },
        request: SYSTEM_REQUEST,
      });
      return enqueueWebhookEvents(tx, orgId, [{ event: "decisions.alert", data: { ...alert, at: now.toISOString() } as unknown as Record<string, unknown> }]);
    });
    if (queued) webhookWorker(db).kick();
    raised.push(alert);
  }
  return raised;
}

/** Recent alerts of an org, newest first (the Decisions page shows them). */
export async function recentDecisionAlerts(db: Db, orgId: string, limit = 20) {
  const rows = await db.auditEvent.findMany({ where: { orgId, action: "decisions.alert" }, orderBy: { createdAt: "desc" }, take: limit, select: { createdAt: true, meta: true } });
  return rows.map((r) => ({ at: r.createdAt, ...(r.meta as unknown as RaisedAlert) }));
}

const globalForAlerts = globalThis as unknown as { charterDecisionAlerts?: boolean };

/**
 * Every `intervalMs` (default 5 minutes), evaluates the alerts of every org that collects or holds decisions. One loop
 * per process, registered in lib/background.ts.
 */
export function decisionAlertLoop(db: Db, intervalMs = 300_000): void {
  if (globalForAlerts.charterDecisionAlerts) return;
  globalForAlerts.charterDecisionAlerts = true;
  const run = async () => {
    const orgs = await db.$queryRaw<{ orgId: string }[]>(Prisma.sql`SELECT "orgId" FROM "DecisionSetting" WHERE collect UNION SELECT DISTINCT "orgId" FROM "Decision" WHERE "occurredAt" > now() - interval '2 days'`);
    for (const { orgId } of orgs) await evaluateDecisionAlerts(db, orgId);
  };
  const timer = setInterval(() => void inBackground(run().catch((err) => console.error("[charter] decision alerts failed:", err))), intervalMs);
  timer.unref();
  const unregister = registerLoop({
    stop: () => {
      clearInterval(timer);
      unregister();
      globalForAlerts.charterDecisionAlerts = false;
    },
  });
}
