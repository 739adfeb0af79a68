import { z } from "zod";
import { db } from "../db";
import { KNOWN_CODEX_VERSIONS } from "../requirements";
import { validateForFleetOffLoop } from "../server/off-loop";
import {
  createChangeRequest,
  decideChangeRequest,
  diffVersions,
  getChangeRequest,
  getDraftOrEmpty,
  getVersion,
  listChangeRequests,
  listVersions,
  publishChangeRequest,
  publishDraft,
  restoreVersion,
  saveDraft,
  updateChangeRequest,
  withdrawChangeRequest,
} from "../policies";
import { assertPolicySize } from "../policies/common";
import { fleetCodexVersions } from "../policies/fleet-versions";
import { etag, ifMatchRevision } from "../policies/http";
import {
  changeRequestResponse,
  changeRequestSummaryResponse,
  createChangeRequestSchema,
  decisionSchema,
  diffQuerySchema,
  draftResponse,
  publishChangeRequestSchema,
  publishSchema,
  restoreResponse,
  restoreSchema,
  savedDraftResponse,
  saveDraftSchema,
  updateChangeRequestSchema,
  validationResponse,
  versionNumberSchema,
  versionResponse,
  versionSummaryResponse,
} from "../policies/schemas";
import { strictInput } from "./chain";
import { defineOperation } from "./define";

// Operations of policy authoring: the draft, validation, versions, diffs and change requests.

const number = z.object({ number: versionNumberSchema.describe("Version or change request number.") });
const format = z.enum(["json", "toml"]).default("json").describe("`toml` answers with the raw text.");
const tomlResponse = (toml: string, headers: Record<string, string>) => new Response(toml, { headers: { ...headers, "Content-Type": "application/toml; charset=utf-8" } });
const created = (body: unknown, location: string) => Response.json(body, { status: 201, headers: { Location: location } });

export const getDraftOp = defineOperation({
  name: "policy.draft.get",
  summary: "Get the draft",
  description: "ETag is the draft revision. `?format=toml` returns the raw text. Revision 0 with empty text before the first save.",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({ format })),
  output: draftResponse,
  http: {
    method: "GET",
    path: "/api/v1/orgs/{org}/draft",
    alsoProduces: ["application/toml"],
    respond: (draft, input) => {
      const { toml, revision } = draft as { toml: string; revision: number };
      const headers = { ETag: etag(revision), "Cache-Control": "no-store" };
      return input.format === "toml" ? tomlResponse(toml, headers) : Response.json(draft, { headers });
    },
  },
  run: (_input, ctx) => getDraftOrEmpty(db, ctx),
});

export const saveDraftOp = defineOperation({
  name: "policy.draft.save",
  summary: "Replace the draft",
  description:
    'Over HTTP the body is the TOML (text/plain, application/toml, or JSON {"toml"}) and `If-Match: "<revision>"` from GET names ' +
    "the revision it is based on (428 without it, 412 with details.theirs when someone saved since). Invalid TOML may be saved " +
    "(drafts are work in progress); at most 1 MiB.",
  permission: "policy:edit",
  audit: "policy.draft.saved",
  input: strictInput(saveDraftSchema),
  output: savedDraftResponse,
  errors: ["conflict", "precondition_failed", "payload_too_large", "precondition_required"],
  http: {
    method: "PUT",
    path: "/api/v1/orgs/{org}/draft",
    body: "toml",
    header: { name: "If-Match", field: "baseRevision", read: ifMatchRevision },
    mapErrors: { conflict: "precondition_failed" },
    respond: (saved) => Response.json(saved, { headers: { ETag: etag((saved as { revision: number }).revision) } }),
  },
  run: (input, ctx) => saveDraft(db, ctx, input, ctx.request),
});

export const validateOp = defineOperation({
  name: "policy.validate",
  summary: "Validate a requirements.toml",
  description: `As each Codex version the org's fleet runs would load it (the versions chosen in settings, else those its hosts report, each checked as the nearest known version, else every known one: ${KNOWN_CODEX_VERSIONS.join(", ")}): \`valid\` only when every version loads it, \`diagnostics\` of the newest, \`versions\` each version's verdict; stores nothing.`,
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({ toml: z.string() })),
  output: validationResponse,
  errors: ["payload_too_large", "unavailable"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/validate", body: "toml" },
  run: async ({ toml }, ctx) => {
    assertPolicySize(toml);
    const { valid, diagnostics, codexVersion, versions } = await validateForFleetOffLoop(toml, (await fleetCodexVersions(db, ctx.org.id)).versions);
    return { valid, diagnostics, codexVersion, versions };
  },
});

