import { db } from "@/lib/db";
import { toErrorResponse } from "@/lib/errors";
import { hostCollectionSettings, ingestHostBatch, RETRY_AFTER_SECONDS } from "@/lib/decisions";

// Host relays upload gzip NDJSON batches of decisions with their agent token; the org comes from the token alone.
export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  try {
    return Response.json(await ingestHostBatch(db, req));
  } catch (err) {
    return errorResponse(err);
  }
}

/** The relay asks whether to run: collection on/off, its loopback port and the org's masking rules. */
export async function GET(req: Request): Promise<Response> {
  try {
    return Response.json(await hostCollectionSettings(db, req), { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(err);
  }
}

function errorResponse(err: unknown): Response {
  const { status, body } = toErrorResponse(err);
  const headers: Record<string, string> = {};
  if (status === 401) headers["WWW-Authenticate"] = 'Bearer realm="charter"';
  if (status === 429) headers["Retry-After"] = String(RETRY_AFTER_SECONDS);
  return Response.json(body, { status, headers });
}
