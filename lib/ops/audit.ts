import { z } from "zod";
import { AUDIT_EXPORT_FORMATS, BROKEN_REASONS, auditExportQuerySchema, auditFiltersSchema, exportAudit, queryAudit, verifyOrg } from "../audit";
import { db } from "../db";
import { strictInput } from "./chain";
import { defineOperation } from "./define";

// Operations of the audit log: list, export, verify (owners, admins, auditors and read-scoped tokens).

const event = z.object({
  id: z.string(),
  seq: z.number().int(),
  time: z.string(),
  actor: z.object({ type: z.string(), id: z.string().nullable(), label: z.string() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  diff: z.unknown(),
  meta: z.unknown(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});

export const listAuditOp = defineOperation({
  name: "audit.list",
  summary: "Audit events, newest first (keyset paging with `cursor`)",
  description: "`actor` matches an id or part of a label; `target` a type, an id or `type:id`; `from`/`to` a date (whole UTC days) or an ISO time.",
  permission: "audit:export",
  audit: null,
  input: strictInput(auditFiltersSchema),
  output: z.object({ events: z.array(event), nextCursor: z.string().nullable() }),
  http: { method: "GET", path: "/api/v1/orgs/{org}/audit" },
  run: (filters, ctx) => queryAudit(db, ctx, filters),
});

export const exportAuditOp = defineOperation({
  name: "audit.export",
  summary: "Export the filtered audit log as a download (streamed, oldest first); the export itself is audited",
  permission: "audit:export",
  audit: "audit.exported",
  input: strictInput(auditFiltersSchema.safeExtend(auditExportQuerySchema.shape)),
  output: z.custom<{ chunks: AsyncIterable<string>; format: keyof typeof AUDIT_EXPORT_FORMATS }>(),
  http: {
    method: "GET",
    path: "/api/v1/orgs/{org}/audit/export",
    download: ["application/x-ndjson", "text/csv"],
    respond: (output, _input, ctx) => {
      const { chunks, format } = output as { chunks: AsyncIterable<string>; format: keyof typeof AUDIT_EXPORT_FORMATS };
      const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
      return new Response(textStream(chunks), {
        headers: {
          "Content-Type": AUDIT_EXPORT_FORMATS[format].contentType,
          "Content-Disposition": `attachment; filename="charter-audit-${ctx.org?.slug}-${stamp}.${AUDIT_EXPORT_FORMATS[format].extension}"`,
          "Cache-Control": "no-store",
        },
      });
    },
  },
  run: async ({ format, ...filters }, ctx) => ({ chunks: await exportAudit(db, ctx, filters, format, ctx.request), format }),
});

export const verifyAuditOp = defineOperation({
  name: "audit.verify",
  summary: "Recompute the org's audit hash chain and name the first broken link",
  description: "200 whether the chain is intact or not; `ok` says which.",
  permission: "audit:export",
  audit: null,
  input: strictInput(z.object({})),
  output: z.union([
    z.object({ org: z.string(), ok: z.literal(true), count: z.number().int(), head: z.object({ seq: z.number().int(), hash: z.string() }).nullable() }),
    z.object({
      org: z.string(),
      ok: z.literal(false),
      count: z.number().int(),
      firstBroken: z.object({ seq: z.number().int(), id: z.string(), reason: z.enum(BROKEN_REASONS), message: z.string() }),
    }),
  ]),
  http: { method: "GET", path: "/api/v1/orgs/{org}/audit/verify" },
  run: async (_input, ctx) => {
    const { chain: _chain, ...result } = await verifyOrg(db, ctx.org.id);
    return { org: ctx.org.slug, ...result };
  },
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

export const AUDIT_OPERATIONS = [listAuditOp, exportAuditOp, verifyAuditOp];
