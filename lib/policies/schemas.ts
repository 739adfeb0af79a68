import { z } from "zod";
import { rolloutPlanSchema } from "../rollouts/rings";

/** Postgres `integer` columns (version numbers, revisions) end here; past it a number names nothing, it is not a 500. */
export const INT32_MAX = 2_147_483_647;

/*
 * Every body and query of the policy use cases, once: the domain parses with them, the admin API and the console
 * actions feed them, and the OpenAPI document (lib/policies/openapi.ts) is generated from them.
 */

/** Largest requirements.toml we store or accept in a request body (Codex reads far smaller files). */
export const MAX_POLICY_BYTES = 1024 * 1024;

const note = z.string().trim().min(1, "Write a note that says why").max(2000, "Keep the note under 2,000 characters");
const revision = z.number().int().min(0).max(INT32_MAX, "Too large for a revision");

export const saveDraftSchema = z.object({
  toml: z.string().describe("The whole requirements.toml, byte for byte."),
  baseRevision: revision.describe("The draft revision this text was based on (0 when no draft existed)."),
});

export const publishSchema = z.object({
  note: note.describe("Why this version exists; shown in the version list and the compliance report."),
  baseRevision: revision.optional().describe("When given, publishing refuses if the draft moved past this revision."),
  rollout: rolloutPlanSchema.optional().describe("Stage the new version: rings first (a group or a stable percentage of hosts), then everyone; hosts outside the rings reached keep the previous version."),
});

export const restoreSchema = z.object({
  note: note.describe("Why the old version comes back."),
  draftRevision: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("The draft revision the caller agreed to replace; the restore is refused if the draft was saved since. The draft always becomes the restored text."),
});

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

export const publishChangeRequestSchema = z.object({ rollout: publishSchema.shape.rollout });

export const decisionSchema = z.object({
  comment: z.string().trim().max(2000).default(""),
  revision: revision.optional().describe("The change request revision reviewed; refused if the request changed since."),
});

export const versionNumberSchema = z.coerce.number().int().min(1, "Version numbers start at 1").max(INT32_MAX, "No version has a number this large");

export const diffQuerySchema = z.object({
  from: z.coerce.number().int().min(0).max(INT32_MAX).describe("Version number; 0 is the empty policy before version 1."),
  to: z.coerce.number().int().min(0).max(INT32_MAX),
});

export const reportQuerySchema = z
  .object({ from: z.coerce.date(), to: z.coerce.date() })
  .refine((v) => v.from.getTime() <= v.to.getTime(), { message: "The range ends before it starts", path: ["to"] });

export const attachmentSchema = z.object({
  kind: z.enum(["sandbox_run", "sandbox_comparison", "policy_impact", "decision_replay"]),
  refId: z.string().trim().min(1).max(100),
  label: z.string().trim().min(1).max(200),
});

