import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { publishDraft, publishSchema } from "@/lib/policies";
import { readJson } from "@/lib/policies/http";

export const dynamic = "force-dynamic";

/** Publishes the draft as the next version (only when the org requires no approvals). */
export const POST = orgRoute("policy:publish", async (req, ctx) => {
  const body = await readJson(req, publishSchema);
  const version = await publishDraft(db, ctx, body, ctx.request);
  return Response.json(version, { status: 201, headers: { Location: `/api/v1/orgs/${ctx.org.slug}/versions/${version.number}` } });
});
