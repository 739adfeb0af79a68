import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { orgRoute } from "@/lib/auth/api";
import { getDraftOrEmpty, saveDraft } from "@/lib/policies";
import { etag, ifMatchRevision, readToml } from "@/lib/policies/http";

export const dynamic = "force-dynamic";

/** The draft with its revision as ETag (revision 0 and empty text before the first save). */
export const GET = orgRoute("org:read", async (req, ctx) => {
  const draft = await getDraftOrEmpty(db, ctx);
  if (new URL(req.url).searchParams.get("format") === "toml") {
    return new Response(draft.toml, { headers: { "Content-Type": "application/toml; charset=utf-8", ETag: etag(draft.revision), "Cache-Control": "no-store" } });
  }
  return Response.json(draft, { headers: { ETag: etag(draft.revision), "Cache-Control": "no-store" } });
});

/** Replaces the draft; If-Match names the revision the text is based on (428 without it, 412 when stale). */
export const PUT = orgRoute("policy:edit", async (req, ctx) => {
  const baseRevision = ifMatchRevision(req);
  const toml = await readToml(req);
  try {
    const saved = await saveDraft(db, ctx, { toml, baseRevision }, ctx.request);
    return Response.json(saved, { headers: { ETag: etag(saved.revision) } });
  } catch (err) {
    if (err instanceof AppError && err.code === "conflict") throw new AppError("precondition_failed", err.message, err.details);
    throw err;
  }
});
