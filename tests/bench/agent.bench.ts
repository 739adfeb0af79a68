/**
 * Benchmark of the host agent as installed from its packed tarball:
 *   1. one `charter-agent pull` answered 304 (the steady state of every host), wall time, beside a bare `node -e` script
 *      doing the same GET with If-None-Match, same server, same run. Target: the agent within 2× of the bare script.
 *   2. resident memory of `charter-agent run` (polling every second, watching the file), beside an idle `node -e`.
 *      Target: under 40 MB.
 * The server is a bare node:http process serving a signed bundle, so both clients measure only themselves.
 *
 * Run alone: `npx tsx tests/bench/agent.bench.ts` (BENCH_RUNS to change the number of timed runs, default 15).
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { installPackedAgent } from "../agent-package";
import { makeTestKey, payloadFor, signBundle } from "../bundle-fixtures";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TOKEN = "cha_bench-token";

const SERVER = `
const http = require("node:http");
const body = Buffer.from(process.env.JWS);
const keys = process.env.KEYS;
const etag = '"bench-etag"';
const server = http.createServer((req, res) => {
  if (req.url === "/api/v1/orgs/acme/keys") return res.writeHead(200, { "Content-Type": "application/json" }).end(keys);
  if (req.url === "/api/v1/agent/checkin") { req.resume(); return req.on("end", () => res.writeHead(200, { "Content-Type": "application/json" }).end('{"pollIntervalSeconds":1}')); }
  if (req.headers["if-none-match"] === etag) return res.writeHead(304, { ETag: etag }).end();
  res.writeHead(200, { ETag: etag, "Content-Type": "application/jose", "Content-Length": body.length }).end(body);
});
server.listen(0, "127.0.0.1", () => process.send(server.address().port));
`;

const BARE_GET = `
const http = require("node:http");
http.get(process.env.URL, { headers: { Authorization: "Bearer " + process.env.TOKEN, "If-None-Match": '"bench-etag"' } }, (res) => {
  res.resume();
  res.on("end", () => { if (res.statusCode !== 304) process.exit(1); });
});
`;

function timed(file: string, args: string[], env: Record<string, string>): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) =>
    execFile(file, args, { env: { ...process.env, ...env } }, (err, _stdout, stderr) => {
      if (err) return reject(new Error(`${args.join(" ")}: ${stderr || err.message}`));
      resolve(Number(process.hrtime.bigint() - started) / 1e6);
    }),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Peak and last resident set of a process (Linux /proc; elsewhere `ps`), in MB, sampled every 100 ms for `ms`. */
async function sampleRss(pid: number, ms: number): Promise<{ peak: number; anon: number | null }> {
  let peak = 0;
  let anon: number | null = null;
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (process.platform === "linux") {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb("VmRSS") / 1024);
      anon = Math.max(anon ?? 0, kb("RssAnon") / 1024);
    } else {
      const rss = await new Promise<number>((resolve) => execFile("ps", ["-o", "rss=", "-p", String(pid)], (_e, out) => resolve(Number(out.trim()) / 1024)));
      peak = Math.max(peak, rss);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { peak, anon };
}

async function main() {
  const { bin, packedBytes } = installPackedAgent();
  const key = await makeTestKey();
  const jws = await signBundle(key, payloadFor({ org: "acme", version: 1 }));
  const srv = spawn(process.execPath, ["-e", SERVER], { env: { ...process.env, JWS: jws, KEYS: JSON.stringify({ keys: [key.jwk] }) }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve) => srv.once("message", (m) => resolve(Number(m))));
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "charter-agent-bench-"));
  const args = ["pull", "--server", url, "--org", "acme", "--trust-fingerprint", key.fingerprint, "--out", path.join(dir, "requirements.toml"), "--state-dir", path.join(dir, "state")];
  const env = { CHARTER_TOKEN: TOKEN, CHARTER_CODEX: "off" };
  try {
    await timed(process.execPath, [bin, ...args], env); // installs: later pulls are 304s
    const agent: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Interleaved, so load on this machine hits both alike.
      bare.push(await timed(process.execPath, ["-e", BARE_GET], { URL: `${url}/api/v1/agent/bundle`, TOKEN }));
      agent.push(await timed(process.execPath, [bin, ...args], env));
    }
    const ratio = median(agent) / median(bare);
    console.log(`packed size: ${(packedBytes / 1024).toFixed(0)} KiB (target < 2048 KiB)`);
    console.log(`304 pull, median of ${RUNS}: charter-agent ${median(agent).toFixed(0)} ms, bare node -e GET ${median(bare).toFixed(0)} ms, ratio ${ratio.toFixed(2)}× (target ≤ 2×) ${ratio <= 2 ? "OK" : "OVER"}`);

    // Memory: `run` polling every second and watching the file every 100 ms, beside an idle node process.
    const run = spawn(process.execPath, [bin, "run", ...args.slice(1), "--interval", "1", "--drift-check", "0.1"], { env: { ...process.env, ...env }, stdio: "ignore" });
    const idle = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    try {
      const [mem, base] = await Promise.all([sampleRss(run.pid!, 8_000), sampleRss(idle.pid!, 8_000)]);
      console.log(
        `run mode RSS over 8 s: peak ${mem.peak.toFixed(1)} MB${mem.anon !== null ? ` (private ${mem.anon.toFixed(1)} MB)` : ""} (target < 40 MB) ${mem.peak < 40 ? "OK" : "OVER"}; ` +
          `an idle node -e: ${base.peak.toFixed(1)} MB${base.anon !== null ? ` (private ${base.anon.toFixed(1)} MB)` : ""}, so the agent adds ${(mem.peak - base.peak).toFixed(1)} MB`,
      );
    } finally {
      run.kill("SIGTERM");
      idle.kill();
    }
  } finally {
    srv.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
