import { z } from "zod";
import { CODEX_VERSION } from "../requirements";
import { OPERATIONS } from "../ops";
import { operationPaths } from "../ops/openapi";
import {
  changeRequestResponse,
  createChangeRequestSchema,
  decisionSchema,
  diffResponse,
  errorResponse,
  publishSchema,
  restoreSchema,
  saveDraftSchema,
  updateChangeRequestSchema,
  validationResponse,
  versionResponse,
} from "./schemas";
import { checkInSchema, enrollSchema } from "../fleet/schemas";

/*
 * The admin API's OpenAPI 3.1 document, generated from the same zod schemas the handlers parse with, so the
 * document cannot drift from what the server accepts. Served at GET /api/v1/openapi.json.
 */

type Json = Record<string, unknown>;

function schema(s: z.ZodType, io: "input" | "output" = "input"): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Json;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ "application/json": { schema: ref(name) } });
const tomlText = { "text/plain": { schema: { type: "string" } }, "application/toml": { schema: { type: "string" } } };

function errors(...codes: number[]): Json {
  const text: Record<number, string> = {
    401: "No session and no valid admin token.",
    403: "The role or token scopes do not allow this (or approvals are required).",
    404: "No such org for this actor, or no such version / change request.",
    409: "Conflict: nothing changed, stale change request revision, base version moved on.",
    412: "If-Match names a stale revision; details.theirs holds the current draft.",
    413: "Body or policy larger than allowed.",
    422: "Invalid body, or a policy Codex would refuse (details.diagnostics).",
    428: "If-Match missing.",
  };
  return Object.fromEntries([401, 404, ...codes].map((c) => [String(c), { description: text[c], content: json("Error") }]));
}

const org = { name: "org", in: "path", required: true, schema: { type: "string" }, description: "Organisation slug." };
const number = { name: "number", in: "path", required: true, schema: { type: "integer", minimum: 1 } };
const AUDIT_FILTERS = ["actor", "action", "target", "from", "to", "cursor", "limit"].map((name) => ({ name, in: "query", schema: { type: "string" } }));

