import { z } from "zod";
import { db } from "../db";
import {
  addDecisionToSamples,
  createIngestKey,
  decisionSettingsSchema,
  replayDecisionInSandbox,
  replayInputSchema,
  revokeIngestKey,
  saveDecisionSettings,
  startReplay,
} from "../decisions";
import { exportDecisions } from "../decisions/export";
import { deleteOtlpExport, otlpExportSchema, saveOtlpExport } from "../decisions/siem-otlp";
import { groupCollectionSchema, listGroupCollection, setGroupCollection } from "../decisions/group-collection";
import { draftReplay } from "../decisions/draft-replay";
import { webhookWorker } from "../webhooks";
import { strictInput } from "./chain";
import { defineOperation } from "./define";

// Operations of Decisions (lib/decisions): export, collection settings, replays, samples from real decisions, ingest
// keys. Replays and samples are editing work; collection (it edits what hosts install), masking and keys are admin
// settings (publish).

const isoDate = z.coerce.date({ message: "an ISO-8601 date or date-time" });
const decisionId = z.string().min(1).max(200).describe("The decision's id (Codex's review id).");

export const exportDecisionsOp = defineOperation({
  name: "decisions.export",
  summary: "Export decisions as NDJSON",
  description: "The org's decisions with occurredAt in [from, to), oldest first, one JSON object per line (at most 100,000; narrow the range for more).",
  permission: "audit:export",
  audit: null,
  input: strictInput(z.object({ from: isoDate.describe("Start (inclusive)."), to: isoDate.describe("End (exclusive).") })),
  output: z.object({ lines: z.array(z.string()) }),
  http: {
    method: "GET",
    path: "/api/v1/orgs/{org}/decisions/export",
    alsoProduces: ["application/x-ndjson"],
    respond: (output, input, ctx) =>
      new Response((output as { lines: string[] }).lines.join(""), {
        headers: {
          "Content-Type": "application/x-ndjson",
          "Content-Disposition": `attachment; filename="charter-decisions-${ctx.org?.slug}-${input.from.toISOString().slice(0, 10)}-${input.to.toISOString().slice(0, 10)}.ndjson"`,
          "Cache-Control": "no-store",
        },
      }),
  },
  run: async ({ from, to }, ctx) => {
    const lines: string[] = [];
    for await (const chunk of exportDecisions(db, ctx, { from, to })) lines.push(chunk);
    return { lines };
  },
});

const maskRules = z.object({ patterns: z.array(z.object({ name: z.string(), pattern: z.string() })), jsonPaths: z.array(z.string()) });

export const saveDecisionSettingsOp = defineOperation({
  name: "decisions.settings.save",
  summary: "Set decision collection, the relay port, retention and masking rules",
  description:
    "Switching collection on or off edits the draft (it gains or loses the `[otel]` section), which is then reviewed and published like any other change; `draftRevision` is the new draft revision, or null when the draft did not change.",
  permission: "policy:publish",
  audit: "decisions.settings.updated",
  input: strictInput(decisionSettingsSchema),
  output: z.object({
    collect: z.boolean(),
    relayPort: z.number().int(),
    retentionDays: z.number().int(),
    mask: maskRules,
    exactRequests: z.boolean(),
    updatedAt: z.string().nullable(),
    updatedByLabel: z.string().nullable(),
    draftRevision: z.number().int().nullable(),
  }),
  errors: ["conflict"],
  http: { method: "PUT", path: "/api/v1/orgs/{org}/decisions/settings" },
  run: (input, ctx) => saveDecisionSettings(db, ctx, input, ctx.request),
});

export const startReplayOp = defineOperation({
  name: "decisions.replays.start",
  summary: "Replay a policy on a stratified sample of the latest real decisions",
  description: "Answers at once with the sandbox run's id; the reviews go on in the background (poll GET …/sandbox/runs/{id}). Each result that differs from what really happened is a flip.",
  permission: "policy:edit",
  audit: "decisions.replay_started",
  input: strictInput(replayInputSchema),
  output: z.object({ runId: z.string(), replayed: z.number().int(), skipped: z.number().int() }),
  http: { method: "POST", path: "/api/v1/orgs/{org}/decisions/replays", status: 201 },
  run: async (input, ctx) => {
    const r = await startReplay(db, ctx, input, ctx.request);
    return { runId: r.runId, replayed: r.replayed, skipped: r.skipped };
  },
});