export const publishOp = defineOperation({
  name: "policy.publish",
  summary: "Publish the draft as the next version",
  description: "Refused with 403 when the org requires approvals (open a change request instead), 422 when Codex would refuse the draft, 409 when it equals the current version.",
  permission: "policy:publish",
  audit: "policy.published",
  input: strictInput(publishSchema),
  output: versionResponse,
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/publish", status: 201, respond: (v, _i, ctx) => created(v, `/api/v1/orgs/${ctx.org?.slug}/versions/${(v as { number: number }).number}`) },
  run: (input, ctx) => publishDraft(db, ctx, input, ctx.request),
});

export const listVersionsOp = defineOperation({
  name: "policy.versions.list",
  summary: "List versions, newest first",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({ limit: z.coerce.number().int().min(1).max(500).default(200).describe("How many versions, newest first.") })),
  output: z.object({ versions: z.array(versionSummaryResponse) }),
  http: { method: "GET", path: "/api/v1/orgs/{org}/versions" },
  run: async ({ limit }, ctx) => ({ versions: await listVersions(db, ctx, { limit }) }),
});

export const getVersionOp = defineOperation({
  name: "policy.versions.get",
  summary: "Get one version",
  description: "ETag is its sha256 (versions never change); `?format=toml` returns its exact text.",
  permission: "org:read",
  audit: null,
  input: strictInput(number.extend({ format })),
  output: versionResponse,
  http: {
    method: "GET",
    path: "/api/v1/orgs/{org}/versions/{number}",
    alsoProduces: ["application/toml"],
    respond: (version, input) => {
      const { toml, sha256 } = version as { toml: string; sha256: string };
      const headers = { ETag: `"${sha256}"`, "Cache-Control": "private, max-age=0, must-revalidate" };
      return input.format === "toml" ? tomlResponse(toml, headers) : Response.json(version, { headers });
    },
  },
  run: ({ number }, ctx) => getVersion(db, ctx, number),
});

export const restoreVersionOp = defineOperation({
  name: "policy.versions.restore",
  summary: "Restore a version",
  description: "Publishes the old text as a new version (201), or opens a change request proposing it when approvals are required (202). The draft becomes the restored text too; with `draftRevision`, a draft saved since that revision refuses the restore (409).",
  permission: "policy:publish",
  audit: "policy.restored",
  input: strictInput(number.extend(restoreSchema.shape)),
  output: restoreResponse,
  errors: ["conflict"],
  http: {
    method: "POST",
    path: "/api/v1/orgs/{org}/versions/{number}/restore",
    status: 201,
    respond: (result) => Response.json(result, { status: (result as { kind: string }).kind === "version" ? 201 : 202 }),
  },
  run: ({ number, ...input }, ctx) => restoreVersion(db, ctx, number, input, ctx.request),
});

export const diffVersionsOp = defineOperation({
  name: "policy.versions.diff",
  summary: "Diff two versions",
  description: "Unified text hunks, semantic changes and the PASS/WIDENS/REVIEW verdict of going from one version to another (`from=0` is the empty policy).",
  permission: "org:read",
  audit: null,
  input: strictInput(diffQuerySchema),
  output: z.object({ from: z.number().int(), to: z.number().int() }).extend(changeRequestResponse.shape.diff.shape),
  http: { method: "GET", path: "/api/v1/orgs/{org}/diff" },
  run: ({ from, to }, ctx) => diffVersions(db, ctx, from, to),
});

export const listChangeRequestsOp = defineOperation({
  name: "policy.changes.list",
  summary: "List change requests",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({ status: z.enum(["open", "closed"]).optional() })),
  output: z.object({ changeRequests: z.array(changeRequestSummaryResponse) }),
  http: { method: "GET", path: "/api/v1/orgs/{org}/changes" },
  run: async ({ status }, ctx) => ({ changeRequests: await listChangeRequests(db, ctx, { status }) }),
});

