import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { diffQuerySchema, diffVersions } from "@/lib/policies";

export const dynamic = "force-dynamic";

/** ?from=&to= : text hunks, semantic changes and the wider-access verdict of going from one version to another. */
export const GET = orgRoute("org:read", async (req, ctx) => {
  const q = new URL(req.url).searchParams;
  const { from, to } = diffQuerySchema.parse({ from: q.get("from") ?? undefined, to: q.get("to") ?? undefined });
  return Response.json(await diffVersions(db, ctx, from, to));
});
