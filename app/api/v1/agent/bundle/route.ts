import { db } from "@/lib/db";
import { bundleServer } from "@/lib/bundles/serve";

// Agent hosts authenticate with an agent token (not a session or admin token); lib/bundles/serve.ts is the guard and
// serves the signed bundle from memory with a strong ETag (304 on If-None-Match).
export const dynamic = "force-dynamic";

export function GET(req: Request): Promise<Response> {
  return bundleServer(db).handle(req);
}
