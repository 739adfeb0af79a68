import { db } from "@/lib/db";
import { toErrorResponse } from "@/lib/errors";
import { requestInfo } from "@/lib/request";
import { enrollHost } from "@/lib/fleet/enroll";
import { parseJsonBody, readBoundedBody } from "@/lib/fleet/http";

// A host exchanges an enrolment secret for its own agent token. The secret in the body is the credential (no session,
// no admin token); lib/fleet/enroll.ts checks it and refuses unknown, expired, revoked or used-up ones with 401.
export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  try {
    const enrolled = await enrollHost(db, parseJsonBody(await readBoundedBody(req)), requestInfo(req.headers));
    return Response.json(enrolled, { status: 201, headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    const { status, body } = toErrorResponse(err);
    return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
  }
}
