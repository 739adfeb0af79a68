import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { previewOverlay } from "@/lib/groups";
import { readBodyText, readToml } from "@/lib/policies/http";

export const dynamic = "force-dynamic";

/**
 * The group's composed file for an overlay text (the body; empty body: the overlay draft) over the current base, with
 * Codex's findings named against the overlay's lines. Changes nothing.
 */
export const POST = orgRoute("org:read", async (req, ctx, p) => {
  const hasBody = Number(req.headers.get("content-length") ?? "1") > 0;
  const toml = hasBody ? await readToml(req) : await readBodyText(req);
  const hostname = new URL(req.url).searchParams.get("hostname") ?? undefined;
  return Response.json(await previewOverlay(db, ctx, decodeURIComponent(p.group), toml === "" ? undefined : toml, { hostname }));
});
