import { z } from "zod";
import { db } from "../db";
import { INSTRUCTION_ROLES, RESPONSE_FORMATS } from "../guardian/providers";
import {
  attachSandboxEvidence,
  createSample,
  deleteSample,
  evidenceInputSchema,
  exportSamples,
  getRun,
  importOptionsSchema,
  importSamples,
  providerSettingsSchema,
  runInputSchema,
  sampleInputSchema,
  saveProviderSettings,
  startRun,
  updateSample,
} from "../sandbox";
import { strictInput } from "./chain";
import { defineOperation } from "./define";

// Operations of the reviewer sandbox: samples, runs, the provider, evidence for change requests.

const sampleId = z.string().min(1).max(40).describe("The sample's id.");
const status = z.enum(["allow", "deny", "failed_closed", "timed_out"]);
const counts = z.object({ allow: z.number().int(), deny: z.number().int(), failed_closed: z.number().int(), timed_out: z.number().int() });
const outcome = z.enum(["allow", "deny"]).nullable();

const sampleResponse = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  action: z.unknown().describe("The approval request, as Codex's Guardian sees it."),
  transcript: z.array(z.unknown()).nullable(),
  retryReason: z.string().nullable(),
  expectedOutcome: outcome,
  tags: z.array(z.string()),
  notes: z.string(),
  updatedAt: z.string(),
});

const runResponse = z.object({
  id: z.string(),
  status: z.enum(["running", "completed", "failed"]),
  error: z.string().nullable(),
  policySource: z.string(),
  policyRef: z.string().nullable(),
  policyLabel: z.string(),
  policyText: z.string(),
  policySha256: z.string(),
  prompt: z.string(),
  provider: z.enum(["baseline", "openai"]),
  providerLabel: z.string(),
  baseUrl: z.string().nullable(),
  model: z.string(),
  repeat: z.number().int(),
  concurrency: z.number().int(),
  timeoutMs: z.number().int(),
  total: z.number().int(),
  completed: z.number().int(),
  startedBy: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  counts,
  mismatches: z.number().int(),
  agreementRate: z.number().nullable(),
  tokens: z.object({ prompt: z.number().int(), completion: z.number().int(), total: z.number().int() }),
  results: z.array(
    z.object({
      id: z.string(),
      sampleId: z.string().nullable(),
      sampleName: z.string(),
      kind: z.string(),
      attempt: z.number().int(),
      expectedOutcome: outcome,
      status,
      riskLevel: z.string().nullable(),
      userAuthorization: z.string().nullable(),
      rationale: z.string(),
      latencyMs: z.number(),
      promptTokens: z.number().int().nullable(),
      completionTokens: z.number().int().nullable(),
      totalTokens: z.number().int().nullable(),
      raw: z.string().nullable(),
      error: z.string().nullable(),
      requestMessage: z.string(),
      matchesExpected: z.boolean().nullable(),
    }),
  ),
  samples: z.array(
    z.object({
      sampleName: z.string(),
      kind: z.string(),
      expectedOutcome: outcome,
      attempts: z.number().int(),
      decision: status,
      agreement: z.number(),
      counts,
      matchesExpected: z.boolean().nullable(),
    }),
  ),
});

export const getRunOp = defineOperation({
  name: "sandbox.runs.get",
  summary: "A reviewer-sandbox run with its results so far (polled while it runs)",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({ id: z.string().describe("The run's id.") })),
  output: runResponse,
  http: { method: "GET", path: "/api/v1/orgs/{org}/sandbox/runs/{id}" },
  run: ({ id }, ctx) => getRun(db, ctx, id),
});

export const startRunOp = defineOperation({
  name: "sandbox.runs.start",
  summary: "Start a sandbox run: each chosen sample reviewed under a policy, `repeat` times",
  description: "Answers at once with the run's id; the reviews go on in the background (poll GET …/sandbox/runs/{id}).",
  permission: "policy:edit",
  audit: "sandbox.run_started",
  input: strictInput(runInputSchema),
  output: z.object({ id: z.string() }),
  http: { method: "POST", path: "/api/v1/orgs/{org}/sandbox/runs", status: 201 },
  run: async (input, ctx) => ({ id: (await startRun(db, ctx, input, ctx.request)).id }),
});

