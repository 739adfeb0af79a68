import { gzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { createAgentToken } from "../../lib/agents";
import type { OrgContext } from "../../lib/auth/actor";
import { decisionStats, ingestHostBatch, purgeExpiredDecisions, saveDecisionSettings } from "../../lib/decisions";
import { saveWebhook } from "../../lib/webhooks";
import { joinRecords, logsFromJson, type Decision } from "../../packages/agent/src/relay/records";
import { RUNS, logBodies } from "../support/codex-telemetry";
import { testRequest } from "../support/request";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";

/*
 * The dashboard reads rollups the ingest keeps (lib/decisions/storage.ts). Each must count exactly the stored rows:
 * after duplicates (in a batch and re-sent), rejected lines, the webhook path and retention. The expected counts are
 * computed here from the Decision rows themselves.
 */

const db = useTestDb();
beforeEach(() => resetDb(db));

const NOW = Date.parse("2026-11-27T12:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function owner(): Promise<OrgContext> {
  const { org, actor } = await makeOrgWithMember(db, "owner");
  return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
}

const templates = (): Decision[] => RUNS.flatMap((run) => joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes))))));

/** `n` decisions spread over the last `days` days, varying every dimension the rollups keep (some left empty). */
function spread(n: number, days: number, prefix = "d"): Decision[] {
  const base = templates();
  return Array.from({ length: n }, (_, i) => ({
    ...base[i % base.length],
    id: `${prefix}-${i}`,
    occurredAt: new Date(NOW - 60_000 - ((i * 2_161_000) % (days * DAY - 60_000))).toISOString(),
    arguments: { cmd: `echo all-${i}` },
    status: (["allow", "deny", "failed", "timed_out"] as const)[i % 4],
    riskLevel: [null, "low", "high"][i % 3],
    kind: ["exec_command", "apply_patch"][i % 2],
    model: i % 5 === 0 ? null : `gpt-5.${i % 2}`,
    policyVersion: i % 7 === 0 ? null : i % 3,
    hostName: i % 6 === 0 ? null : `host-${i % 4}`,
  }));
}

