import { db } from "@/lib/db";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Liveness and database reachability; public, reveals nothing but up/down. */
export async function GET() {
  const health = await checkHealth(db);
  return Response.json(health, { status: health.db === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
