import { openApiDocument } from "@/lib/policies/openapi";

// Public on purpose: the document describes the API, it reveals no data.
export const dynamic = "force-static";

export function GET() {
  return Response.json(openApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } });
}
