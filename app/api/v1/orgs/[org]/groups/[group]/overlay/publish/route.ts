import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { publishOverlay } from "@/lib/groups";
import { publishSchema } from "@/lib/policies";
import { readJson } from "@/lib/policies/http";

export const dynamic = "force-dynamic";

/** Publishes the overlay draft: composed with the base, validated as one file, signed for the group's hosts. */
export const POST = orgRoute("policy:publish", async (req, ctx, p) => {
  const body = await readJson(req, publishSchema.omit({ rollout: true }));
  return Response.json(await publishOverlay(db, ctx, decodeURIComponent(p.group), body, ctx.request), { status: 201 });
});
