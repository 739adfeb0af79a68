import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { getVersion } from "@/lib/policies";

export const dynamic = "force-dynamic";

/** One version as JSON, or with ?format=toml its exact text (ETag = its sha256; versions never change). */
export const GET = orgRoute("org:read", async (req, ctx, params) => {
  const version = await getVersion(db, ctx, params.number);
  const headers = { ETag: `"${version.sha256}"`, "Cache-Control": "private, max-age=0, must-revalidate" };
  if (new URL(req.url).searchParams.get("format") === "toml") {
    return new Response(version.toml, { headers: { ...headers, "Content-Type": "application/toml; charset=utf-8" } });
  }
  return Response.json(version, { headers });
});
