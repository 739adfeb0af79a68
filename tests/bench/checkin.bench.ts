/**
 * Benchmark: a fleet of BENCH_CHECKIN_HOSTS hosts (default 10,000) each checking in once at a random moment of a
 * BENCH_CHECKIN_SECONDS window (default 60 s), as jittered polls do, against a real `npm start` (production build,
 * scratch embedded PostgreSQL, one agent token per host). Beside it, in the same run and with the same load, a bare
 * node:http server that reads and parses each body and answers a fixed JSON: the cost of the HTTP exchange alone.
 * Reported: CPU of the server's process tree (and of PostgreSQL) as a share of one core over the window, the ratio to
 * the bare server, and lost check-ins (non-200 answers, and hosts whose check-in is not in the database afterwards).
 * Target: Charter's ingestion under 10 % of one core, no check-in lost.
 *
 * Run alone: `npx tsx tests/bench/checkin.bench.ts` (or `npm run bench -- checkin`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { testRequest } from "../support/request";
import { freePort, ownerContext, startScratchCharter, type ScratchCharter } from "./scratch-server";

const HOSTS = Number(process.env.BENCH_CHECKIN_HOSTS ?? 10_000);
const SECONDS = Number(process.env.BENCH_CHECKIN_SECONDS ?? 60);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) used so far by the processes `pick` selects, from /proc. */
function cpuSeconds(pick: (stat: { pid: number; ppid: number; pgrp: number }) => boolean): number {
  let ticks = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const raw = readFileSync(`/proc/${name}/stat`, "utf8");
      const f = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
      if (pick({ pid: Number(name), ppid: Number(f[1]), pgrp: Number(f[2]) })) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // exited meanwhile
    }
  }
  return ticks / TICKS_PER_SECOND;
}

const BARE_SERVER = `
const http = require("node:http");
http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    try { JSON.parse(Buffer.concat(chunks).toString("utf8")); } catch { res.writeHead(400); return res.end(); }
    res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" });
    res.end(JSON.stringify({ pollIntervalSeconds: 300, serverTime: new Date().toISOString() }));
  });
}).listen(Number(process.env.PORT), "127.0.0.1", () => process.send && process.send("ready"));
`;

interface Host {
  token: string;
  hostname: string;
}

function report(h: Host, n: number, version: number) {
  // Mostly healthy hosts; a few behind, drifted or failed, as a real fleet has.
  const roll = n % 100;
  const sha = "a".repeat(64);
  return JSON.stringify({
    hostname: h.hostname,
    os: n % 3 === 0 ? "darwin" : "linux",
    arch: "x64",
    agentVersion: "0.2.0",
    codexVersion: "0.169.0",
    state: roll === 0 ? "failed" : roll === 1 ? "drifted" : "current",
    installedVersion: roll === 2 ? Math.max(1, version - 1) : version,
    installedSha256: sha,
    diskSha256: roll === 1 ? "b".repeat(64) : sha,
    lastCheckAt: new Date().toISOString(),
    lastError: roll === 0 ? "codex refused: unknown variant `bogus`" : null,
    events: roll === 0 ? [{ at: new Date().toISOString(), state: "codex_refused", version, reason: "unknown variant `bogus`" }] : [],
  });
}

/** Every host checks in once, at a uniformly random moment of the window; resolves with the answers' statuses. */
async function storm(port: number, hosts: Host[], version: number, seconds = SECONDS): Promise<{ ok: number; failed: Record<string, number>; wall: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  const at = hosts.map(() => Math.random() * seconds * 1000).sort((a, b) => a - b);
  const failed: Record<string, number> = {};
  let ok = 0;
  const t0 = Date.now();
  const inflight: Promise<void>[] = [];
  const send = (h: Host, n: number) =>
    new Promise<void>((resolve) => {
      const body = report(h, n, version);
      const req = http.request(
        { host: "127.0.0.1", port, path: "/api/v1/agent/checkin", method: "POST", agent, headers: { Authorization: `Bearer ${h.token}`, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "User-Agent": "charter-agent/bench" } },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === 200) ok++;
            else failed[String(res.statusCode)] = (failed[String(res.statusCode)] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on("error", (err) => {
        failed[err.message] = (failed[err.message] ?? 0) + 1;
        resolve();
      });
      req.end(body);
    });
  let next = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const elapsed = Date.now() - t0;
      while (next < hosts.length && at[next] <= elapsed) {
        inflight.push(send(hosts[next], next));
        next++;
      }
      if (next < hosts.length) setTimeout(tick, 5);
      else done();
    };
    tick();
  });
  await Promise.all(inflight);
  agent.destroy();
  return { ok, failed, wall: (Date.now() - t0) / 1000 };
}