function batch(secret: string, lines: unknown[]): Request {
  const body = Uint8Array.from(gzipSync(lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n")));
  return new Request("http://charter.test/api/v1/agent/decisions", { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-encoding": "gzip" }, body });
}

const DIMS = `status, COALESCE("riskLevel", '') AS "riskLevel", kind, COALESCE("group", '') AS "group", COALESCE(model, '') AS model, COALESCE("policyVersion", -1) AS "policyVersion"`;
const DIM_NAMES = `status, "riskLevel", kind, "group", model, "policyVersion"`;
/** Each rollup: its bucket and the dimensions it keeps, as computed from Decision rows. */
const ROLLUPS: Record<string, { bucket: "hour" | "day"; raw: string; cols: string }> = {
  DecisionHourly: { bucket: "hour", raw: DIMS, cols: DIM_NAMES },
  DecisionDaily: { bucket: "day", raw: DIMS, cols: DIM_NAMES },
  DecisionHostHourly: { bucket: "hour", raw: `COALESCE("hostName", '') AS "hostName", ${DIMS}`, cols: `"hostName", ${DIM_NAMES}` },
  DecisionHostDaily: { bucket: "day", raw: `COALESCE("hostName", '') AS "hostName", ${DIMS}`, cols: `"hostName", ${DIM_NAMES}` },
  DecisionHostStatusHourly: { bucket: "hour", raw: `COALESCE("hostName", '') AS "hostName", status`, cols: `"hostName", status` },
};

/** Every rollup's rows beside the same counts from the decisions, ordered alike. */
async function rollupsAndRows() {
  const out: Record<string, { rollup: unknown[]; rows: unknown[] }> = {};
  for (const [table, { bucket, raw, cols }] of Object.entries(ROLLUPS)) {
    const width = cols.split(",").length + 2;
    const order = Array.from({ length: width }, (_, i) => i + 1).join(", ");
    out[table] = {
      rollup: await db.$queryRawUnsafe(`SELECT "orgId", "${bucket}" AS at, ${cols}, n FROM "${table}" ORDER BY ${order}`),
      rows: await db.$queryRawUnsafe(
        `SELECT "orgId", date_trunc('${bucket}', "occurredAt", 'UTC') AS at, ${raw}, count(*)::int AS n FROM "Decision" GROUP BY ${order} ORDER BY ${order}`,
      ),
    };
  }
  return out;
}

async function expectRollupsMatchRows() {
  for (const [table, { rollup, rows }] of Object.entries(await rollupsAndRows())) {
    expect(rows.length, table).toBeGreaterThan(0);
    expect(rollup, table).toEqual(rows);
  }
}

describe("decision rollups", () => {
  it("count exactly the stored decisions: duplicates in a batch and re-sent batches once, rejected lines never", async () => {
    const a = await owner();
    const b = await owner();
    const { secret: sa } = await createAgentToken(db, a, { name: "a", group: "eng" }, testRequest);
    const { secret: sb } = await createAgentToken(db, b, { name: "b" }, testRequest);
    const lines = spread(300, 3);
    const first = await ingestHostBatch(db, batch(sa, [...lines.slice(0, 200), lines[5], "{broken", { ...lines[0], id: "bad", status: "maybe" }]), NOW);
    expect(first).toMatchObject({ received: 203, stored: 200, duplicates: 1 });
    expect(first.rejected.map((r) => r.line)).toEqual([202, 203]);
    const second = await ingestHostBatch(db, batch(sa, lines.slice(150)), NOW); // overlaps the first by 50
    expect(second).toMatchObject({ stored: 100, duplicates: 50 });
    await ingestHostBatch(db, batch(sb, spread(40, 1, "b")), NOW);
    expect(await db.decision.count()).toBe(340);
    await expectRollupsMatchRows();
  });

  it("count decisions stored through the webhook's transaction the same way", async () => {
    const ctx = await owner();
    await saveWebhook(db, ctx, { url: "http://127.0.0.1:9/hook" }, testRequest);
    const { secret } = await createAgentToken(db, ctx, { name: "h" }, testRequest);
    const lines = spread(60, 2);
    await ingestHostBatch(db, batch(secret, lines.slice(0, 40)), NOW);
    const again = await ingestHostBatch(db, batch(secret, lines), NOW);
    expect(again).toMatchObject({ stored: 20, duplicates: 40 });
    await expectRollupsMatchRows();
    const queued = await db.webhookDelivery.findMany({ where: { orgId: ctx.org.id } });
    expect(queued.flatMap((d) => (d.payload as { decisions: { id: string }[] }).decisions.map((x) => x.id)).sort()).toEqual(lines.map((l) => l.id).sort());
    // The ingest woke the delivery loop; let it make its first attempts (nothing listens) before the next test empties the tables.
    await expect.poll(() => db.webhookDelivery.count({ where: { orgId: ctx.org.id, attempts: 0 } }), { timeout: 15_000 }).toBe(0);
  });

  it("lose exactly the rows retention deletes, per org", async () => {
    const a = await owner();
    const b = await owner();
    await saveDecisionSettings(db, b, { collect: false, relayPort: 4318, retentionDays: 3, mask: { patterns: [], jsonPaths: [] } }, testRequest);
    const { secret: sa } = await createAgentToken(db, a, { name: "a" }, testRequest);
    const { secret: sb } = await createAgentToken(db, b, { name: "b" }, testRequest);
    await ingestHostBatch(db, batch(sa, spread(200, 3)), NOW);
    await ingestHostBatch(db, batch(sb, spread(200, 3)), NOW);
    // Two days on, b's window (3 whole days) has passed the oldest day and a half of its decisions; a keeps 90 days.
    const later = new Date(NOW + 2 * DAY);
    const cutoff = Date.UTC(2026, 10, 29 - 3);
    const expired = spread(200, 3).filter((d) => Date.parse(d.occurredAt) < cutoff).length;
    expect(expired).toBeGreaterThan(0);
    expect(await purgeExpiredDecisions(db, later)).toBe(expired);
    expect(await db.decision.count({ where: { orgId: a.org.id } })).toBe(200);
    expect(await db.decision.count({ where: { orgId: b.org.id, occurredAt: { lt: new Date(cutoff) } } })).toBe(0);
    await expectRollupsMatchRows();
  });

  it("give the dashboard the same numbers as the rows, over hours and over days, with and without filters", async () => {
    const ctx = await owner();
    const { secret } = await createAgentToken(db, ctx, { name: "h", group: "eng" }, testRequest);
    await ingestHostBatch(db, batch(secret, spread(400, 6)), NOW);
    const now = new Date(NOW);
    const filters = [{}, { status: "deny" }, { riskLevel: "high" }, { riskLevel: "none", kind: "apply_patch" }, { host: "host-1" }, { policyVersion: 2, model: "gpt-5.1" }, { group: "eng", status: "allow" }];
    for (const window of [{ from: new Date(NOW - DAY) }, { from: new Date(NOW - 6 * DAY) }]) {
      for (const filter of filters) {
        const fromRollups = await decisionStats(db, ctx, { ...window, ...filter }, now);
        // A text search that every decision matches reads the rows over the same (rounded) window.
        const fromRows = await decisionStats(db, ctx, { from: new Date(fromRollups.from), to: new Date(fromRollups.to), q: "echo all-", ...filter }, now);
        const label = JSON.stringify({ window, filter });
        expect(fromRollups.totals.total, label).toBeGreaterThan(0);
        expect(fromRollups, label).toEqual(fromRows);
      }
    }
  });

  it("refuse a line whose text PostgreSQL cannot hold (NUL, half a surrogate pair) and store the rest of the batch", async () => {
    const ctx = await owner();
    const { secret } = await createAgentToken(db, ctx, { name: "h" }, testRequest);
    const [a, b, c, d] = spread(4, 1);
    const result = await ingestHostBatch(db, batch(secret, [a, { ...b, rationale: "nul \u0000 here" }, { ...c, arguments: { cmd: "half \ud83d pair" } }, { ...d, rationale: "a whole pair \ud83d\ude00" }]), NOW);
    expect(result).toMatchObject({ received: 4, stored: 2 });
    expect(result.rejected).toEqual([
      { line: 2, id: b.id, reason: expect.stringMatching(/NUL character or an unpaired surrogate/) },
      { line: 3, id: c.id, reason: expect.stringMatching(/NUL character or an unpaired surrogate/) },
    ]);
    const stored = await db.decision.findMany({ where: { orgId: ctx.org.id }, orderBy: { id: "asc" } });
    expect(stored.map((r) => r.id).sort()).toEqual([a.id, d.id].sort());
    expect(stored.find((r) => r.id === d.id)?.rationale).toBe("a whole pair \ud83d\ude00");
    await expectRollupsMatchRows();
  });
});
