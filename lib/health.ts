import type { Db } from "./db";

export interface Health {
  status: "ok" | "degraded";
  db: "ok" | "down";
}

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
    return { status: "degraded", db: "down" };
  } finally {
    clearTimeout(timer);
  }
}
