import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { getRun } from "@/lib/sandbox";

export const dynamic = "force-dynamic";

/** A run with its results so far; the run page polls this while the run is going. */
export const GET = orgRoute("org:read", async (_req, ctx, params) => {
  const run = await getRun(db, ctx, params.id ?? "");
  return Response.json(run, { headers: { "Cache-Control": "no-store" } });
});
