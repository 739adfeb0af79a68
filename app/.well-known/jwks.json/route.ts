import { jwksResponse } from "@/lib/bundles/jwks-route";

// The conventional JWKS address; Charter has one key set per org, chosen with ?org=<slug>.
export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  return jwksResponse(new URL(req.url).searchParams.get("org"));
}
