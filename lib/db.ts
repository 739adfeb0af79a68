import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client";

export type Db = PrismaClient;
export { Prisma } from "./generated/prisma/client";
export type { Role } from "./generated/prisma/client";

/** Creates a client for a connection string. Most code uses `db`; scripts and tests make their own. */
export function createDb(url: string): Db {
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 5_000 });
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(client, pool);
  return client;
}

const pools = new WeakMap<Db, pg.Pool>();

/**
 * The pg pool under a client made by createDb (null for any other), for the one hot path that sends megabytes per
 * statement (decision ingest): Prisma's raw queries copy such a parameter several times, the pg driver sends it as is.
 */
export function pgPoolOf(client: Db): pg.Pool | null {
  return pools.get(client === db ? lazyDb() : client) ?? null;
}

// One client per process, also across Next.js hot reloads in development.
const globalForDb = globalThis as unknown as { charterDb?: Db };

function lazyDb(): Db {
  if (!globalForDb.charterDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start Charter with `npm start`, which provides one.");
    globalForDb.charterDb = createDb(url);
  }
  return globalForDb.charterDb;
}

/** The one Prisma client. Created on first use, so importing this module never needs a database. */
export const db: Db = new Proxy({} as Db, {
  get: (_target, prop) => Reflect.get(lazyDb(), prop),
});