// Response shapes: the output schemas of the operations (lib/ops), checked against real responses by
// tests/integration/operations.integration.test.ts and published in the OpenAPI document.
const diagnostic = z.object({
  severity: z.enum(["error", "warning", "info"]),
  path: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
  code: z.string(),
});
export const validationResponse = z.object({
  /** True only when every Codex version of the fleet loads the file. */
  valid: z.boolean(),
  /** The diagnostics of `codexVersion`, the newest version of the fleet. */
  diagnostics: z.array(diagnostic),
  codexVersion: z.string(),
  /** Each version's verdict and errors. */
  versions: z.array(z.object({ codexVersion: z.string(), valid: z.boolean(), errors: z.array(diagnostic) })),
});
export const draftResponse = z.object({
  toml: z.string(),
  revision: z.number().int(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export const savedDraftResponse = z.object({
  revision: z.number().int(),
  updatedAt: z.string(),
  changed: z.boolean().describe("False when the text equals the stored one: nothing was written."),
});
/** PASS / WIDENS / REVIEW with reasons; REVIEW (and WIDENS with a changed policy text) names the changed sections. */
export const verdictSchema = z.object({
  verdict: z.enum(["PASS", "WIDENS", "REVIEW"]),
  reasons: z.array(z.string()),
  policySections: z.array(z.object({ section: z.string(), before: z.string().nullable(), after: z.string().nullable() })).optional(),
});
const wider = verdictSchema;
export const versionSummaryResponse = z.object({
  number: z.number().int(),
  sha256: z.string(),
  note: z.string(),
  author: z.string(),
  publishedAt: z.string(),
  parentNumber: z.number().int().nullable(),
  restoredFromNumber: z.number().int().nullable(),
  changeRequestNumber: z.number().int().nullable(),
  wider: wider.describe("Does this version give agents more freedom than its parent?"),
});
export const versionResponse = versionSummaryResponse.extend({ toml: z.string() });
const tomlValue = z.unknown().describe("A TOML value as JSON.");
export const policyDiff = z.object({
  textDiff: z.object({
    added: z.number().int(),
    removed: z.number().int(),
    unified: z.string(),
    hunks: z.array(
      z.object({
        oldStart: z.number().int(),
        oldLines: z.number().int(),
        newStart: z.number().int(),
        newLines: z.number().int(),
        lines: z.array(z.object({ kind: z.enum(["context", "add", "del"]), text: z.string(), oldLine: z.number().int().optional(), newLine: z.number().int().optional() })),
      }),
    ),
  }),
  changes: z.array(
    z.object({
      path: z.string(),
      segments: z.array(z.union([z.string(), z.number()])),
      kind: z.enum(["added", "removed", "changed", "reordered", "list-added-item", "list-removed-item"]),
      before: tomlValue.optional(),
      after: tomlValue.optional(),
      index: z.number().int().optional(),
      summary: z.string(),
    }),
  ),
  wider,
});
export const diffResponse = policyDiff.extend({ from: z.number().int(), to: z.number().int() });
const changeRequestState = z.enum(["open", "approved", "rejected", "published", "withdrawn"]);
export const changeRequestSummaryResponse = z.object({
  number: z.number().int(),
  title: z.string(),
  state: changeRequestState,
  author: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  revision: z.number().int(),
  baseVersionNumber: z.number().int().nullable(),
  approvalsGiven: z.number().int(),
  approvalsRequired: z.number().int(),
  rejections: z.number().int(),
  versionNumber: z.number().int().nullable(),
  group: z.string().nullable().describe("The group whose overlay the request proposes; null for the org's base requirements."),
});
export const changeRequestResponse = changeRequestSummaryResponse.extend({
  note: z.string(),
  toml: z.string(),
  sha256: z.string(),
  restoredFromNumber: z.number().int().nullable(),
  contributors: z.array(z.string()),
  authorKey: z.string(),
  approvals: z.array(
    z.object({
      approver: z.string(),
      approverId: z.string(),
      decision: z.enum(["approve", "reject"]),
      comment: z.string(),
      revision: z.number().int(),
      createdAt: z.string(),
      withdrawn: z.boolean(),
    }),
  ),
  attachments: z.array(z.object({ id: z.string(), kind: z.string(), refId: z.string(), label: z.string(), createdAt: z.string() })),
  validation: z.object({ valid: z.boolean(), diagnostics: z.array(diagnostic) }),
  diff: policyDiff.describe("Against the base version (the one approvers compare with)."),
  currentVersionNumber: z.number().int().nullable(),
  blockers: z.array(z.string()).describe("Why it cannot be published right now; empty when it can."),
});
export const restoreResponse = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("version"), version: versionResponse, draftRevision: z.number().int().describe("The draft's revision after the restore made it equal the restored text.") }),
  z.object({ kind: z.literal("change_request"), changeRequest: z.object({ number: z.number().int() }), draftRevision: z.number().int() }),
]);
export const errorResponse = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });

export type SaveDraftInput = z.input<typeof saveDraftSchema>;
export type PublishInput = z.input<typeof publishSchema>;
export type RestoreInput = z.input<typeof restoreSchema>;
export type CreateChangeRequestInput = z.input<typeof createChangeRequestSchema>;
export type UpdateChangeRequestInput = z.input<typeof updateChangeRequestSchema>;
export type DecisionInput = z.input<typeof decisionSchema>;
export type PublishChangeRequestInput = z.input<typeof publishChangeRequestSchema>;
export type AttachmentInput = z.input<typeof attachmentSchema>;