export const createChangeRequestOp = defineOperation({
  name: "policy.changes.create",
  summary: "Open a change request for the current draft",
  permission: "policy:edit",
  audit: "policy.change_request.opened",
  input: strictInput(createChangeRequestSchema),
  output: changeRequestSummaryResponse,
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/changes", status: 201, respond: (cr, _i, ctx) => created(cr, `/api/v1/orgs/${ctx.org?.slug}/changes/${(cr as { number: number }).number}`) },
  run: (input, ctx) => createChangeRequest(db, ctx, input, ctx.request),
});

export const getChangeRequestOp = defineOperation({
  name: "policy.changes.get",
  summary: "Get a change request with its diff, validation, approvals and blockers",
  permission: "org:read",
  audit: null,
  input: strictInput(number),
  output: changeRequestResponse,
  http: { method: "GET", path: "/api/v1/orgs/{org}/changes/{number}" },
  run: ({ number }, ctx) => getChangeRequest(db, ctx, number),
});

export const updateChangeRequestOp = defineOperation({
  name: "policy.changes.update",
  summary: "Edit a change request (withdraws every earlier decision)",
  description: "Title, note, the text (`fromDraft`) or its base (`rebase`).",
  permission: "policy:edit",
  audit: "policy.change_request.updated",
  input: strictInput(updateChangeRequestSchema.extend(number.shape)),
  output: changeRequestSummaryResponse,
  errors: ["conflict"],
  http: { method: "PATCH", path: "/api/v1/orgs/{org}/changes/{number}" },
  run: ({ number, ...input }, ctx) => updateChangeRequest(db, ctx, number, input, ctx.request),
});

const decide = (decision: "approve" | "reject") =>
  defineOperation({
    name: `policy.changes.${decision}`,
    summary: decision === "approve" ? "Approve a change request (never your own)" : "Reject a change request, with a comment",
    description: "`revision` names the revision reviewed; refused if the request changed since. Tokens never decide.",
    permission: "policy:approve",
    audit: decision === "approve" ? "policy.change_request.approved" : "policy.change_request.rejected",
    input: strictInput(decisionSchema.extend(number.shape)),
    output: changeRequestSummaryResponse,
    errors: ["conflict"],
    http: { method: "POST", path: `/api/v1/orgs/{org}/changes/{number}/${decision}` },
    run: ({ number, ...input }, ctx) => decideChangeRequest(db, ctx, number, decision, input, ctx.request),
  });
export const approveChangeRequestOp = decide("approve");
export const rejectChangeRequestOp = decide("reject");

export const publishChangeRequestOp = defineOperation({
  name: "policy.changes.publish",
  summary: "Publish an approved change request as the next version",
  description: "`rollout: {rings, gates}` stages it through rings first, as publishing a draft can.",
  permission: "policy:publish",
  audit: "policy.published",
  input: strictInput(publishChangeRequestSchema.extend(number.shape)),
  output: versionResponse,
  errors: ["conflict"],
  http: {
    method: "POST",
    path: "/api/v1/orgs/{org}/changes/{number}/publish",
    status: 201,
    respond: (v, _i, ctx) => created(v, `/api/v1/orgs/${ctx.org?.slug}/versions/${(v as { number: number }).number}`),
  },
  run: ({ number, ...input }, ctx) => publishChangeRequest(db, ctx, number, ctx.request, input),
});

export const withdrawChangeRequestOp = defineOperation({
  name: "policy.changes.withdraw",
  summary: "Withdraw an open change request (its author, or a publisher)",
  permission: "policy:edit",
  audit: "policy.change_request.withdrawn",
  input: strictInput(number),
  output: changeRequestSummaryResponse,
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/changes/{number}/withdraw" },
  run: ({ number }, ctx) => withdrawChangeRequest(db, ctx, number, ctx.request),
});

export const POLICY_OPERATIONS = [
  getDraftOp,
  saveDraftOp,
  validateOp,
  publishOp,
  listVersionsOp,
  getVersionOp,
  restoreVersionOp,
  diffVersionsOp,
  listChangeRequestsOp,
  createChangeRequestOp,
  getChangeRequestOp,
  updateChangeRequestOp,
  approveChangeRequestOp,
  rejectChangeRequestOp,
  publishChangeRequestOp,
  withdrawChangeRequestOp,
];