async function main() {
  const children: ChildProcess[] = [];
  let server: ScratchCharter | undefined;
  try {
    server = await startScratchCharter({ name: "checkin", startTimeoutMs: 900_000 });
    const { port, charter } = server;
    const postmaster = server.postmasterPid();

    // A published version and one agent token per host (made in bulk: only their hashes are stored).
    const { saveDraft, publishDraft, getDraft } = await import("../../lib/policies");
    const { hashSecret, newSecret, secretPrefix } = await import("../../lib/crypto/tokens");
    const { db, ctx } = await ownerContext(server.databaseUrl, "policy:publish");
    const draft = await getDraft(db, ctx);
    await saveDraft(db, ctx, { toml: `# bench\nallowed_sandbox_modes = ["read-only"]\nallowed_approvals_reviewers = ["user"]\n`, baseRevision: draft?.revision ?? 0 }, testRequest);
    const { number: version } = await publishDraft(db, ctx, { note: "bench" }, testRequest);
    const hosts: Host[] = Array.from({ length: HOSTS }, (_, n) => ({ token: newSecret("cha_"), hostname: `bench-${String(n).padStart(5, "0")}` }));
    for (let i = 0; i < hosts.length; i += 2000) {
      await db.agentToken.createMany({ data: hosts.slice(i, i + 2000).map((h) => ({ orgId: ctx.org.id, name: h.hostname, prefix: secretPrefix(h.token), tokenHash: hashSecret(h.token) })) });
    }

    const barePort = await freePort();
    const bare = spawn(process.execPath, ["-e", BARE_SERVER], { env: { ...process.env, PORT: String(barePort) }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    children.push(bare);
    await new Promise<void>((resolve) => bare.once("message", () => resolve()));

    // Warm-up (connections, JIT, the first batch) with a few hosts that are not counted.
    await storm(port, hosts.slice(0, 20), version, 1);
    await storm(barePort, hosts.slice(0, 20), version, 1);
    await db.agentHost.deleteMany({});
    await db.agentHostHistory.deleteMany({});

    const charterGroup = (s: { pgrp: number }) => s.pgrp === charter.pid;
    const postgres = (s: { pid: number; ppid: number }) => s.pid === postmaster || s.ppid === postmaster;
    const measure = async (name: string, p: number, serverCpu: () => number) => {
      const c0 = serverCpu();
      const pg0 = cpuSeconds(postgres);
      const r = await storm(p, hosts, version);
      // The last batch is written after its answers; wait for it to commit before reading the meters.
      await new Promise((res) => setTimeout(res, 500));
      const cpu = serverCpu() - c0;
      // Backends that exit during the window take their ticks with them: never below zero.
      const pgCpu = Math.max(0, cpuSeconds(postgres) - pg0);
      return { name, ...r, cpu, pgCpu };
    };
    const base = await measure("bare node:http", barePort, () => cpuSeconds((s) => s.pid === bare.pid));
    const real = await measure("charter", port, () => cpuSeconds(charterGroup));
    const stored = await db.agentHost.count({ where: { lastSeenAt: { not: null } } });
    const sum = await db.agentHost.aggregate({ _sum: { checkIns: true } });
    const history = await db.agentHostHistory.count();
    await db.$disconnect();

    const share = (cpu: number, wall: number) => `${((100 * cpu) / wall).toFixed(1)} % of one core`;
    process.stdout.write(`${HOSTS} hosts, one check-in each at random moments of ${SECONDS} s, ${os.cpus().length} CPUs\n`);
    for (const r of [base, real]) {
      const failures = Object.entries(r.failed).map(([k, v]) => `${v}× ${k}`).join(", ");
      process.stdout.write(`  ${r.name.padEnd(16)} ${r.ok} × 200 in ${r.wall.toFixed(1)} s; server CPU ${r.cpu.toFixed(2)} s = ${share(r.cpu, r.wall)}; PostgreSQL ${r.pgCpu.toFixed(2)} s${failures ? `; refused: ${failures}` : ""}\n`);
    }
    const lost = HOSTS - (sum._sum.checkIns ?? 0);
    const refused = HOSTS - real.ok;
    process.stdout.write(`  stored: ${stored} hosts, ${sum._sum.checkIns ?? 0} check-ins, ${history} history rows; lost check-ins: ${lost}; refused: ${refused}\n`);
    process.stdout.write(`  ratio: Charter's server process uses ${(real.cpu / Math.max(base.cpu, 0.01)).toFixed(1)}× the CPU of the bare server for the same requests\n`);
    const cpuShare = real.cpu / real.wall;
    process.stdout.write(`  target (ingestion < 10 % of one core, nothing lost): ${cpuShare < 0.1 && lost === 0 && refused === 0 ? "met" : "NOT met"}\n`);
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await server?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
