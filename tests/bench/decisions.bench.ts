/**
 * Benchmark of decisions, each figure beside a baseline measured in the same run, on a scratch embedded PostgreSQL:
 *  1. Ingest: gzip NDJSON batches POSTed over HTTP to the decisions ingest (the same lib function the Next.js route
 *     calls, behind node:http), with per-line validation, masking and idempotent insert; beside a bare server-side
 *     COPY of the same rows into a plain table with the same columns and indexes. Targets: >= 5,000 decisions/s and
 *     >= 50 % of COPY's rate.
 *  2. Dashboard: each query of the Decisions page over 1,000,000 stored decisions, p95 of 20 runs, beside a plain
 *     count(*) of the same table. Target: each < 250 ms p95.
 *  2b. Alerts: the deny/fail-closed rates per group over the last hour and the day before, for an org with
 *     BENCH_ALERT_DECISIONS (default 500,000) decisions in those 25 hours, read from the hourly rollups beside the same
 *     counts read from the rows, and beside count(*). Target: the rollups faster than the rows.
 *  3. Relay: the host relay's work per record (OTLP decode, join, mask, spool append), beside a bare JSON.parse +
 *     appendFile of the same bodies. Target: < 1 ms per record.
 * Run alone: `npx tsx tests/bench/decisions.bench.ts` (BENCH_DECISIONS to change the ingest size).
 */
import { mkdtempSync, rmSync, writeFileSync, appendFileSync, chmodSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { createDb } from "../../lib/db";
import { ensureDatabase, withDatabase } from "../../lib/db/admin";
import { freePort, startEmbeddedPostgres } from "../../lib/db/embedded";
import { runPrisma } from "../../scripts/prisma.mjs";
import { hashSecret } from "../../lib/crypto/tokens";
import { decisionStats, evaluateDecisionAlerts, ingestHostBatch, listDecisions } from "../../lib/decisions";
import { groupRates } from "../../lib/decisions/alerts";
import { DECISION_COLUMNS, ROLLUP_TABLES, decisionRow, rollupInserts } from "../../lib/decisions/storage";
import { toErrorResponse } from "../../lib/errors";
import { DecisionRelay } from "../../packages/agent/src/relay";
import { joinRecords, logsFromJson, maskDecision, type Decision } from "../../packages/agent/src/relay/records";
import { RUNS, logBodies } from "../support/codex-telemetry";

const N = Number(process.env.BENCH_DECISIONS ?? 50_000);
const BATCH = 2_000;
const ROWS = 1_000_000;
const NOW = Date.parse("2026-11-27T12:00:00Z");

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1];
const fmt = (n: number, d = 1) => n.toFixed(d);
let failed = false;
const check = (ok: boolean, line: string) => {
  console.log(`${ok ? "PASS" : "FAIL"}  ${line}`);
  failed ||= !ok;
};

