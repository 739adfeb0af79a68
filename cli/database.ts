import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { createDb, type Db } from "../lib/db";
import { charterDatabase, type EmbeddedServer } from "../lib/db/embedded";

/** The data directory of `npm start`: CHARTER_DATA_DIR, else .charter in the working directory. */
export function cliDataDir(): string {
  return path.resolve(process.env.CHARTER_DATA_DIR ?? ".charter");
}

/**
 * The master key the server uses (it derives the audit MAC key from it): CHARTER_MASTER_KEY, else the one `npm start`
 * generated into the data directory. Sets CHARTER_MASTER_KEY for this process; false when there is none.
 */
export function loadMasterKey(): boolean {
  if (process.env.CHARTER_MASTER_KEY) return true;
  const file = path.join(cliDataDir(), "master-key");
  if (!existsSync(file)) return false;
  process.env.CHARTER_MASTER_KEY = readFileSync(file, "utf8").trim();
  return true;
}

/** Why a connection failed, in one line (the driver's message without its stack or wrapping). */
export function connectionProblem(url: string, err: unknown): string {
  let where: string;
  try {
    const u = new URL(url);
    where = `${u.host}${u.pathname}`;
  } catch {
    return "DATABASE_URL is not a PostgreSQL connection URL (postgresql://user:password@host:port/database)";
  }
  const message = String((err as Error)?.message ?? err).split("\n")[0];
  return `cannot connect to the database at ${where}: ${message}`;
}

/**
 * DATABASE_URL; else the embedded cluster of `npm start`: the running one (its credentials file), or started for this
 * call. Connects once before returning, so a wrong URL fails here with one line (see connectionProblem).
 */
export async function connectCharterDatabase(): Promise<{ db: Db; embedded?: EmbeddedServer; description: string }> {
  const url = process.env.DATABASE_URL;
  if (url) {
    await probe(url);
    return { db: createDb(url), description: "DATABASE_URL" };
  }
  const dataDir = cliDataDir();
  const embeddedUrl = runningEmbeddedUrl(dataDir);
  if (embeddedUrl) {
    try {
      await probe(embeddedUrl);
      return { db: createDb(embeddedUrl), description: `the embedded cluster in ${dataDir}` };
    } catch {
      // not running: started below
    }
  }
  if (!existsSync(path.join(dataDir, "postgres"))) throw new Error(`no DATABASE_URL and no embedded cluster in ${dataDir} (run npm start once, or set DATABASE_URL)`);
  const started = await charterDatabase(dataDir);
  return { db: createDb(started.ownerUrl), embedded: started.embedded, description: `the embedded cluster in ${dataDir}` };
}

function runningEmbeddedUrl(dataDir: string): string | null {
  const credentials = path.join(dataDir, "postgres", "credentials.json");
  if (!existsSync(credentials)) return null;
  const { password } = JSON.parse(readFileSync(credentials, "utf8")) as { password: string };
  const port = Number(process.env.CHARTER_PG_PORT ?? 54329);
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/charter`;
}

async function probe(url: string): Promise<void> {
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  } catch (err) {
    throw new Error(connectionProblem(url, err), { cause: err });
  }
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    throw new Error(connectionProblem(url, err), { cause: err });
  } finally {
    await client.end().catch(() => {});
  }
}
