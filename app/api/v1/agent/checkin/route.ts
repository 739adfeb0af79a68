import { db } from "@/lib/db";
import { checkInIngest } from "@/lib/fleet/ingest";

// A host reports its state (Bearer agent token); lib/fleet/ingest.ts validates, batches and stores it.
export const dynamic = "force-dynamic";

export function POST(req: Request): Promise<Response> {
  return checkInIngest(db).handle(req);
}
