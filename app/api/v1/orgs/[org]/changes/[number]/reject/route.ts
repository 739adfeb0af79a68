import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { decideChangeRequest, decisionSchema } from "@/lib/policies";
import { readJson } from "@/lib/policies/http";

export const dynamic = "force-dynamic";

export const POST = orgRoute("policy:approve", async (req, ctx, params) => {
  const body = await readJson(req, decisionSchema);
  return Response.json(await decideChangeRequest(db, ctx, params.number, "reject", body, ctx.request));
});
