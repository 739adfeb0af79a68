import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { createChangeRequest, createChangeRequestSchema, listChangeRequests } from "@/lib/policies";
import { readJson } from "@/lib/policies/http";

export const dynamic = "force-dynamic";

export const GET = orgRoute("org:read", async (req, ctx) => {
  const status = new URL(req.url).searchParams.get("status");
  const filter = status === "open" || status === "closed" ? status : undefined;
  return Response.json({ changeRequests: await listChangeRequests(db, ctx, { status: filter }) });
});

/** Opens a change request for the current draft. */
export const POST = orgRoute("policy:edit", async (req, ctx) => {
  const body = await readJson(req, createChangeRequestSchema);
  const cr = await createChangeRequest(db, ctx, body, ctx.request);
  return Response.json(cr, { status: 201, headers: { Location: `/api/v1/orgs/${ctx.org.slug}/changes/${cr.number}` } });
});
