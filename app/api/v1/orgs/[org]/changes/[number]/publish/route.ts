import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { publishChangeRequest } from "@/lib/policies";

export const dynamic = "force-dynamic";

/** Ships an approved change request as the next version. */
export const POST = orgRoute("policy:publish", async (_req, ctx, params) => {
  const version = await publishChangeRequest(db, ctx, params.number, ctx.request);
  return Response.json(version, { status: 201, headers: { Location: `/api/v1/orgs/${ctx.org.slug}/versions/${version.number}` } });
});