const replayNumbers = z.object({
  runId: z.string(),
  revision: z.number().int(),
  total: z.number().int(),
  completed: z.number().int(),
  running: z.boolean(),
  towardAllow: z.number().int().describe("Real decisions that were denied and would now be allowed."),
  towardDeny: z.number().int().describe("Real decisions that were allowed and would now be denied (or fail closed)."),
  policyLabel: z.string(),
  reviewer: z.string(),
  startedBy: z.string(),
  finishedAt: z.string().nullable(),
});

export const draftReplayOp = defineOperation({
  name: "decisions.replays.draft",
  summary: "The replay on real decisions of the saved draft's Auto-review policy",
  description:
    'When the saved draft\'s Auto-review policy text differs in meaning from the published version\'s and the org has real allow/deny decisions (`state: "ready"`): the newest completed replay of exactly that policy text, from wherever it was started, and any replay of it still running; start one with POST …/decisions/replays {policy: {source: "draft"}}. `watch`: a replay\'s id whose progress (or failure) to report.',
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({ watch: z.string().min(1).max(64).optional().describe("The id of a replay just started, to follow it.") })),
  output: z.discriminatedUnion("state", [
    z.object({ revision: z.number().int(), state: z.literal("not_applicable"), reason: z.enum(["policy_unchanged", "draft_unreadable", "no_decisions"]) }),
    z.object({
      revision: z.number().int(),
      state: z.literal("ready"),
      provider: z.enum(["org", "baseline"]),
      latest: replayNumbers.nullable(),
      running: z.object({ runId: z.string(), completed: z.number().int(), total: z.number().int() }).nullable(),
      failed: z.object({ runId: z.string(), error: z.string() }).nullable(),
    }),
  ]),
  http: { method: "GET", path: "/api/v1/orgs/{org}/decisions/replays/draft" },
  run: (input, ctx) => draftReplay(db, ctx, { watch: input.watch }),
});

export const addDecisionToSamplesOp = defineOperation({
  name: "decisions.samples.add",
  summary: "Add a real decision's action to the sandbox samples, expecting what really happened",
  permission: "policy:edit",
  audit: "sandbox.sample_created",
  input: strictInput(z.object({ id: decisionId })),
  output: z.object({ id: z.string(), name: z.string() }),
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/decisions/{id}/sample", status: 201 },
  run: async ({ id }, ctx) => {
    const s = await addDecisionToSamples(db, ctx, id, ctx.request);
    return { id: s.id, name: s.name };
  },
});

export const replayDecisionInSandboxOp = defineOperation({
  name: "decisions.sandbox_run",
  summary: "Review one real decision under the draft in the sandbox (built-in baseline reviewer)",
  description: "The decision becomes a sample (once); answers with the sandbox run's id at once.",
  permission: "policy:edit",
  audit: "sandbox.run_started",
  input: strictInput(z.object({ id: decisionId })),
  output: z.object({ runId: z.string(), sampleId: z.string() }),
  http: { method: "POST", path: "/api/v1/orgs/{org}/decisions/{id}/sandbox-run", status: 201 },
  run: ({ id }, ctx) => replayDecisionInSandbox(db, ctx, id, ctx.request),
});

export const createIngestKeyOp = defineOperation({
  name: "decisions.ingest_keys.create",
  summary: "Create a write-only ingest key for OTLP /v1/logs",
  description: "The secret (`chk_…`) is returned once; Charter keeps only its hash.",
  permission: "policy:publish",
  audit: "decisions.ingest_key.created",
  input: strictInput(z.object({ name: z.string().describe("A name to recognise the key by.") })),
  output: z.object({ id: z.string(), prefix: z.string(), secret: z.string() }),
  http: { method: "POST", path: "/api/v1/orgs/{org}/decisions/ingest-keys", status: 201 },
  run: async ({ name }, ctx) => {
    const { key, secret } = await createIngestKey(db, ctx, { name }, ctx.request);
    return { id: key.id, prefix: key.prefix, secret };
  },
});

