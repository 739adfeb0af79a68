import type { Db } from "./db";

export interface Health {
  status: "ok" | "degraded";
  db: "ok" | "down";
  /** Why the service is degraded and what still works (only when degraded). */
  reason?: string;
}

/** What keeps working while the database is down (the bundle fast path serves from memory, lib/bundles/serve.ts). */
const OUTAGE_REASON =
  "The database is unreachable: agent hosts keep getting the last signed bundle (and 304s) for tokens seen before the outage; the console and the admin API are unavailable until it is back.";

/** Probes the database with a bounded wait, so a dead server makes the health check answer quickly. */
export async function checkHealth(db: Db, timeoutMs = 3_000): Promise<Health> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("database probe timed out")), timeoutMs);
  });
  try {
    await Promise.race([db.$queryRaw`SELECT 1`, timeout]);
    return { status: "ok", db: "ok" };
  } catch {
    const since = (globalThis as { charterBundleServer?: { outage(): { since: Date } | null } }).charterBundleServer?.outage()?.since;
    return { status: "degraded", db: "down", reason: since ? `${OUTAGE_REASON} Since ${since.toISOString()}.` : OUTAGE_REASON };
  } finally {
    clearTimeout(timer);
  }
}
