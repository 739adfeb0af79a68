import { z } from "zod";
import { CODEX_VERSION } from "../requirements";
import { OPERATIONS } from "../ops";
import { operationPaths } from "../ops/openapi";
import { errorResponse } from "./schemas";
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
const org = { name: "org", in: "path", required: true, schema: { type: "string" }, description: "Organisation slug." };

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
        CheckInBody: schema(checkInSchema),
        EnrollBody: schema(enrollSchema),
      },
    },
  };
  // Every operation (lib/ops) documents itself; the entries above are the routes that are not operations.
  const paths: Record<string, Json> = document.paths;
  for (const [path, methods] of Object.entries(operationPaths(OPERATIONS))) Object.assign((paths[path] ??= {}), methods);
  return document;
}
