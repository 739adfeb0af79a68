import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { deleteGroup, getGroup, updateGroup, updateGroupSchema } from "@/lib/groups";
import { readJson } from "@/lib/policies/http";

export const dynamic = "force-dynamic";

export const GET = orgRoute("org:read", async (_req, ctx, p) => Response.json(await getGroup(db, ctx, decodeURIComponent(p.group))));

export const PATCH = orgRoute("policy:edit", async (req, ctx, p) => Response.json(await updateGroup(db, ctx, decodeURIComponent(p.group), await readJson(req, updateGroupSchema), ctx.request)));

export const DELETE = orgRoute("policy:publish", async (_req, ctx, p) => {
  await deleteGroup(db, ctx, decodeURIComponent(p.group), ctx.request);
  return new Response(null, { status: 204 });
});
