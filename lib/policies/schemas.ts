import { z } from "zod";

/*
 * Every body and query of the policy use cases, once: the domain parses with them, the admin API and the console
 * actions feed them, and the OpenAPI document (lib/policies/openapi.ts) is generated from them.
 */

/** Largest requirements.toml we store or accept in a request body (Codex reads far smaller files). */
export const MAX_POLICY_BYTES = 1024 * 1024;

const note = z.string().trim().min(1, "Write a note that says why").max(2000, "Keep the note under 2,000 characters");
const revision = z.number().int().min(0);

export const saveDraftSchema = z.object({
  toml: z.string().describe("The whole requirements.toml, byte for byte."),
  baseRevision: revision.describe("The draft revision this text was based on (0 when no draft existed)."),
});

export const publishSchema = z.object({
  note: note.describe("Why this version exists; shown in the version list and the compliance report."),
  baseRevision: revision.optional().describe("When given, publishing refuses if the draft moved past this revision."),
});

export const restoreSchema = z.object({ note: note.describe("Why the old version comes back.") });

export const createChangeRequestSchema = z.object({
  title: z.string().trim().min(1, "Give the change a title").max(200),
  note: note.describe("What changes and why; becomes the version note when the request is published."),
});

export const updateChangeRequestSchema = z
  .object({
    title: z.string().trim().min(1, "Give the change a title").max(200).optional(),
    note: note.optional(),
    fromDraft: z.boolean().optional().describe("Replace the proposed text with the current draft (and rebase on the current version)."),
    rebase: z.boolean().optional().describe("Keep the proposed text but compare it with the current version from now on."),
    revision: revision.describe("The change request revision the edit is based on."),
  })
  .refine((v) => v.title !== undefined || v.note !== undefined || v.fromDraft === true || v.rebase === true, { message: "Nothing to change" });

export const decisionSchema = z.object({
  comment: z.string().trim().max(2000).default(""),
  revision: revision.optional().describe("The change request revision reviewed; refused if the request changed since."),
});

export const versionNumberSchema = z.coerce.number().int().min(1, "Version numbers start at 1");

export const diffQuerySchema = z.object({
  from: z.coerce.number().int().min(0).describe("Version number; 0 is the empty policy before version 1."),
  to: z.coerce.number().int().min(0),
});

export const reportQuerySchema = z
  .object({ from: z.coerce.date(), to: z.coerce.date() })
  .refine((v) => v.from.getTime() <= v.to.getTime(), { message: "The range ends before it starts", path: ["to"] });

export const attachmentSchema = z.object({
  kind: z.enum(["sandbox_run", "sandbox_comparison"]),
  refId: z.string().trim().min(1).max(100),
  label: z.string().trim().min(1).max(200),
});

// Response shapes, for the OpenAPI document only (the handlers return the domain's own types).
const diagnostic = z.object({
  severity: z.enum(["error", "warning", "info"]),
  path: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
  code: z.string(),
});
export const validationResponse = z.object({ valid: z.boolean(), diagnostics: z.array(diagnostic), codexVersion: z.string() });
export const draftResponse = z.object({
  toml: z.string(),
  revision: z.number().int(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export const versionSummaryResponse = z.object({
  number: z.number().int(),
  sha256: z.string(),
  note: z.string(),
  author: z.string(),
  publishedAt: z.string(),
  parentNumber: z.number().int().nullable(),
  restoredFromNumber: z.number().int().nullable(),
  changeRequestNumber: z.number().int().nullable(),
  wider: z.object({ verdict: z.enum(["PASS", "WIDENS"]), reasons: z.array(z.string()) }),
});
export const versionResponse = versionSummaryResponse.extend({ toml: z.string() });
const wider = z.object({ verdict: z.enum(["PASS", "WIDENS"]), reasons: z.array(z.string()) });
export const diffResponse = z.object({
  from: z.number().int(),
  to: z.number().int(),
  textDiff: z.object({
    added: z.number().int(),
    removed: z.number().int(),
    unified: z.string(),
    hunks: z.array(z.object({ oldStart: z.number(), oldLines: z.number(), newStart: z.number(), newLines: z.number(), lines: z.array(z.object({ kind: z.enum(["context", "add", "del"]), text: z.string() })) })),
  }),
  changes: z.array(z.object({ path: z.string(), kind: z.string(), summary: z.string() })),
  wider,
});
export const changeRequestResponse = z.object({
  number: z.number().int(),
  title: z.string(),
  note: z.string(),
  state: z.enum(["open", "approved", "rejected", "published", "withdrawn"]),
  author: z.string(),
  revision: z.number().int(),
  baseVersionNumber: z.number().int().nullable(),
  sha256: z.string(),
  approvalsRequired: z.number().int(),
  approvals: z.array(z.object({ approver: z.string(), decision: z.enum(["approve", "reject"]), comment: z.string(), createdAt: z.string(), withdrawn: z.boolean() })),
  blockers: z.array(z.string()),
  wider,
});
export const errorResponse = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });

export type SaveDraftInput = z.input<typeof saveDraftSchema>;
export type PublishInput = z.input<typeof publishSchema>;
export type RestoreInput = z.input<typeof restoreSchema>;
export type CreateChangeRequestInput = z.input<typeof createChangeRequestSchema>;
export type UpdateChangeRequestInput = z.input<typeof updateChangeRequestSchema>;
export type DecisionInput = z.input<typeof decisionSchema>;
export type AttachmentInput = z.input<typeof attachmentSchema>;
