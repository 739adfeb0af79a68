import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { listVersions } from "@/lib/policies";

export const dynamic = "force-dynamic";

export const GET = orgRoute("org:read", async (req, ctx) => {
  const limit = Number(new URL(req.url).searchParams.get("limit") ?? 200) || 200;
  return Response.json({ versions: await listVersions(db, ctx, { limit }) }, { headers: { "Cache-Control": "no-store" } });
});
