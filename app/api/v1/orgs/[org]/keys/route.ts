import { jwksResponse } from "@/lib/bundles/jwks-route";

// Public: the JWKS holds public keys only, and hosts verifying bundles have no session.
export const dynamic = "force-dynamic";

export async function GET(_req: Request, { params }: { params: Promise<{ org: string }> }): Promise<Response> {
  return jwksResponse((await params).org);
}
