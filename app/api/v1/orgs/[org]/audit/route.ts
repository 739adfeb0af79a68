import { orgRoute } from "@/lib/auth/api";
import { db } from "@/lib/db";
import { filtersFromSearchParams, queryAudit } from "@/lib/audit";

/** GET /api/v1/orgs/{org}/audit?actor&action&target&targetType&targetId&from&to&cursor&limit — newest first. */
export const GET = orgRoute("audit:export", async (req, ctx) => {
  const page = await queryAudit(db, ctx, filtersFromSearchParams(new URL(req.url).searchParams));
  return Response.json(page, { headers: { "Cache-Control": "no-store" } });
});
