/**
 * A real Charter for a benchmark: `npm start` (scripts/start.ts: migrations, seed, a build when sources changed,
 * next start) on a scratch embedded PostgreSQL in a temporary folder, on free ports. `stop()` ends both and removes
 * the folder. The seeded owner is owner@acme.example with `password`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitFor(url: string, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s`);
}

/** Resolves when `child` has exited, or after `ms` (a process that ignores SIGINT must not hang the bench). */
function exited(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export interface ScratchCharter {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** The scratch folder (data dir of both servers); removed by stop(). */
  dir: string;
  databaseUrl: string;
  password: string;
  /** The `npm start` process; it leads its own process group (for CPU accounting by group). */
  charter: ChildProcess;
  /** The PostgreSQL postmaster's pid (its backends are its children). */
  postmasterPid(): number;
  stop(): Promise<void>;
}

export async function startScratchCharter(opts: { name: string; password?: string; startTimeoutMs?: number }): Promise<ScratchCharter> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `charter-bench-${opts.name}-`));
  chmodSync(dir, 0o755); // the embedded server runs as its own user when we are root
  const password = opts.password ?? "bench-password-1";
  // The bench process itself uses the domain functions (sealing keys), so it shares the server's master key.
  const masterKey = randomBytes(32).toString("base64");
  process.env.CHARTER_MASTER_KEY = masterKey;
  let embedded: { stop(): Promise<void> } | undefined;
  let charter: ChildProcess | undefined;
  const stop = async () => {
    if (charter?.pid && charter.exitCode === null) {
      try {
        process.kill(-charter.pid, "SIGINT");
      } catch {
        // already gone
      }
      await exited(charter, 10_000);
    }
    await embedded?.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { startEmbeddedPostgres } = await import("../../lib/db/embedded");
    const { ensureDatabase } = await import("../../lib/db/admin");
    const pg = await startEmbeddedPostgres({ dir: path.join(dir, "postgres"), port: await freePort(), persistent: false });
    embedded = pg;
    await ensureDatabase(pg.adminUrl, "charter");
    const databaseUrl = pg.urlFor("charter");
    const port = await freePort();
    charter = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/start.ts")], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: databaseUrl, CHARTER_DATA_DIR: dir, CHARTER_SEED_PASSWORD: password, CHARTER_MASTER_KEY: masterKey },
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${url}/api/health`, opts.startTimeoutMs ?? 600_000);
    const child = charter;
    return {
      url,
      port,
      dir,
      databaseUrl,
      password,
      charter: child,
      postmasterPid: () => Number(readFileSync(path.join(dir, "postgres", "data", "postmaster.pid"), "utf8").split("\n")[0]),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The seeded owner's context in the seeded org "acme", for setting a bench up through the domain functions. */
export async function ownerContext(databaseUrl: string, permission: "policy:edit" | "policy:publish") {
  const { createDb } = await import("../../lib/db");
  const { orgContext } = await import("../../lib/orgs");
  const db = createDb(databaseUrl);
  const owner = await db.user.findFirstOrThrow({ where: { email: "owner@acme.example" } });
  const ctx = await orgContext(db, { type: "user", userId: owner.id, email: owner.email, name: owner.name }, "acme", permission);
  return { db, ctx };
}
