import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { withdrawChangeRequest } from "@/lib/policies";

export const dynamic = "force-dynamic";

/** Closes an open change request without publishing it (its author, or a publisher). */
export const POST = orgRoute("policy:edit", async (_req, ctx, params) => {
  return Response.json(await withdrawChangeRequest(db, ctx, params.number, ctx.request));
});
