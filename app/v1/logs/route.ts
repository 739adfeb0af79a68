import { db } from "@/lib/db";
import { toErrorResponse } from "@/lib/errors";
import { ingestOtlpLogs, RETRY_AFTER_SECONDS } from "@/lib/decisions";

// OTLP/HTTP logs receiver (the standard /v1/logs path) for Codex or an org's collector exporting straight to Charter
// with a write-only ingest key. Only the Auto-review records are kept; everything else in the export is dropped.
export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  try {
    const result = await ingestOtlpLogs(db, req);
    if (result.protobuf) {
      // ExportLogsServiceResponse: empty when all was accepted; partial_success (field 1) otherwise.
      return new Response(result.rejectedLogRecords ? partialSuccessProtobuf(result.rejectedLogRecords, result.errorMessage) : new Uint8Array(), {
        headers: { "Content-Type": "application/x-protobuf" },
      });
    }
    return Response.json(result.rejectedLogRecords ? { partialSuccess: { rejectedLogRecords: String(result.rejectedLogRecords), errorMessage: result.errorMessage } } : {});
  } catch (err) {
    const { status, body } = toErrorResponse(err);
    const headers: Record<string, string> = {};
    if (status === 401) headers["WWW-Authenticate"] = 'Bearer realm="charter"';
    if (status === 429) headers["Retry-After"] = String(RETRY_AFTER_SECONDS);
    return Response.json(body, { status, headers });
  }
}

function partialSuccessProtobuf(rejected: number, message: string): Uint8Array<ArrayBuffer> {
  const bytes: number[] = [];
  const varint = (n: number) => {
    while (n >= 0x80) {
      bytes.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    bytes.push(n);
  };
  const text = Buffer.from(message, "utf8");
  const inner: number[] = [];
  const push = (arr: number[], fn: () => void) => {
    const saved = bytes.splice(0);
    fn();
    arr.push(...bytes.splice(0));
    bytes.push(...saved);
  };
  push(inner, () => {
    varint(1 << 3);
    varint(rejected);
    varint((2 << 3) | 2);
    varint(text.length);
    bytes.push(...text);
  });
  varint((1 << 3) | 2);
  varint(inner.length);
  bytes.push(...inner);
  return Uint8Array.from(bytes);
}