const tmp = mkdtempSync(path.join(os.tmpdir(), "charter-bench-decisions-"));
chmodSync(tmp, 0o755);
const pg = await startEmbeddedPostgres({ dir: path.join(tmp, "pg"), port: await freePort(), persistent: false });
try {
  await ensureDatabase(pg.adminUrl, "bench");
  const url = withDatabase(pg.adminUrl, "bench");
  if (runPrisma(["migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, quiet: true }) !== 0) throw new Error("migrate failed");
  const db = createDb(url);
  const org = await db.organization.create({ data: { slug: "bench", name: "Bench" } });
  const secret = "cha_" + "b".repeat(43);
  await db.agentToken.create({ data: { orgId: org.id, name: "bench-host", group: "eng", prefix: secret.slice(0, 12), tokenHash: hashSecret(secret) } });

  // Decisions shaped like the fixtures (real Codex output), each with its own review id, time, kind and outcome.
  const templates = RUNS.flatMap((run) => joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes))))));
  const kinds = ["exec_command", "apply_patch", "shell", "mcp_tool_call"];
  const statuses = ["allow", "allow", "allow", "deny", "failed"] as const;
  const make = (i: number): Decision => {
    const t = templates[i % templates.length];
    return {
      ...t,
      id: `bench-${i}`,
      occurredAt: new Date(NOW - 3_600_000 - (i % 86_400) * 1000).toISOString(),
      kind: kinds[i % kinds.length],
      status: statuses[i % statuses.length],
      arguments: { cmd: `touch /home/dev/project/file-${i}.txt`, sandbox_permissions: "use_default", justification: "bench" },
    };
  };
  const lines = Array.from({ length: N }, (_, i) => make(i));

  // ---- 1. Ingest over HTTP vs COPY --------------------------------------------------------------------------
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    try {
      const body = await ingestHostBatch(db, new Request("http://bench/api/v1/agent/decisions", { method: "POST", headers, body: Uint8Array.from(Buffer.concat(chunks)) }), NOW);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ stored: body.stored, rejected: body.rejected.length, duplicates: body.duplicates, first: body.rejected[0] }));
    } catch (err) {
      const { status, body } = toErrorResponse(err);
      res.writeHead(status).end(JSON.stringify(body));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const batches: Buffer[] = [];
  for (let i = 0; i < N; i += BATCH) batches.push(gzipSync(lines.slice(i, i + BATCH).map((l) => JSON.stringify(l)).join("\n")));
  const post = (body: Buffer) =>
    new Promise<{ stored: number; rejected: number; duplicates?: number; first?: unknown }>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path: "/", method: "POST", headers: { authorization: `Bearer ${secret}`, "content-encoding": "gzip", "content-length": body.length } }, (res) => {
        const c: Buffer[] = [];
        res.on("data", (d) => c.push(d));
        res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(c).toString())) : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(c)}`))));
      });
      req.on("error", reject);
      req.end(body);
    });
  await post(gzipSync(JSON.stringify(make(N + 1)))); // warm-up: partitions, JIT
  let next = 0;
  let stored = 0;
  let last: unknown = null;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batches.length) {
        const r = await post(batches[next++]);
        stored += r.stored;
        if (r.stored !== BATCH) last = r;
      }
    }),
  );
  const ingestS = (performance.now() - t0) / 1000;
  server.close();
  if (stored !== N) throw new Error(`stored ${stored} of ${N}: ${JSON.stringify(last)}`);

  // The same rows, COPYed server-side from a CSV file into a plain table with the same columns and indexes.
  const csv = path.join(tmp, "rows.csv");
  const cell = (v: unknown) => (v === null || v === undefined ? "" : `"${(v instanceof Date ? v.toISOString() : String(v)).replace(/"/g, '""')}"`);
  writeFileSync(csv, "");
  for (let i = 0; i < N; i += 10_000) {
    appendFileSync(csv, lines.slice(i, i + 10_000).map((l) => decisionRow({ orgId: org.id, source: "relay", hostId: "h", group: "eng" }, maskDecision(l)).map(cell).join(",")).join("\n") + "\n");
  }
  chmodSync(csv, 0o644);
  // Whatever indexes Decision has, the COPY target has too (its primary key and every index, copied from the table).
  await db.$executeRawUnsafe(`CREATE TABLE "DecisionCopy" (LIKE "Decision" INCLUDING DEFAULTS INCLUDING INDEXES)`);
  const c0 = performance.now();
  await db.$executeRawUnsafe(`COPY "DecisionCopy" (${DECISION_COLUMNS.map((c) => `"${c}"`).join(", ")}) FROM '${csv}' WITH (FORMAT csv)`);
  const copyS = (performance.now() - c0) / 1000;
  const ingestRate = N / ingestS;
  const copyRate = N / copyS;
  console.log(`ingest: ${N} decisions in ${fmt(ingestS, 2)} s = ${fmt(ingestRate, 0)} decisions/s (HTTP, gzip NDJSON, ${BATCH} per batch, 4 clients)`);
  console.log(`COPY:   ${N} rows in ${fmt(copyS, 2)} s = ${fmt(copyRate, 0)} rows/s (server-side COPY FROM a CSV file)`);
  check(ingestRate >= 5_000, `ingest >= 5,000 decisions/s (${fmt(ingestRate, 0)})`);
  check(ingestRate >= copyRate * 0.5, `ingest >= 50 % of COPY (${fmt((100 * ingestRate) / copyRate)} %)`);

  // ---- 2. Dashboard queries over 1,000,000 decisions ------------------------------------------------------------
  await db.$executeRawUnsafe(`
    INSERT INTO "Decision" ("orgId", id, "occurredAt", source, "hostId", "hostName", "group", status, "codexStatus", outcome, "riskLevel",
      "userAuthorization", rationale, kind, "toolName", "arguments", model, "codexVersion", "policyVersion", "conversationId", "callId", masked)
    SELECT '${org.id}', 'row-' || g, TIMESTAMPTZ '2026-11-27 12:00:00+00' - (g % (30 * 86400)) * interval '1 second', 'relay',
      'host-' || (g % 500), 'host-' || (g % 500), 'group-' || (g % 500 % 12),
      (ARRAY['allow','allow','allow','deny','failed','timed_out'])[1 + g % 6], 'approved', 'allow',
      (ARRAY['low','medium','high','critical'])[1 + g % 4], 'high', 'rationale ' || g,
      (ARRAY['exec_command','apply_patch','shell','mcp_tool_call','network_access'])[1 + g % 5], 'exec_command',
      jsonb_build_object('cmd', 'make target-' || (g % 1000)), (ARRAY['gpt-5.4','gpt-5.4-mini'])[1 + g % 2], '0.171.0', 1 + g % 9, 'c-' || g, 'call_1', '[]'
    FROM generate_series(1, ${ROWS - N}) g`);
  // The rollups the ingest statement keeps, brought up to date for the rows inserted around it (the same statements).
  for (const sql of rollupInserts(`(SELECT * FROM "Decision" WHERE id LIKE 'row-%') AS generated`)) await db.$executeRawUnsafe(sql);
  for (const table of ["Decision", ...ROLLUP_TABLES]) await db.$executeRawUnsafe(`ANALYZE "${table}"`);
  const ctx = { actor: { type: "user" as const, userId: "bench", email: "bench@example", name: null }, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" as const };
  const now = new Date(NOW);
  const queries: [string, () => Promise<unknown>][] = [
    ["count(*) of the table (baseline)", () => db.$queryRawUnsafe(`SELECT count(*) FROM "Decision"`)],
    ["stats, last 7 days (series + 6 breakdowns)", () => decisionStats(db, ctx, {}, now)],
    ["stats, last 30 days", () => decisionStats(db, ctx, { from: new Date(NOW - 30 * 86_400_000) }, now)],
    ["stats, 30 days, denied + high risk", () => decisionStats(db, ctx, { from: new Date(NOW - 30 * 86_400_000), status: "deny", riskLevel: "high" }, now)],
    ["stats, 30 days, one host", () => decisionStats(db, ctx, { from: new Date(NOW - 30 * 86_400_000), host: "host-7" }, now)],
    ["stats, last 24 hours (hourly)", () => decisionStats(db, ctx, { from: new Date(NOW - 86_400_000) }, now)],
    ["stats, 24 hours, denied", () => decisionStats(db, ctx, { from: new Date(NOW - 86_400_000), status: "deny" }, now)],
    ["stats, 24 hours, high risk, one group", () => decisionStats(db, ctx, { from: new Date(NOW - 86_400_000), riskLevel: "high", group: "group-3" }, now)],
    ["stats, 24 hours, one host", () => decisionStats(db, ctx, { from: new Date(NOW - 86_400_000), host: "host-7" }, now)],
    ["table, newest 50", () => listDecisions(db, ctx, {}, { limit: 50 }, now)],
    ["table, denied, page 2", async () => {
      const first = await listDecisions(db, ctx, { status: "deny" }, { limit: 50 }, now);
      return listDecisions(db, ctx, { status: "deny" }, { limit: 50, before: first.next! }, now);
    }],
    ["table, one host, 30 days", () => listDecisions(db, ctx, { from: new Date(NOW - 30 * 86_400_000), host: "host-7" }, { limit: 50 }, now)],
    ["table, text search, 7 days (common: 1 row in 9)", () => listDecisions(db, ctx, { q: "target-7" }, { limit: 50 }, now)],
    ["table, text search, 7 days (rare: 1 row in 1,000)", () => listDecisions(db, ctx, { q: "target-777" }, { limit: 50 }, now)],
    ["stats, text search, 7 days (common)", () => decisionStats(db, ctx, { q: "target-7" }, now)],
    ["stats, text search, 7 days (rare)", () => decisionStats(db, ctx, { q: "target-777" }, now)],
  ];
  let countP95 = 0;
  for (const [name, q] of queries) {
    await q();
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      await q();
      times.push(performance.now() - s);
    }
    const value = p95(times);
    if (name.startsWith("count")) {
      countP95 = value;
      console.log(`${name}: p95 ${fmt(value)} ms over ${ROWS} rows`);
    } else check(value < 250, `${name}: p95 ${fmt(value)} ms < 250 ms (count(*): ${fmt(countP95)} ms)`);
  }
  await benchAlerts(db, countP95);
  await db.$disconnect();

  // ---- 3. Relay per record ---------------------------------------------------------------------------------
  const bodies = RUNS.flatMap((run) => logBodies(run).map((b) => JSON.parse(String(b.bytes))));
  const relayDir = path.join(tmp, "relay");
  const relay = new DecisionRelay({ server: new URL("http://127.0.0.1:1"), token: secret, org: "bench", stateDir: relayDir, log: () => {} }, { port: 0, tickMs: 3_600_000 });
  const rounds = 500;
  // Each round gets its own review and conversation ids so every record joins anew.
  const variants = Array.from({ length: rounds }, (_, i) => bodies.map((b) => JSON.stringify(b).replaceAll('"stringValue":"01a21c', `"stringValue":"r${i}-01a21c`).replaceAll("-4751-", `-${i}-`).replaceAll("-4228-", `-${i}-`).replaceAll("-4a23-", `-${i}-`).replaceAll("-4f7c-", `-${i}-`)));
  const recordsPerRound = bodies.flatMap((b) => logsFromJson(b)).length;
  const r0 = performance.now();
  for (const round of variants) for (const text of round) relay.accept(logsFromJson(JSON.parse(text)));
  const relayMs = (performance.now() - r0) / (rounds * recordsPerRound);
  const bare = path.join(tmp, "bare.ndjson");
  const b0 = performance.now();
  for (const round of variants) for (const text of round) appendFileSync(bare, JSON.stringify(JSON.parse(text)).slice(0, 64) + "\n");
  const bareMs = (performance.now() - b0) / (rounds * recordsPerRound);
  const status = relay.status();
  console.log(`relay: ${status.decisions} decisions from ${rounds * recordsPerRound} OTLP records; ${fmt(relayMs * 1000, 1)} µs per record (bare parse + append: ${fmt(bareMs * 1000, 1)} µs)`);
  check(status.decisions === rounds * 4, `relay joined every review (${status.decisions} of ${rounds * 4})`);
  check(relayMs < 1, `relay < 1 ms per record (${fmt(relayMs, 3)} ms)`);
  await relay.stop();
} finally {
  await pg.stop();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

/**
 * 2b. Alerts over a busy day: one org with `BENCH_ALERT_DECISIONS` decisions in the 25 hours an evaluation reads (12
 * groups, 2,000 hosts, the dimensions of a real fleet).
 */
async function benchAlerts(db: ReturnType<typeof createDb>, countP95: number) {
  const n = Number(process.env.BENCH_ALERT_DECISIONS ?? 500_000);
  const busy = await db.organization.create({ data: { slug: "bench-alerts", name: "Bench alerts" } });
  // The 25 hours before 11:36, off the hour: both partial-hour ends of the window and the baseline are read as rows.
  const end = "TIMESTAMPTZ '2026-11-27 11:36:00+00'";
  await db.$executeRawUnsafe(`
    INSERT INTO "Decision" ("orgId", id, "occurredAt", source, "hostId", "hostName", "group", status, "codexStatus", outcome, "riskLevel",
      "userAuthorization", rationale, kind, model, "policyVersion", "conversationId", "callId", masked)
    SELECT '${busy.id}', 'alert-' || g, ${end} - (g * (25 * 3600.0 / ${n})) * interval '1 second', 'relay',
      'host-' || (g % 2000), 'host-' || (g % 2000), 'group-' || (g % 12),
      (ARRAY['allow','allow','allow','deny','failed','allow','allow','timed_out'])[1 + g % 8], 'approved', 'allow',
      (ARRAY['low','medium','high','critical'])[1 + g % 4], 'high', 'r',
      (ARRAY['exec_command','apply_patch','shell','mcp_tool_call','network_access'])[1 + g % 5], (ARRAY['gpt-5.4','gpt-5.4-mini'])[1 + g % 2], 7 + g % 2, 'c', 'call_1', '[]'
    FROM generate_series(1, ${n}) g`);
  for (const sql of rollupInserts(`(SELECT * FROM "Decision" WHERE "orgId" = '${busy.id}') AS generated`)) await db.$executeRawUnsafe(sql);
  for (const table of ["Decision", ...ROLLUP_TABLES]) await db.$executeRawUnsafe(`ANALYZE "${table}"`);
  const now = new Date("2026-11-27T11:36:00Z");
  const start = new Date(now.getTime() - 3_600_000);
  const base = new Date(start.getTime() - 24 * 3_600_000);
  const fromRows = () => db.$queryRaw`
    SELECT COALESCE(NULLIF("group", ''), '(no group)') AS grp,
      count(*) FILTER (WHERE "occurredAt" >= ${start})::int AS cur,
      count(*) FILTER (WHERE "occurredAt" >= ${start} AND status = 'deny')::int AS "curDeny",
      count(*) FILTER (WHERE "occurredAt" >= ${start} AND status IN ('failed', 'timed_out'))::int AS "curFail",
      count(*) FILTER (WHERE "occurredAt" < ${start})::int AS prev,
      count(*) FILTER (WHERE "occurredAt" < ${start} AND status = 'deny')::int AS "prevDeny",
      count(*) FILTER (WHERE "occurredAt" < ${start} AND status IN ('failed', 'timed_out'))::int AS "prevFail"
    FROM "Decision" WHERE "orgId" = ${busy.id} AND "occurredAt" >= ${base} AND "occurredAt" < ${now}
    GROUP BY 1 ORDER BY 1`;
  const same = JSON.stringify(await groupRates(db, busy.id, base, start, now)) === JSON.stringify(await fromRows());
  check(same, "alerts: the rates from the rollups equal the rates from the rows");
  const time = async (q: () => Promise<unknown>) => {
    await q();
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      await q();
      times.push(performance.now() - s);
    }
    return p95(times);
  };
  const rows = await time(fromRows);
  const rollups = await time(() => groupRates(db, busy.id, base, start, now));
  const whole = await time(() => evaluateDecisionAlerts(db, busy.id, now));
  console.log(`alerts: rates from the rows of ${n} decisions in 25 hours: p95 ${fmt(rows)} ms (count(*) of the whole table: ${fmt(countP95)} ms)`);
  check(rollups < rows, `alerts: rates from the hourly rollups p95 ${fmt(rollups)} ms < from the rows ${fmt(rows)} ms (${fmt(rows / rollups)}x)`);
  // Silent hosts are still found from the rows (no rollup carries the host token they are keyed by): most of this.
  console.log(`alerts: a whole evaluation (rates, silent hosts from the rows, once-per-window check) p95 ${fmt(whole)} ms`);
}