export const exportSamplesOp = defineOperation({
  name: "sandbox.samples.export",
  summary: "Export the org's sample approval requests as JSON (importable)",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({})),
  output: z.object({
    format: z.string(),
    exportedAt: z.string(),
    org: z.string(),
    samples: z.array(z.looseObject({ name: z.string(), action: z.looseObject({ tool: z.string() }) }).describe("A sample as the import takes it.")),
  }),
  http: {
    method: "GET",
    path: "/api/v1/orgs/{org}/sandbox/samples/export",
    respond: (file, _input, ctx) =>
      new Response(`${JSON.stringify(file, null, 2)}\n`, {
        headers: {
          "Content-Type": "application/json; charset=utf-8",
          "Content-Disposition": `attachment; filename="${ctx.org?.slug}-sandbox-samples.json"`,
          "Cache-Control": "no-store",
        },
      }),
  },
  run: (_input, ctx) => exportSamples(db, ctx),
});

export const createSampleOp = defineOperation({
  name: "sandbox.samples.create",
  summary: "Add a sample approval request to the library",
  permission: "policy:edit",
  audit: "sandbox.sample_created",
  input: sampleInputSchema,
  output: sampleResponse,
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/sandbox/samples", status: 201 },
  run: (input, ctx) => createSample(db, ctx, input, ctx.request),
});

export const updateSampleOp = defineOperation({
  name: "sandbox.samples.update",
  summary: "Replace a sample",
  permission: "policy:edit",
  audit: "sandbox.sample_updated",
  input: sampleInputSchema.extend({ id: sampleId }),
  output: sampleResponse,
  errors: ["conflict"],
  http: { method: "PUT", path: "/api/v1/orgs/{org}/sandbox/samples/{id}" },
  run: ({ id, ...input }, ctx) => updateSample(db, ctx, id, input, ctx.request),
});

export const deleteSampleOp = defineOperation({
  name: "sandbox.samples.delete",
  summary: "Delete a sample",
  permission: "policy:edit",
  audit: "sandbox.sample_deleted",
  input: strictInput(z.object({ id: sampleId })),
  output: z.object({ deleted: z.literal(true) }),
  http: { method: "DELETE", path: "/api/v1/orgs/{org}/sandbox/samples/{id}" },
  run: async ({ id }, ctx) => {
    await deleteSample(db, ctx, id, ctx.request);
    return { deleted: true as const };
  },
});

export const importSamplesOp = defineOperation({
  name: "sandbox.samples.import",
  summary: "Import samples from an export file (or a bare array of samples)",
  description: "`mode: skip` keeps samples whose name exists; `replace` overwrites them.",
  permission: "policy:edit",
  audit: "sandbox.samples_imported",
  input: strictInput(importOptionsSchema.extend({ json: z.string().max(5 * 1024 * 1024, "The file is over 5 MiB").describe("The file's text.") })),
  output: z.object({ created: z.number().int(), replaced: z.number().int(), skipped: z.number().int() }),
  errors: ["payload_too_large"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/sandbox/samples/import" },
  run: ({ json, mode }, ctx) => importSamples(db, ctx, json, { mode }, ctx.request),
});

export const saveProviderOp = defineOperation({
  name: "sandbox.provider.save",
  summary: "Set the org's reviewer model provider (OpenAI-compatible base URL, model, API key)",
  description: "The API key is sealed at rest and never returned (only its last four characters).",
  permission: "policy:publish",
  audit: "sandbox.provider_updated",
  input: strictInput(providerSettingsSchema),
  output: z.object({
    configured: z.boolean(),
    baseUrl: z.string().nullable(),
    model: z.string().nullable(),
    hasApiKey: z.boolean(),
    apiKeyHint: z.string().nullable(),
    instructionsRole: z.enum(INSTRUCTION_ROLES),
    responseFormat: z.enum(RESPONSE_FORMATS),
    timeoutMs: z.number().int(),
    concurrency: z.number().int(),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
  }),
  http: { method: "PUT", path: "/api/v1/orgs/{org}/sandbox/provider" },
  run: (input, ctx) => saveProviderSettings(db, ctx, input, ctx.request),
});

export const attachEvidenceOp = defineOperation({
  name: "sandbox.evidence.attach",
  summary: "Attach a run (or a comparison of two runs) to an open change request as evidence",
  permission: "policy:edit",
  audit: "policy.change_request.evidence_attached",
  input: strictInput(evidenceInputSchema),
  output: z.object({ id: z.string(), kind: z.string(), refId: z.string(), label: z.string(), createdAt: z.string() }),
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/sandbox/evidence", status: 201 },
  run: (input, ctx) => attachSandboxEvidence(db, ctx, input, ctx.request),
});

export const SANDBOX_OPERATIONS = [getRunOp, startRunOp, exportSamplesOp, createSampleOp, updateSampleOp, deleteSampleOp, importSamplesOp, saveProviderOp, attachEvidenceOp];
