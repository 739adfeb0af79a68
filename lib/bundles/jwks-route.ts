import { db } from "../db";
import { toErrorResponse } from "../errors";
import { jwksForSlug } from "./keys";

/** The public JWKS of one org; public on purpose (verifiers need it), cacheable for five minutes. */
export async function jwksResponse(slug: string | null): Promise<Response> {
  try {
    const jwks = await jwksForSlug(db, slug ?? "");
    return Response.json(jwks, { headers: { "Cache-Control": "public, max-age=300", "Content-Type": "application/jwk-set+json" } });
  } catch (err) {
    const { status, body } = toErrorResponse(err);
    return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
  }
}
