import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { orgRoute } from "@/lib/auth/api";
import { getOverlayDraft, saveOverlayDraft } from "@/lib/groups";
import { etag, ifMatchRevision, readToml } from "@/lib/policies/http";

export const dynamic = "force-dynamic";

/** The group's overlay draft (a partial requirements.toml) with its revision as ETag. */
export const GET = orgRoute("org:read", async (_req, ctx, p) => {
  const draft = await getOverlayDraft(db, ctx, decodeURIComponent(p.group));
  return Response.json(draft, { headers: { ETag: etag(draft.revision), "Cache-Control": "no-store" } });
});

/** Replaces the overlay draft; If-Match names the revision it is based on (428 without, 412 when stale). */
export const PUT = orgRoute("policy:edit", async (req, ctx, p) => {
  const baseRevision = ifMatchRevision(req);
  const toml = await readToml(req);
  try {
    const saved = await saveOverlayDraft(db, ctx, decodeURIComponent(p.group), { toml, baseRevision }, ctx.request);
    return Response.json(saved, { headers: { ETag: etag(saved.revision) } });
  } catch (err) {
    if (err instanceof AppError && err.code === "conflict") throw new AppError("precondition_failed", err.message, err.details);
    throw err;
  }
});
