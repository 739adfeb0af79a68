import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { restoreSchema, restoreVersion } from "@/lib/policies";
import { readJson } from "@/lib/policies/http";

export const dynamic = "force-dynamic";

/** Publishes an old version's text as a new version, or opens a change request when approvals are required. */
export const POST = orgRoute("policy:publish", async (req, ctx, params) => {
  const body = await readJson(req, restoreSchema);
  const result = await restoreVersion(db, ctx, params.number, body, ctx.request);
  return Response.json(result, { status: result.kind === "version" ? 201 : 202 });
});
