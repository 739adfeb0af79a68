import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { getChangeRequest, updateChangeRequest, updateChangeRequestSchema } from "@/lib/policies";
import { readJson } from "@/lib/policies/http";

export const dynamic = "force-dynamic";

export const GET = orgRoute("org:read", async (_req, ctx, params) => {
  return Response.json(await getChangeRequest(db, ctx, params.number));
});

/** Edits title, note, text (fromDraft) or base (rebase); withdraws every earlier decision. */
export const PATCH = orgRoute("policy:edit", async (req, ctx, params) => {
  const body = await readJson(req, updateChangeRequestSchema);
  return Response.json(await updateChangeRequest(db, ctx, params.number, body, ctx.request));
});
