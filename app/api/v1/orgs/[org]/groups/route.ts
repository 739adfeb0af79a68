import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { createGroup, createGroupSchema, listGroups } from "@/lib/groups";
import { readJson } from "@/lib/policies/http";

export const dynamic = "force-dynamic";

/** Groups in precedence order (highest priority first), each with its live member count and latest overlay version. */
export const GET = orgRoute("org:read", async (_req, ctx) => Response.json(await listGroups(db, ctx)));

export const POST = orgRoute("policy:edit", async (req, ctx) => {
  const group = await createGroup(db, ctx, await readJson(req, createGroupSchema), ctx.request);
  return Response.json(group, { status: 201, headers: { Location: `/api/v1/orgs/${ctx.org.slug}/groups/${encodeURIComponent(group.name)}` } });
});