export const revokeIngestKeyOp = defineOperation({
  name: "decisions.ingest_keys.revoke",
  summary: "Revoke an ingest key",
  permission: "policy:publish",
  audit: "decisions.ingest_key.revoked",
  input: strictInput(z.object({ id: z.string().min(1).max(64).describe("The key's id.") })),
  output: z.object({ revoked: z.literal(true) }),
  errors: ["conflict"],
  http: { method: "DELETE", path: "/api/v1/orgs/{org}/decisions/ingest-keys/{id}" },
  run: async ({ id }, ctx) => {
    await revokeIngestKey(db, ctx, id, ctx.request);
    return { revoked: true as const };
  },
});

export const saveOtlpExportOp = defineOperation({
  name: "decisions.otlp_export.save",
  summary: "Export decisions and audit events to a SIEM over OTLP/HTTP logs",
  description:
    "Each stored decision and each audit event becomes an OTLP log record POSTed as OTLP/HTTP JSON to `endpoint` (the collector's full logs URL) with `headers`, retried like the webhook; deliveries out of attempts are listed as dead letters. Header values are sealed at rest and never returned; leave `headers` out to keep them.",
  permission: "org:manage",
  audit: "decisions.otlp_export.updated",
  input: otlpExportSchema,
  output: z.object({ endpoint: z.string(), enabled: z.boolean(), headerNames: z.array(z.string()), updatedAt: z.string() }),
  http: { method: "PUT", path: "/api/v1/orgs/{org}/decisions/otlp-export" },
  run: async (input, ctx) => {
    const saved = await saveOtlpExport(db, ctx, input, ctx.request);
    webhookWorker(db).kick(); // the delivery loop also queues the audit log for the export
    return saved;
  },
});

export const deleteOtlpExportOp = defineOperation({
  name: "decisions.otlp_export.delete",
  summary: "Stop the OTLP/HTTP logs export",
  permission: "org:manage",
  audit: "decisions.otlp_export.deleted",
  input: strictInput(z.object({})),
  output: z.object({ deleted: z.literal(true) }),
  http: { method: "DELETE", path: "/api/v1/orgs/{org}/decisions/otlp-export" },
  run: async (_input, ctx) => {
    await deleteOtlpExport(db, ctx, ctx.request);
    return { deleted: true as const };
  },
});

const groupCollection = z.object({
  group: z.string(),
  mode: z.enum(["inherit", "on", "off", "custom"]).describe('What the overlay draft says; "custom": an [otel] table Charter did not write.'),
  composedOtel: z.string().describe("The [otel] section of the group's composed requirements.toml (draft over the current base), exactly."),
});

export const listGroupCollectionOp = defineOperation({
  name: "decisions.group_collection.list",
  summary: "Each group's decision collection switch and the [otel] section its hosts would receive",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({})),
  output: z.object({ groups: z.array(groupCollection) }),
  http: { method: "GET", path: "/api/v1/orgs/{org}/decisions/group-collection" },
  run: async (_input, ctx) => ({ groups: await listGroupCollection(db, ctx) }),
});

export const setGroupCollectionOp = defineOperation({
  name: "decisions.group_collection.set",
  summary: "Switch decision collection on or off for a group, or inherit the org's",
  description:
    "Edits the group's overlay draft (Charter's [otel] section, its \"off\" section, or none); the change reaches the group's hosts when the overlay is published. `draftRevision` is the overlay draft's new revision, or null when it did not change.",
  permission: "policy:publish",
  audit: "policy.draft.saved",
  input: strictInput(groupCollectionSchema.pick({ mode: true }).extend({ group: groupCollectionSchema.shape.group.describe("The group's name (URL-encoded in the path).") })),
  output: groupCollection.extend({ draftRevision: z.number().int().nullable() }),
  errors: ["conflict"],
  http: { method: "PUT", path: "/api/v1/orgs/{org}/decisions/group-collection/{group}" },
  run: (input, ctx) => setGroupCollection(db, ctx, input, ctx.request),
});

export const DECISION_OPERATIONS = [exportDecisionsOp, saveDecisionSettingsOp, startReplayOp, draftReplayOp, addDecisionToSamplesOp, replayDecisionInSandboxOp, createIngestKeyOp, revokeIngestKeyOp, saveOtlpExportOp, deleteOtlpExportOp, listGroupCollectionOp, setGroupCollectionOp];
