import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";

export type Db = PrismaClient;
export { Prisma } from "./generated/prisma/client";
export type { Role } from "./generated/prisma/client";

/** Creates a client for a connection string. Most code uses `db`; scripts and tests make their own. */
export function createDb(url: string): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, connectionTimeoutMillis: 5_000 }) });
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
