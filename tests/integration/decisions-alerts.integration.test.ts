import { beforeEach, describe, expect, it } from "vitest";
import { evaluateDecisionAlerts, storeDecisions } from "../../lib/decisions";
import { groupRates, splitAtHours } from "../../lib/decisions/alerts";
import { joinRecords, logsFromJson } from "../../packages/agent/src/relay/records";
import { RUNS, logBodies } from "../support/codex-telemetry";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";

// The alerts' rates come from the hourly rollups for whole hours and from decision rows only for the partial hours at
// the ends of the window and its baseline: the same counts as the rows, at a cost that does not grow with the day.

const db = useTestDb();
beforeEach(() => resetDb(db));

const [template] = RUNS.flatMap((run) => joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes))))));
const d = (id: string, at: number, status: string) => ({ ...template, id, occurredAt: new Date(at).toISOString(), status: status as "allow", masked: [] });

/** The counts straight from the rows, as the alerts read them before the rollups. */
async function fromRows(orgId: string, base: Date, start: Date, now: Date) {
  return db.$queryRaw<unknown[]>`
    SELECT COALESCE(NULLIF("group", ''), '(no group)') AS grp,
      count(*) FILTER (WHERE "occurredAt" >= ${start})::int AS cur,
      count(*) FILTER (WHERE "occurredAt" >= ${start} AND status = 'deny')::int AS "curDeny",
      count(*) FILTER (WHERE "occurredAt" >= ${start} AND status IN ('failed', 'timed_out'))::int AS "curFail",
      count(*) FILTER (WHERE "occurredAt" < ${start})::int AS prev,
      count(*) FILTER (WHERE "occurredAt" < ${start} AND status = 'deny')::int AS "prevDeny",
      count(*) FILTER (WHERE "occurredAt" < ${start} AND status IN ('failed', 'timed_out'))::int AS "prevFail"
    FROM "Decision" WHERE "orgId" = ${orgId} AND "occurredAt" >= ${base} AND "occurredAt" < ${now}
    GROUP BY 1 ORDER BY 1`;
}

describe("decision alert rates", () => {
  it("cut a range into whole UTC hours and the partial hours at its ends", () => {
    const t = (s: string) => new Date(`2026-11-27T${s}Z`);
    expect(splitAtHours(t("10:20:00"), t("13:05:00"))).toEqual({ hours: [t("11:00:00"), t("13:00:00")], rows: [[t("10:20:00"), t("11:00:00")], [t("13:00:00"), t("13:05:00")]] });
    expect(splitAtHours(t("10:00:00"), t("12:00:00"))).toEqual({ hours: [t("10:00:00"), t("12:00:00")], rows: [] });
    expect(splitAtHours(t("10:20:00"), t("10:50:00"))).toEqual({ hours: null, rows: [[t("10:20:00"), t("10:50:00")]] });
    expect(splitAtHours(t("10:20:00"), t("11:10:00"))).toEqual({ hours: null, rows: [[t("10:20:00"), t("11:10:00")]] });
  });

  it("count what the rows count, per group, for windows on and off the hour", async () => {
    const { org } = await makeOrgWithMember(db, "owner");
    const now0 = Date.parse("2026-11-27T12:00:00Z");
    // 30 hours of decisions in three groups (one of them none), every outcome, at irregular minutes.
    const statuses = ["allow", "allow", "deny", "failed", "allow", "timed_out", "deny"];
    for (const [group, step] of [["eng", 7], ["ops", 11], [null, 13]] as const) {
      const lines = Array.from({ length: Math.floor((31 * 60) / step) }, (_, i) => d(`${group}-${i}`, now0 - 30 * 3_600_000 + i * step * 60_000 + (i % 5) * 1_000, statuses[(i * 3 + step) % statuses.length]));
      await storeDecisions(db, { orgId: org.id, source: "relay", hostId: "h", group }, lines);
    }
    for (const offsetMin of [0, 17, 59, 61, -23]) {
      const now = new Date(now0 + offsetMin * 60_000);
      for (const windowMinutes of [60, 45, 150]) {
        const start = new Date(now.getTime() - windowMinutes * 60_000);
        const base = new Date(start.getTime() - 24 * 3_600_000);
        const expected = await fromRows(org.id, base, start, now);
        expect(expected.length).toBe(3);
        expect(await groupRates(db, org.id, base, start, now)).toEqual(expected);
      }
    }
  });

  it("read whole hours from the rollups, not from the decision rows", async () => {
    const { org } = await makeOrgWithMember(db, "owner");
    const now = new Date("2026-11-27T12:30:00Z");
    const at = (msAgo: number) => now.getTime() - msAgo;
    // The day before: 10 % denied. The last 90 minutes: half denied.
    const before = Array.from({ length: 100 }, (_, i) => d(`b-${i}`, at(2 * 3_600_000 + i * 60_000), i % 10 === 0 ? "deny" : "allow"));
    const recent = Array.from({ length: 40 }, (_, i) => d(`r-${i}`, at((i + 1) * 60_000), i % 2 === 0 ? "deny" : "allow"));
    await storeDecisions(db, { orgId: org.id, source: "relay", hostId: "host-a", group: "eng" }, [...before, ...recent]);
    // Rows of the whole hour 11:00-12:00 vanish while its rollup stays: the window's count still holds them, so the
    // count of that hour came from the rollup. (Rows of the partial hour 12:00-12:30 are still read as rows.)
    const gone = await db.$executeRaw`DELETE FROM "Decision" WHERE "orgId" = ${org.id} AND "occurredAt" >= ${new Date("2026-11-27T11:00:00Z")} AND "occurredAt" < ${new Date("2026-11-27T12:00:00Z")}`;
    expect(gone).toBeGreaterThan(0);
    const raised = await evaluateDecisionAlerts(db, org.id, now, { windowMinutes: 90 });
    expect(raised.map((a) => a.detail)).toEqual([expect.stringMatching(/^deny rate 50\.0 % over the last 90 minutes \(40 decisions\), against \d+\.\d % in the 24 hours before$/)]);
  });
});
