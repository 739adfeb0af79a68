import { z } from "zod";
import { guardianActionSchema, transcriptSchema } from "../guardian/actions";
import { INSTRUCTION_ROLES, RESPONSE_FORMATS } from "../guardian/providers";

/* Input schemas of the sandbox: samples (also the import/export file), runs, provider settings. One place each. */

export const SAMPLE_NAME = /^[a-z0-9][a-z0-9._-]{0,79}$/;
const tag = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "tags: lowercase letters, digits and dashes, up to 40");

export const sampleInputSchema = z.strictObject({
  name: z.string().trim().regex(SAMPLE_NAME, "name: 1–80 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit"),
  action: guardianActionSchema,
  transcript: transcriptSchema.nullish(),
  retryReason: z.string().max(4000).nullish(),
  expectedOutcome: z.enum(["allow", "deny"]).nullish(),
  tags: z.array(tag).max(12).default([]),
  notes: z.string().max(2000).default(""),
});
export type SampleInput = z.input<typeof sampleInputSchema>;
export type SampleData = z.output<typeof sampleInputSchema>;

export const EXPORT_FORMAT = "charter.sandbox-samples/v1";
export const MAX_IMPORT_SAMPLES = 500;

/** The export file; import also takes a bare array of samples. */
export const sampleFileSchema = z.union([
  z.array(sampleInputSchema).max(MAX_IMPORT_SAMPLES),
  z.object({ format: z.literal(EXPORT_FORMAT).optional(), samples: z.array(sampleInputSchema).max(MAX_IMPORT_SAMPLES) }),
]);

export const importOptionsSchema = z.object({ mode: z.enum(["skip", "replace"]).default("skip") });

export const policyChoiceSchema = z.discriminatedUnion("source", [
  z.object({ source: z.literal("draft") }),
  z.object({ source: z.literal("version"), number: z.coerce.number().int().min(1, "Version numbers start at 1").max(2_147_483_647, "No version has a number this large") }),
  z.object({ source: z.literal("pasted"), text: z.string().max(1024 * 1024, "The pasted policy is over 1 MiB") }),
]);
export type PolicyChoice = z.input<typeof policyChoiceSchema>;

export const MAX_REPEAT = 10;
export const MAX_REVIEWS_PER_RUN = 1000;

export const runInputSchema = z.object({
  policy: policyChoiceSchema,
  /** baseline: the built-in rules; org: this org's provider settings; env: the server's OPENAI_* environment. */
  provider: z.enum(["baseline", "org", "env"]),
  model: z.string().trim().max(200).optional(),
  sampleIds: z.array(z.string().min(1).max(100)).min(1, "Choose at least one sample").max(MAX_REVIEWS_PER_RUN),
  repeat: z.coerce.number().int().min(1, "Repeat at least once").max(MAX_REPEAT, `Repeat at most ${MAX_REPEAT} times`).default(1),
});
export type RunInput = z.input<typeof runInputSchema>;

export const providerSettingsSchema = z.object({
  baseUrl: z
    .string()
    .trim()
    .url("Base URL: a full URL such as https://api.openai.com/v1")
    .refine((u) => /^https?:\/\//.test(u), "Base URL: http or https only"),
  model: z.string().trim().min(1, "Name a model").max(200),
  /** undefined/"" keeps the stored key; a value replaces it. */
  apiKey: z.string().trim().max(1000).optional(),
  clearApiKey: z.boolean().optional(),
  instructionsRole: z.enum(INSTRUCTION_ROLES).default("system"),
  responseFormat: z.enum(RESPONSE_FORMATS).default("json_schema"),
  timeoutMs: z.coerce.number().int().min(1000, "Timeout: at least 1 s").max(600_000, "Timeout: at most 600 s").default(90_000),
  concurrency: z.coerce.number().int().min(1).max(8, "Concurrency: at most 8").default(4),
});
export type ProviderSettingsInput = z.input<typeof providerSettingsSchema>;

export const evidenceInputSchema = z.object({
  changeRequest: z.coerce.number().int().min(1, "Choose a change request").max(2_147_483_647, "No change request has a number this large"),
  runId: z.string().min(1).max(40),
  compareWith: z.string().min(1).max(40).optional(),
});
export type EvidenceInput = z.input<typeof evidenceInputSchema>;
