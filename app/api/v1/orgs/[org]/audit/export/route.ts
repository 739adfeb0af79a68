import { orgRoute } from "@/lib/auth/api";
import { db } from "@/lib/db";
import { AUDIT_EXPORT_FORMATS, auditExportQuerySchema, exportAudit, filtersFromSearchParams } from "@/lib/audit";

/** GET /api/v1/orgs/{org}/audit/export?format=jsonl|csv plus the list's filters — a streamed download, oldest first. */
export const GET = orgRoute("audit:export", async (req, ctx) => {
  const params = new URL(req.url).searchParams;
  const { format } = auditExportQuerySchema.parse({ format: params.get("format") ?? undefined });
  const chunks = await exportAudit(db, ctx, filtersFromSearchParams(params), format, ctx.request);
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const filename = `charter-audit-${ctx.org.slug}-${stamp}.${AUDIT_EXPORT_FORMATS[format].extension}`;
  return new Response(textStream(chunks), {
    headers: {
      "Content-Type": AUDIT_EXPORT_FORMATS[format].contentType,
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
});

// Pulls one batch per read, so a slow client slows the database reads instead of filling memory.
function textStream(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      try {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (err) {
        // The status line is already sent; cut the download short so it cannot pass for a complete export.
        console.error("[charter] audit export failed mid-stream:", err);
        controller.error(err);
      }
    },
    async cancel() {
      await it.return?.();
    },
  });
}
