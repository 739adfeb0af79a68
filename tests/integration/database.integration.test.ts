import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { createDb } from "../../lib/db";
import { freePort, startEmbeddedPostgres } from "../../lib/db/embedded";
import { checkHealth } from "../../lib/health";
import { useTestDb } from "./helpers";

const db = useTestDb();

describe("health probe", () => {
  it("reports ok against a reachable database", async () => {
    expect(await checkHealth(db)).toEqual({ status: "ok", db: "ok" });
  });

  it("reports the database down when nothing listens", async () => {
    const port = await freePort();
    const dead = createDb(`postgresql://postgres:x@127.0.0.1:${port}/charter`);
    expect(await checkHealth(dead, 2_000)).toEqual({ status: "degraded", db: "down", reason: expect.stringContaining("The database is unreachable") });
    await dead.$disconnect();
  });

  it("answers \"down\" once its bound passes, even when the database never answers", async () => {
    // A server that accepts and then hangs: the probe must not wait for it. The clock is the test's, not the machine's.
    vi.useFakeTimers();
    try {
      const hanging = { $queryRaw: () => new Promise(() => {}) } as unknown as Parameters<typeof checkHealth>[0];
      let settled: { status: string } | null = null;
      const probe = checkHealth(hanging, 2_000).then((h) => (settled = h));
      await vi.advanceTimersByTimeAsync(1_999);
      expect(settled).toBeNull();
      await vi.advanceTimersByTimeAsync(1);
      await probe;
      expect(settled).toMatchObject({ status: "degraded", db: "down" });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("embedded PostgreSQL", () => {
  it("keeps data across a stop and a start of a persistent cluster", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "charter-persist-"));
    try {
      const port = await freePort();
      const first = await startEmbeddedPostgres({ dir, port, persistent: true });
      const c1 = new pg.Client({ connectionString: first.adminUrl });
      await c1.connect();
      await c1.query("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
      await c1.end();
      await first.stop();

      const second = await startEmbeddedPostgres({ dir, port, persistent: true });
      const c2 = new pg.Client({ connectionString: second.adminUrl });
      await c2.connect();
      const { rows } = await c2.query("SELECT v FROM kept");
      await c2.end();
      await second.stop();
      expect(rows).toEqual([{ v: "still here" }]);
      expect(second.adminUrl).toBe(first.adminUrl);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a port that is taken, with a message that says what to do", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "charter-busy-"));
    const net = await import("node:net");
    const blocker = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startEmbeddedPostgres({ dir, port, persistent: false })).rejects.toThrow(/Port \d+ is already in use.*CHARTER_PG_PORT/);
    } finally {
      blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
