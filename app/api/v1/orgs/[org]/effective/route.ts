import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { effectiveFor } from "@/lib/groups";

export const dynamic = "force-dynamic";

/** `?group=NAME` or `?host=ID` (optionally `&hostname=`): every value of that file and the layer (base or group) it came from. */
export const GET = orgRoute("org:read", async (req, ctx) => {
  const q = new URL(req.url).searchParams;
  return Response.json(await effectiveFor(db, ctx, { group: q.get("group") ?? undefined, host: q.get("host") ?? undefined, hostname: q.get("hostname") ?? undefined }));
});
