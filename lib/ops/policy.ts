import { z } from "zod";
import { db } from "../db";
import { getDraftOrEmpty, listVersions, saveDraft } from "../policies";
import { etag, ifMatchRevision } from "../policies/http";
import { draftResponse, savedDraftResponse, saveDraftSchema, versionSummaryResponse } from "../policies/schemas";
import { strictInput } from "./chain";
import { defineOperation } from "./define";

// Operations of policy authoring: the draft and its versions.

const format = z.enum(["json", "toml"]).default("json").describe("`toml` answers with the raw text.");
const tomlResponse = (toml: string, headers: Record<string, string>) => new Response(toml, { headers: { ...headers, "Content-Type": "application/toml; charset=utf-8" } });

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