export function openApiDocument(serverUrl = "/"): Json {
  const base = "/api/v1/orgs/{org}";
  const document = {
    openapi: "3.1.0",
    info: {
      title: "Charter admin API",
      version: "1",
      description:
        `Drafts, validation (as Codex ${CODEX_VERSION} loads requirements.toml), versions, diffs, restore, change requests, ` +
        "the audit log, sandbox runs, public signing keys, and the agent bundle. " +
        "Authenticate with an admin API token (`Authorization: Bearer chr_…`; scopes read, write, publish) or a console session. " +
        "Errors are `{error: {code, message, details?}}`.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }, { session: [] }],
    paths: {
      [`${base}/validate`]: {
        parameters: [org],
        post: {
          summary: "Validate a requirements.toml",
          requestBody: { required: true, content: { ...tomlText, "application/json": { schema: { type: "object", properties: { toml: { type: "string" } }, required: ["toml"] } } } },
          responses: { 200: { description: "Verdict and diagnostics", content: json("Validation") }, ...errors(413, 422) },
        },
      },
      [`${base}/publish`]: {
        parameters: [org],
        post: {
          summary: "Publish the draft as the next version",
          description: "Refused with 403 when the org requires approvals (open a change request instead).",
          requestBody: { required: true, content: json("PublishBody") },
          responses: { 201: { description: "The new version", content: json("Version") }, ...errors(403, 409, 422) },
        },
      },
      [`${base}/versions/{number}`]: {
        parameters: [org, number],
        get: {
          summary: "Get one version",
          parameters: [{ name: "format", in: "query", schema: { type: "string", enum: ["json", "toml"] } }],
          responses: { 200: { description: "The version (ETag = sha256)", content: { ...json("Version"), "application/toml": { schema: { type: "string" } } } }, ...errors(422) },
        },
      },
      [`${base}/versions/{number}/restore`]: {
        parameters: [org, number],
        post: {
          summary: "Restore a version",
          description: "Publishes the old text as a new version (201), or opens a change request when approvals are required (202).",
          requestBody: { required: true, content: json("RestoreBody") },
          responses: { 201: { description: "`{kind: \"version\", version}`" }, 202: { description: "`{kind: \"change_request\", changeRequest: {number}}`" }, ...errors(403, 409, 422) },
        },
      },
      [`${base}/diff`]: {
        parameters: [org],
        get: {
          summary: "Diff two versions",
          parameters: [
            { name: "from", in: "query", required: true, schema: { type: "integer", minimum: 0 }, description: "0 = the empty policy before version 1" },
            { name: "to", in: "query", required: true, schema: { type: "integer", minimum: 0 } },
          ],
          responses: { 200: { description: "Text hunks, semantic changes and the PASS/WIDENS verdict", content: json("Diff") }, ...errors(422) },
        },
      },
      [`${base}/changes`]: {
        parameters: [org],
        get: {
          summary: "List change requests",
          parameters: [{ name: "status", in: "query", schema: { type: "string", enum: ["open", "closed"] } }],
          responses: { 200: { description: "Change requests" }, ...errors() },
        },
        post: {
          summary: "Open a change request for the current draft",
          requestBody: { required: true, content: json("CreateChangeRequestBody") },
          responses: { 201: { description: "Opened" }, ...errors(403, 409, 422) },
        },
      },
      [`${base}/changes/{number}`]: {
        parameters: [org, number],
        get: { summary: "Get a change request with diff, validation, verdict, approvals and blockers", responses: { 200: { description: "The request", content: json("ChangeRequest") }, ...errors() } },
        patch: {
          summary: "Edit a change request (withdraws every earlier decision)",
          requestBody: { required: true, content: json("UpdateChangeRequestBody") },
          responses: { 200: { description: "Edited" }, ...errors(403, 409, 422) },
        },
      },
      [`${base}/changes/{number}/approve`]: {
        parameters: [org, number],
        post: { summary: "Approve (never your own change)", requestBody: { content: json("DecisionBody") }, responses: { 200: { description: "Recorded" }, ...errors(403, 409, 422) } },
      },
      [`${base}/changes/{number}/reject`]: {
        parameters: [org, number],
        post: { summary: "Reject with a comment", requestBody: { required: true, content: json("DecisionBody") }, responses: { 200: { description: "Recorded" }, ...errors(403, 409, 422) } },
      },
      [`${base}/changes/{number}/publish`]: {
        parameters: [org, number],
        post: { summary: "Publish an approved change request", responses: { 201: { description: "The new version", content: json("Version") }, ...errors(403, 409, 422) } },
      },
      [`${base}/changes/{number}/withdraw`]: {
        parameters: [org, number],
        post: { summary: "Withdraw an open change request", responses: { 200: { description: "Withdrawn" }, ...errors(403, 409) } },
      },
      [`${base}/audit`]: {
        parameters: [org, ...AUDIT_FILTERS],
        get: { summary: "Audit events, newest first (keyset paging with `cursor`)", responses: { 200: { description: "`{events, nextCursor}`" }, ...errors(403, 422) } },
      },
      [`${base}/audit/export`]: {
        parameters: [org, { name: "format", in: "query", schema: { enum: ["jsonl", "csv"], default: "jsonl" } }, ...AUDIT_FILTERS],
        get: {
          summary: "Export the filtered audit log as a download (streamed); the export itself is audited",
          responses: { 200: { description: "JSON Lines or CSV", content: { "application/x-ndjson": {}, "text/csv": {} } }, ...errors(403, 422) },
        },
      },
      [`${base}/audit/verify`]: {
        parameters: [org],
        get: { summary: "Recompute the org's audit hash chain and name the first broken link", responses: { 200: { description: "`{ok, count, head}` or `{ok: false, firstBroken}`" }, ...errors(403) } },
      },
      [`${base}/sandbox/runs/{id}`]: {
        parameters: [org, { name: "id", in: "path", required: true, schema: { type: "string" } }],
        get: { summary: "A reviewer-sandbox run with its results so far (polled while it runs)", responses: { 200: { description: "The run" }, ...errors(422) } },
      },
      [`${base}/sandbox/samples/export`]: {
        parameters: [org],
        get: { summary: "Export the org's sample approval requests as JSON (importable)", responses: { 200: { description: "Samples" }, ...errors() } },
      },
      [`${base}/keys`]: {
        parameters: [org],
        get: {
          summary: "Public JWKS of the org's bundle signing keys (active, next, and retired ones until their bundles expire); also at /.well-known/jwks.json?org=",
          security: [],
          responses: { 200: { description: "JWKS", content: { "application/json": {} } }, 404: { description: "No such org", content: json("Error") } },
        },
      },
      "/api/v1/agent/bundle": {
        get: {
          summary: "The signed bundle of the token's org (compact JWS, EdDSA); strong ETag, 304 on If-None-Match",
          security: [{ agent: [] }],
          parameters: [{ name: "If-None-Match", in: "header", schema: { type: "string" } }],
          responses: {
            200: { description: "JWS text", content: { "application/jose": { schema: { type: "string" } } } },
            304: { description: "Not modified" },
            401: { description: "Missing, unknown or revoked agent token", content: json("Error") },
            404: { description: "Nothing published yet", content: json("Error") },
          },
        },
      },
      "/api/v1/agent/decisions": {
        get: {
          summary: "Whether the host's org collects decisions: {collect, relayPort, mask: {patterns, jsonPaths}} for the host relay",
          security: [{ agent: [] }],
          responses: {
            200: { description: "Collection settings", content: { "application/json": { schema: { type: "object" } } } },
            401: { description: "Missing, unknown or revoked agent token", content: json("Error") },
          },
        },
        post: {
          summary: "A host relay's batch of Auto-review decisions: gzip NDJSON, one decision per line; bad lines are refused one by one while the rest are stored",
          security: [{ agent: [] }],
          parameters: [
            { name: "Content-Encoding", in: "header", schema: { type: "string", enum: ["gzip", "identity"] } },
            { name: "X-Charter-Batch-Id", in: "header", schema: { type: "string" } },
          ],
          requestBody: { content: { "application/x-ndjson": { schema: { type: "string" } } } },
          responses: {
            200: { description: "{batchId, received, stored, duplicates, rejected: [{line, id?, reason}], masking}", content: { "application/json": { schema: { type: "object" } } } },
            401: { description: "Missing, unknown or revoked agent token", content: json("Error") },
            413: { description: "Body or decompressed body too large", content: json("Error") },
            429: { description: "Busy: retry after the Retry-After header", content: json("Error") },
          },
        },
      },
      "/api/v1/agent/checkin": {
        post: {
          summary: "A host reports its state after a cycle (one agent token = one host); answers the interval to call again",
          security: [{ agent: [] }],
          requestBody: { required: true, content: json("CheckInBody") },
          responses: {
            200: { description: "Stored", content: { "application/json": { schema: { type: "object", properties: { pollIntervalSeconds: { type: "integer" }, serverTime: { type: "string", format: "date-time" } }, required: ["pollIntervalSeconds", "serverTime"] } } } },
            400: { description: "Body is not JSON", content: json("Error") },
            401: { description: "Missing, unknown or revoked agent token", content: json("Error") },
            413: { description: "Body larger than 64 KiB", content: json("Error") },
            422: { description: "Invalid field (path in the message)", content: json("Error") },
            503: { description: "Cannot be stored right now; retry", content: json("Error") },
          },
        },
      },
      "/api/v1/agent/enroll": {
        post: {
          summary: "A host exchanges an enrolment secret (made on the Agents page) for an agent token of its own",
          security: [],
          requestBody: { required: true, content: json("EnrollBody") },
          responses: {
            201: { description: "Enrolled", content: { "application/json": { schema: { type: "object", properties: { token: { type: "string" }, hostId: { type: "string" }, org: { type: "string" }, group: { type: ["string", "null"] } }, required: ["token", "hostId", "org", "group"] } } } },
            400: { description: "Body is not JSON", content: json("Error") },
            401: { description: "Unknown org, or unknown, expired, revoked or used-up secret", content: json("Error") },
            413: { description: "Body larger than 64 KiB", content: json("Error") },
            422: { description: "Invalid field (path in the message)", content: json("Error") },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        agent: { type: "http", scheme: "bearer", description: "Agent token (cha_…) of one host: the bundle, check-ins and the host's decisions" },
        bearer: { type: "http", scheme: "bearer", description: "Admin API token (chr_…)" },
        session: { type: "apiKey", in: "cookie", name: "authjs.session-token" },
      },
      schemas: {
        Error: schema(errorResponse, "output"),
        SaveDraftBody: schema(saveDraftSchema),
        Validation: schema(validationResponse, "output"),
        PublishBody: schema(publishSchema),
        RestoreBody: schema(restoreSchema),
        Version: schema(versionResponse, "output"),
        Diff: schema(diffResponse, "output"),
        CreateChangeRequestBody: schema(createChangeRequestSchema),
        UpdateChangeRequestBody: schema(updateChangeRequestSchema),
        DecisionBody: schema(decisionSchema),
        ChangeRequest: schema(changeRequestResponse, "output"),
        CheckInBody: schema(checkInSchema),
        EnrollBody: schema(enrollSchema),
      },
    },
  };
  // Operations defined in lib/ops document themselves; the entries above are the routes not yet converted.
  const paths: Record<string, Json> = document.paths;
  for (const [path, methods] of Object.entries(operationPaths(OPERATIONS))) Object.assign((paths[path] ??= {}), methods);
  return document;
}
