import { Prisma, type Db } from "../db";
import { redact } from "../audit";

/**
 * Limits on failed password sign-ins, counted from the audit log's "auth.signin_failed" events (the log is shared by
 * every replica and cannot be edited). Within any WINDOW_MINUTES: PER_EMAIL failures for one email, or PER_IP failures
 * from one address, refuse further password sign-ins for it until the oldest counted failure leaves the window. Unknown
 * emails count like known ones, so the limiter does not reveal which accounts exist. A successful sign-in does not
 * clear the count (an attacker who also knows one password must not be able to reset the limit), and refused attempts
 * ("throttled") are not counted, so a lock ends WINDOW_MINUTES after the failure that set it.
 */
export const SIGNIN_THROTTLE = { WINDOW_MINUTES: 15, PER_EMAIL: 10, PER_IP: 50 } as const;

export type ThrottleVerdict = { throttled: false } | { throttled: true; scope: "email" | "ip"; retryAfterMinutes: number };

/** Whether a password sign-in for this email / from this IP must be refused now, and for how many more minutes. */
export async function signInThrottle(db: Db, who: { email?: string | null; ip?: string | null }, now: Date = new Date()): Promise<ThrottleVerdict> {
  const since = new Date(now.getTime() - SIGNIN_THROTTLE.WINDOW_MINUTES * 60_000);
  const checks: { scope: "email" | "ip"; where: Prisma.Sql; limit: number }[] = [];
  // Failed events carry the claimed email as their actor label, stored redacted like every label.
  if (who.email) checks.push({ scope: "email", where: Prisma.sql`"actorLabel" = ${redact(who.email) as string}`, limit: SIGNIN_THROTTLE.PER_EMAIL });
  if (who.ip) checks.push({ scope: "ip", where: Prisma.sql`"ip" = ${who.ip}`, limit: SIGNIN_THROTTLE.PER_IP });
  let verdict: ThrottleVerdict = { throttled: false };
  for (const check of checks) {
    // One attempt by a member of several orgs is one row per org chain, all with the same meta.attempt: count attempts.
    // Rows written before meta.attempt existed fall back to their request id.
    const rows = await db.$queryRaw<{ at: Date }[]>`
      SELECT MIN("createdAt") AS at FROM "AuditEvent"
      WHERE action = 'auth.signin_failed' AND ${check.where} AND "createdAt" > ${since}
        AND meta->>'method' = 'local' AND COALESCE(meta->>'reason', '') <> 'throttled'
      GROUP BY COALESCE(meta->>'attempt', "requestId", id::text)
      ORDER BY at DESC LIMIT ${check.limit}`;
    if (rows.length < check.limit) continue;
    // Allowed again once the limit-th most recent failure is older than the window.
    const freeAt = new Date(rows[check.limit - 1].at).getTime() + SIGNIN_THROTTLE.WINDOW_MINUTES * 60_000;
    const retryAfterMinutes = Math.max(1, Math.ceil((freeAt - now.getTime()) / 60_000));
    if (!verdict.throttled || retryAfterMinutes > verdict.retryAfterMinutes) verdict = { throttled: true, scope: check.scope, retryAfterMinutes };
  }
  return verdict;
}
