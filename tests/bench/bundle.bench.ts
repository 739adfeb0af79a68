/**
 * Benchmark: GET /api/v1/agent/bundle of a real `npm start` (production build, scratch embedded PostgreSQL, a published
 * version, an agent token), beside a bare node:http server handing out the same JWS bytes with the same headers, in one
 * run: 200 and 304 paths, requests per second and p99 latency of both, and their ratio. Target: Charter reaches at least
 * half of the bare server's throughput on the 200 and 304 paths (the hot path makes no database query). Measured twice,
 * while a staged rollout is running: for a host in its first ring (the new version), and for a host of a group with an
 * overlay outside the ring (token → host → group → ring → the previous version composed with the overlay).
 *
 * Run alone: `npx tsx tests/bench/bundle.bench.ts` (BENCH_SECONDS, BENCH_CONNECTIONS to change the load). It builds
 * the console first when sources changed, like `npm start`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { testRequest } from "../support/request";
import { freePort, ownerContext, startScratchCharter, type ScratchCharter } from "./scratch-server";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

const BARE_SERVER = `
const http = require("node:http");
const fs = require("node:fs");
const body = fs.readFileSync(process.env.BODY_FILE);
const etag = process.env.ETAG;
const common = { ETag: etag, "Cache-Control": "public, no-cache", Vary: "Authorization" };
http.createServer((req, res) => {
  if (req.headers["if-none-match"] === etag) { res.writeHead(304, common); return res.end(); }
  res.writeHead(200, { ...common, "Content-Type": "application/jose", "Content-Length": body.length });
  res.end(body);
}).listen(Number(process.env.PORT), "127.0.0.1", () => process.send && process.send("ready"));
`;


interface Figures {
  rps: number;
  p99: number;
  non2xx: number;
}

async function load(url: string, headers: Record<string, string>, expectStatus: number): Promise<Figures> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  const wrong = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => Number(code) !== expectStatus).reduce((n, [, s]) => n + (s as { count: number }).count, 0);
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: wrong + result.errors + result.timeouts };
}

async function main() {
  const children: ChildProcess[] = [];
  let server: ScratchCharter | undefined;
  try {
    // Charter itself, exactly as `npm start` runs it (migrations, seed, build if needed, next start).
    server = await startScratchCharter({ name: "bundle" });
    const { port, dir } = server;

    // A published version and an agent token, through the domain functions the console uses.
    const { saveDraft, publishDraft, getDraft } = await import("../../lib/policies");
    const { createAgentToken } = await import("../../lib/agents");
    const { db, ctx } = await ownerContext(server.databaseUrl, "policy:publish");
    const draft = await getDraft(db, ctx);
    const text = draft?.toml ? `# bench\n${draft.toml}` : `allowed_sandbox_modes = ["read-only", "workspace-write"]\nallowed_approvals_reviewers = ["user", "auto_review"]\n`;
    await saveDraft(db, ctx, { toml: text, baseRevision: draft?.revision ?? 0 }, testRequest);
    await publishDraft(db, ctx, { note: "bench" }, testRequest);
    const { secret } = await createAgentToken(db, ctx, { name: "bench", group: "engineering" }, testRequest);
    // A group with an overlay, two more groups, and a rollout of the next version whose one ring this host is not in.
    const { createGroup, saveOverlayDraft, publishOverlay } = await import("../../lib/groups");
    for (const name of ["contractors", "engineering", "ci"]) await createGroup(db, ctx, { name, priority: name === "contractors" ? 10 : 0 }, testRequest);
    await saveOverlayDraft(db, ctx, "contractors", { toml: `allowed_sandbox_modes = ["read-only"]\n`, baseRevision: 0 }, testRequest);
    await publishOverlay(db, ctx, "contractors", { note: "bench" }, testRequest);
    const { secret: groupSecret } = await createAgentToken(db, ctx, { name: "bench contractor", group: "contractors" }, testRequest);
    const next = await getDraft(db, ctx);
    await saveDraft(db, ctx, { toml: `# bench v2\n${next!.toml}`, baseRevision: next!.revision }, testRequest);
    await publishDraft(db, ctx, { note: "bench rollout", rollout: { rings: [{ name: "canary", group: "engineering" }], gates: { soakMinutes: 600 } } }, testRequest);
    await db.$disconnect();

    const charterUrl = `http://127.0.0.1:${port}/api/v1/agent/bundle`;
    const scenarios = [
      { name: "group without overlay, in the rollout's ring", token: secret, expectVersion: "2" },
      { name: "group overlay, outside the rollout's ring", token: groupSecret, expectVersion: "1" },
    ];
    for (const scenario of scenarios) {
      const auth = { Authorization: `Bearer ${scenario.token}`, "User-Agent": "charter-agent/bench" };
      const first = await fetch(charterUrl, { headers: auth });
      if (first.status !== 200) throw new Error(`Charter answered ${first.status}: ${await first.text()}`);
      if (first.headers.get("x-charter-version") !== scenario.expectVersion) throw new Error(`${scenario.name}: served version ${first.headers.get("x-charter-version")}, expected ${scenario.expectVersion}`);
      const etag = first.headers.get("etag")!;
      const body = Buffer.from(await first.arrayBuffer());

      // The baseline: a bare node:http server in its own process, same bytes, same headers.
      const bodyFile = path.join(dir, "bundle.jws");
      writeFileSync(bodyFile, body);
      const barePort = await freePort();
      const bare = spawn(process.execPath, ["-e", BARE_SERVER], { env: { ...process.env, PORT: String(barePort), BODY_FILE: bodyFile, ETAG: etag }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
      children.push(bare);
      await new Promise<void>((resolve) => bare.once("message", () => resolve()));
      const bareUrl = `http://127.0.0.1:${barePort}/api/v1/agent/bundle`;

      // Warm-up, then the measurements, alternating so both servers see the same machine load.
      await load(charterUrl, auth, 200);
      const results = {
        "200 charter": await load(charterUrl, auth, 200),
        "200 bare": await load(bareUrl, auth, 200),
        "304 charter": await load(charterUrl, { ...auth, "If-None-Match": etag }, 304),
        "304 bare": await load(bareUrl, { ...auth, "If-None-Match": etag }, 304),
      };
      bare.kill("SIGTERM");

      const fmt = (f: Figures) => `${f.rps.toFixed(0).padStart(7)} req/s   p99 ${String(f.p99).padStart(4)} ms${f.non2xx ? `   (${f.non2xx} unexpected answers)` : ""}`;
      process.stdout.write(`${scenario.name}: bundle ${body.length} bytes, ${CONNECTIONS} connections, ${SECONDS} s per run, ${os.cpus().length} CPUs\n`);
      for (const [name, f] of Object.entries(results)) process.stdout.write(`  ${name.padEnd(12)} ${fmt(f)}\n`);
      const ratios: number[] = [];
      for (const p of ["200", "304"] as const) {
        const c = results[`${p} charter`];
        const b = results[`${p} bare`];
        ratios.push(c.rps / b.rps);
        process.stdout.write(`  ratio ${p}: Charter reaches ${((100 * c.rps) / b.rps).toFixed(0)}% of the bare server's throughput; p99 ${c.p99} vs ${b.p99} ms\n`);
      }
      process.stdout.write(`  target (200 and 304 paths >= 50% of bare): ${ratios.every((r) => r >= 0.5) ? "met" : "NOT met"}\n`);
    }
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await server?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
