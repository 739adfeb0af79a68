import { orgRoute } from "@/lib/auth/api";
import { db } from "@/lib/db";
import { verifyOrg } from "@/lib/audit";

/** GET /api/v1/orgs/{org}/audit/verify — 200 whether the chain is intact or not; the `ok` flag says which. */
export const GET = orgRoute("audit:export", async (_req, ctx) => {
  const { chain: _chain, ...result } = await verifyOrg(db, ctx.org.id);
  return Response.json({ org: ctx.org.slug, ...result }, { headers: { "Cache-Control": "no-store" } });
});
