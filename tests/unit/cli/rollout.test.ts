import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { rolloutCommand } from "../../../cli/rollout";

// `charter rollout status` against a local HTTP server that answers like GET /api/v1/orgs/{org}/rollouts/{version}.

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  delete process.env.CHARTER_TOKEN;
});

const rollout = (state: string, extra: Record<string, unknown> = {}) => ({
  version: 7,
  previous: 6,
  state,
  currentRing: 0,
  reason: null,
  rollbackVersion: null,
  rings: [
    { name: "canary", target: "10% of hosts", status: "current", hosts: 98, installed: 90, failed: 1, drifted: 0 },
    { name: "everyone", target: "everyone else", status: "pending", hosts: 902, installed: 0, failed: 0, drifted: 0 },
  ],
  gate: { verdict: "wait", reasons: ["soaking: 3 of 30 minutes"] },
  ...extra,
});

async function serve(answers: unknown[]): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.authorization}`);
    const body = answers.length > 1 ? answers.shift() : answers[0];
    res.writeHead(body ? 200 : 404, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body ?? { error: { code: "not_found", message: "There is no rollout of version 9." } }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await rolloutCommand(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("charter rollout status", () => {
  it("prints the rings and the gate verdict with the admin token, and exits 0 for a running rollout without --wait", async () => {
    process.env.CHARTER_TOKEN = "chr_test";
    const { url, seen } = await serve([rollout("running")]);
    const r = await run(["status", "--server", url, "--org", "acme"]);
    expect(r.code).toBe(0);
    expect(seen).toEqual(["/api/v1/orgs/acme/rollouts/latest Bearer chr_test"]);
    expect(r.out).toContain("version 7 (after 6): running");
    expect(r.out).toContain("▶ canary (10% of hosts): 90/98 installed, 1 failed");
    expect(r.out).toContain("gates: wait — soaking: 3 of 30 minutes");
  });

  it("--wait polls until the rollout completes (exit 0) or is rolled back (exit 1)", async () => {
    process.env.CHARTER_TOKEN = "chr_test";
    const done = await serve([rollout("running"), rollout("completed", { gate: null })]);
    expect((await run(["status", "7", "--server", done.url, "--org", "acme", "--wait", "--interval", "1"])).code).toBe(0);
    expect(done.seen).toHaveLength(2);
    const back = await serve([rollout("rolled_back", { reason: "ring \"canary\" failed its gates", rollbackVersion: 8, gate: null })]);
    const r = await run(["status", "7", "--server", back.url, "--org", "acme", "--wait"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("rolled back — ring \"canary\" failed its gates; every host now gets version 8");
  });

  it("exits 2 on usage errors and on an error answer, with the server's message", async () => {
    expect((await run(["status", "--org", "acme"])).err).toMatch(/--server is required/);
    process.env.CHARTER_TOKEN = "chr_test";
    expect((await run(["status", "x7", "--server", "http://127.0.0.1:1", "--org", "acme"])).code).toBe(2);
    const missing = await serve([null]);
    const r = await run(["status", "9", "--server", missing.url, "--org", "acme"]);
    expect(r).toMatchObject({ code: 2, err: "charter rollout: 404 There is no rollout of version 9." });
  });
});
