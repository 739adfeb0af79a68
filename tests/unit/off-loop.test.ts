import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "../../lib/errors";
import { changeSummary, diffPolicies } from "../../lib/policies/common";
import { KNOWN_CODEX_VERSIONS, validateForFleet, validateRequirements } from "../../lib/requirements";
import { createDocPool, type DocPool } from "../../lib/server/off-loop";
import { generateRequirements } from "../bench/requirements.bench";

// Large documents are checked in worker threads (lib/server/off-loop.ts) so one request never holds the event loop.
const unknownKeys = Array.from({ length: 2_000 }, (_, i) => `k${i} = ${i}\n`).join("");
const realistic = generateRequirements(32 * 1024);
const broken = realistic.replace('allowed_sandbox_modes = ["read-only", "workspace-write"]', 'allowed_sandbox_modes = ["read-only", "danger"]\nallowed_sandbox_mdoes = []');
const pools: DocPool[] = [];
const pool = (options: Parameters<typeof createDocPool>[0] = {}) => {
  const p = createDocPool(options);
  pools.push(p);
  return p;
};
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

// Starting a worker thread (TypeScript through tsx) takes seconds on a loaded machine.
describe("document work off the event loop", { timeout: 60_000 }, () => {
  it("gives exactly the verdict and findings of checking inline", async () => {
    const p = pool();
    for (const text of [unknownKeys, realistic, broken]) {
      expect(await p.run({ kind: "fleet", text, versions: KNOWN_CODEX_VERSIONS })).toEqual(validateForFleet(text, KNOWN_CODEX_VERSIONS));
    }
    expect(validateForFleet(broken).valid).toBe(false);
    expect(await p.run({ kind: "summary", before: realistic, after: broken })).toEqual(changeSummary(realistic, broken));
    expect(await p.run({ kind: "review", before: realistic, after: broken })).toEqual({ validation: validateRequirements(broken), diff: diffPolicies(realistic, broken) });
    expect(p.stats().workers).toBeGreaterThan(0);
  });

  it("lets the event loop turn while a large document is checked, and checks small ones inline", async () => {
    const p = pool();
    let settled = false;
    const job = p.run({ kind: "fleet", text: unknownKeys, versions: KNOWN_CODEX_VERSIONS }).then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(p.stats().busy).toBe(1);
    await job;
    const small = await p.run({ kind: "fleet", text: 'allowed_sandbox_modes = ["read-only"]\n', versions: KNOWN_CODEX_VERSIONS });
    expect(small.valid).toBe(true);
    expect(p.stats().busy).toBe(0);
  });

  it("refuses a job with 503 `busy` when the queue is full, and runs the others", async () => {
    const p = pool({ workers: 1, queue: 1 });
    const job = () => p.run({ kind: "fleet", text: unknownKeys, versions: KNOWN_CODEX_VERSIONS });
    const [first, second, third] = [job(), job(), job()];
    const refused = await third.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "unavailable", status: 503, details: { reason: "busy", queue: 1 } });
    expect((await first).diagnostics).toHaveLength(2_000);
    expect((await second).diagnostics).toHaveLength(2_000);
  });

  it("stops a job past its time bound with 503 `timeout` and terminates its worker", async () => {
    const p = pool({ timeoutMs: 1 });
    const stopped = await p.run({ kind: "fleet", text: unknownKeys, versions: KNOWN_CODEX_VERSIONS }).catch((e: unknown) => e);
    expect(stopped).toMatchObject({ code: "unavailable", status: 503, details: { reason: "timeout", limitMs: 1 } });
    expect(p.stats()).toEqual({ workers: 0, busy: 0, waiting: 0 });
  });
});
