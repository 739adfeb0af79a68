import { z } from "zod";
import { db } from "../db";
import {
  createGroup,
  createGroupSchema,
  deleteGroup,
  effectiveFor,
  getGroup,
  getOverlayDraft,
  groupNameSchema,
  groupRulesSchema,
  listGroups,
  listOverlayVersions,
  previewOverlay,
  publishOverlay,
  saveOverlayDraft,
  updateGroup,
  updateGroupSchema,
} from "../groups";
import {
  gatesSchema,
  getRollout,
  listRollouts,
  pauseRollout,
  promoteRollout,
  resumeRollout,
  rollbackRollout,
  rolloutActionSchema,
  rolloutSettingsSchema,
  updateRolloutSettings,
} from "../rollouts";
import { createOverlayChangeRequest, getOverlayChangeRequest, listOverlayChangeRequests, publishOverlayChangeRequest, updateOverlayChangeRequest } from "../groups/changes";
import { etag, ifMatchRevision } from "../policies/http";
import {
  changeRequestResponse,
  changeRequestSummaryResponse,
  createChangeRequestSchema,
  draftResponse,
  policyDiff,
  publishSchema,
  savedDraftResponse,
  saveDraftSchema,
  updateChangeRequestSchema,
} from "../policies/schemas";
import { strictInput } from "./chain";
import { defineOperation } from "./define";

// Operations of host groups, their overlays, the effective view and staged rollouts (issue 15).

const group = groupNameSchema.describe("The group's name (URL-encoded in the path).");
const date = z.string().describe("ISO-8601");

const groupResponse = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  priority: z.number().int(),
  rules: groupRulesSchema.nullable(),
  overlayVersion: z.number().int().nullable(),
  members: z.number().int().describe("Live hosts whose overlay this group decides."),
  createdAt: date,
  updatedAt: date,
});

const finding = z.object({
  severity: z.enum(["error", "warning", "info"]),
  path: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
  code: z.string(),
  layer: z.enum(["overlay", "base", "composed"]).describe("Which text `line` points into."),
});

const composition = z.object({
  value: z.record(z.string(), z.unknown()),
  toml: z.string(),
  sources: z.record(z.string(), z.string()).describe('Display path → "base" or `group "<name>"`.'),
  notes: z.array(z.string()),
  findings: z.array(finding),
});

const overlayVersion = z.object({ number: z.number().int(), sha256: z.string(), note: z.string(), author: z.string(), publishedAt: date, parentNumber: z.number().int().nullable(), toml: z.string() });

const ringView = z.object({
  index: z.number().int(),
  name: z.string(),
  target: z.string(),
  status: z.enum(["done", "current", "pending"]),
  hosts: z.number().int(),
  installed: z.number().int(),
  failed: z.number().int(),
  drifted: z.number().int(),
});
const rolloutState = z.enum(["running", "paused", "completed", "halted", "rolled_back", "timed_out"]);
const rolloutSummary = z.object({
  version: z.number().int(),
  previous: z.number().int().nullable(),
  state: rolloutState,
  currentRing: z.number().int(),
  ringStartedAt: date,
  reason: z.string().nullable(),
  rollbackVersion: z.number().int().nullable(),
  autoPromote: z.boolean(),
  gates: gatesSchema,
  createdBy: z.string(),
  createdAt: date,
  finishedAt: date.nullable(),
});
const rateSample = z.object({
  label: z.string(),
  total: z.number().int(),
  denied: z.number().int(),
  failClosed: z.number().int(),
  denyRate: z.number(),
  failClosedRate: z.number(),
});
const rolloutResponse = rolloutSummary.extend({
  rings: z.array(ringView),
  gate: z
    .object({
      verdict: z.enum(["pass", "wait", "fail", "timeout"]),
      values: z.object({
        hosts: z.number().int(),
        installed: z.number().int(),
        failed: z.number().int(),
        drifted: z.number().int(),
        installedPercent: z.number(),
        failurePercent: z.number(),
        soakElapsedMinutes: z.number(),
        denyRateDelta: z.number().nullable(),
        decisions: z
          .object({
            status: z.enum(["compared", "not_collected"]),
            note: z.string().nullable(),
            current: rateSample.nullable(),
            baseline: rateSample.nullable(),
            denyRateDelta: z.number().nullable(),
            failClosedRateDelta: z.number().nullable(),
          })
          .nullable()
          .describe("Auto-review decisions of the ring's hosts on the new version against the previous one; null when the org collects none."),
      }),
      reasons: z.array(z.string()),
    })
    .nullable(),
  adoption: z.array(z.object({ version: z.number().int().nullable(), hosts: z.number().int() })),
  events: z.array(z.object({ at: date, kind: z.string(), ring: z.number().int().nullable(), detail: z.unknown() })),
});
const versionParam = z.union([z.literal("latest"), z.coerce.number().int().positive()]).describe("The rolled-out version number, or `latest`.");

export const listGroupsOp = defineOperation({
  name: "groups.list",
  summary: "List host groups, highest priority first, with live member counts",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({})),
  output: z.object({ groups: z.array(groupResponse) }),
  http: { method: "GET", path: "/api/v1/orgs/{org}/groups" },
  run: async (_input, ctx) => ({ groups: await listGroups(db, ctx) }),
});

export const createGroupOp = defineOperation({
  name: "groups.create",
  summary: "Create a host group",
  description: "Members: hosts enrolled or tokened with the group's name, and hosts whose check-ins match every rule (OS, Codex version range, host name glob).",
  permission: "policy:edit",
  audit: "group.created",
  input: strictInput(createGroupSchema),
  output: groupResponse,
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/groups", status: 201 },
  run: (input, ctx) => createGroup(db, ctx, input, ctx.request),
});

export const getGroupOp = defineOperation({
  name: "groups.get",
  summary: "Get a host group",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({ group })),
  output: groupResponse,
  http: { method: "GET", path: "/api/v1/orgs/{org}/groups/{group}" },
  run: ({ group: name }, ctx) => getGroup(db, ctx, name),
});

export const updateGroupOp = defineOperation({
  name: "groups.update",
  summary: "Change a group's description, priority or rules",
  permission: "policy:edit",
  audit: "group.updated",
  input: strictInput(z.object({ group, description: z.string().trim().max(500).optional(), priority: z.number().int().min(-1000).max(1000).optional(), rules: groupRulesSchema.nullable().optional() })),
  output: groupResponse,
  http: { method: "PATCH", path: "/api/v1/orgs/{org}/groups/{group}" },
  run: ({ group: name, ...patch }, ctx) => updateGroup(db, ctx, name, updateGroupSchema.parse(patch), ctx.request),
});

export const deleteGroupOp = defineOperation({
  name: "groups.delete",
  summary: "Delete a group and its overlay (its hosts get the base, or their next group's overlay)",
  permission: "policy:publish",
  audit: "group.deleted",
  input: strictInput(z.object({ group })),
  output: z.object({ deleted: z.literal(true) }),
  http: { method: "DELETE", path: "/api/v1/orgs/{org}/groups/{group}" },
  run: async ({ group: name }, ctx) => {
    await deleteGroup(db, ctx, name, ctx.request);
    return { deleted: true as const };
  },
});

export const getOverlayDraftOp = defineOperation({
  name: "groups.overlay.draft.get",
  summary: "Get a group's overlay draft (ETag: its revision)",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({ group })),
  output: draftResponse,
  http: {
    method: "GET",
    path: "/api/v1/orgs/{org}/groups/{group}/overlay/draft",
    respond: (draft) => Response.json(draft, { headers: { ETag: etag((draft as { revision: number }).revision), "Cache-Control": "no-store" } }),
  },
  run: ({ group: name }, ctx) => getOverlayDraft(db, ctx, name),
});

export const saveOverlayDraftOp = defineOperation({
  name: "groups.overlay.draft.save",
  summary: "Replace a group's overlay draft",
  description: 'The body is a partial requirements.toml (text/plain, application/toml or JSON {"toml"}); `If-Match: "<revision>"` as for the base draft.',
  permission: "policy:edit",
  audit: "policy.draft.saved",
  input: strictInput(saveDraftSchema.extend({ group })),
  output: savedDraftResponse,
  errors: ["conflict", "precondition_failed", "payload_too_large", "precondition_required"],
  http: {
    method: "PUT",
    path: "/api/v1/orgs/{org}/groups/{group}/overlay/draft",
    body: "toml",
    header: { name: "If-Match", field: "baseRevision", read: ifMatchRevision },
    mapErrors: { conflict: "precondition_failed" },
    respond: (saved) => Response.json(saved, { headers: { ETag: etag((saved as { revision: number }).revision) } }),
  },
  run: ({ group: name, ...input }, ctx) => saveOverlayDraft(db, ctx, name, input, ctx.request),
});

export const previewOverlayOp = defineOperation({
  name: "groups.overlay.preview",
  summary: "Compose an overlay over the current base and say what Codex would make of it",
  description: "The body is the overlay text (empty: the group's draft). Findings point at the overlay's lines where the overlay wrote the key. Changes nothing.",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({ group, toml: z.string(), hostname: z.string().trim().min(1).max(253).optional() })),
  output: composition.extend({ baseVersion: z.number().int().nullable(), valid: z.boolean() }),
  http: { method: "POST", path: "/api/v1/orgs/{org}/groups/{group}/overlay/preview", body: "toml" },
  run: ({ group: name, toml, hostname }, ctx) => previewOverlay(db, ctx, name, toml === "" ? undefined : toml, { hostname }),
});

export const publishOverlayOp = defineOperation({
  name: "groups.overlay.publish",
  summary: "Publish a group's overlay draft",
  description: "Composed with every base version hosts are served, validated as one file (refused with findings named against the overlay's lines), signed for the group's hosts.",
  permission: "policy:publish",
  audit: "group.overlay.published",
  input: strictInput(publishSchema.omit({ rollout: true }).extend({ group })),
  output: overlayVersion,
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/groups/{group}/overlay/publish", status: 201 },
  run: ({ group: name, ...input }, ctx) => publishOverlay(db, ctx, name, input, ctx.request),
});

// Overlay change requests: opened, read and published here; approve, reject and withdraw are the base's
// (policy.changes.approve / reject / withdraw, by the request's number).

export const listOverlayChangesOp = defineOperation({
  name: "groups.overlay.changes.list",
  summary: "List a group's overlay change requests",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({ group, status: z.enum(["open", "closed"]).optional() })),
  output: z.object({ changeRequests: z.array(changeRequestSummaryResponse) }),
  http: { method: "GET", path: "/api/v1/orgs/{org}/groups/{group}/overlay/changes" },
  run: async ({ group: name, status }, ctx) => ({ changeRequests: await listOverlayChangeRequests(db, ctx, name, { status }) }),
});

export const createOverlayChangeOp = defineOperation({
  name: "groups.overlay.changes.create",
  summary: "Open a change request for a group's overlay draft",
  description: "Refused when a file the overlay composes with a served base would not load in Codex (findings named against the overlay's lines).",
  permission: "policy:edit",
  audit: "policy.change_request.opened",
  input: strictInput(createChangeRequestSchema.extend({ group })),
  output: changeRequestSummaryResponse,
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/groups/{group}/overlay/changes", status: 201 },
  run: ({ group: name, ...input }, ctx) => createOverlayChangeRequest(db, ctx, name, input, ctx.request),
});

export const getOverlayChangeOp = defineOperation({
  name: "groups.overlay.changes.get",
  summary: "Get an overlay change request with the composed file's verdict and diff over each served base",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({ group, number: z.coerce.number().int().positive() })),
  output: changeRequestResponse.omit({ restoredFromNumber: true, attachments: true, validation: true, diff: true, currentVersionNumber: true }).extend({
    group: z.string(),
    baseOverlayNumber: z.number().int().nullable(),
    currentOverlayNumber: z.number().int().nullable(),
    overlayDiff: policyDiff.describe("The overlay text's own diff against the overlay version it was compared with."),
    composed: z.array(
      z.object({
        baseVersion: z.number().int().nullable(),
        diff: policyDiff.describe("The group's composed file, current overlay → proposed overlay, over this base."),
        verdict: policyDiff.shape.wider.describe("PASS, WIDENS or REVIEW of the composed file."),
        valid: z.boolean(),
        findings: z.array(finding),
      }),
    ),
  }),
  http: { method: "GET", path: "/api/v1/orgs/{org}/groups/{group}/overlay/changes/{number}" },
  run: ({ group: name, number }, ctx) => getOverlayChangeRequest(db, ctx, name, number),
});

export const updateOverlayChangeOp = defineOperation({
  name: "groups.overlay.changes.update",
  summary: "Edit an overlay change request (withdraws every earlier decision)",
  description: "Title, note, the text from the group's newer overlay draft (`fromDraft`, checked as when opening) or the overlay version it compares with (`rebase`).",
  permission: "policy:edit",
  audit: "policy.change_request.updated",
  input: strictInput(updateChangeRequestSchema.extend({ group, number: z.coerce.number().int().positive() })),
  output: changeRequestSummaryResponse,
  errors: ["conflict"],
  http: { method: "PATCH", path: "/api/v1/orgs/{org}/groups/{group}/overlay/changes/{number}" },
  run: ({ group: name, number, ...input }, ctx) => updateOverlayChangeRequest(db, ctx, name, number, input, ctx.request),
});

export const publishOverlayChangeOp = defineOperation({
  name: "groups.overlay.changes.publish",
  summary: "Publish an approved overlay change request as the group's next overlay version",
  permission: "policy:publish",
  audit: "group.overlay.published",
  input: strictInput(z.object({ group, number: z.coerce.number().int().positive() })),
  output: overlayVersion,
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/groups/{group}/overlay/changes/{number}/publish", status: 201 },
  run: ({ group: name, number }, ctx) => publishOverlayChangeRequest(db, ctx, name, number, ctx.request),
});

export const listOverlayVersionsOp = defineOperation({
  name: "groups.overlay.versions",
  summary: "A group's published overlay versions, newest first",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({ group })),
  output: z.object({ versions: z.array(overlayVersion) }),
  http: { method: "GET", path: "/api/v1/orgs/{org}/groups/{group}/overlay/versions" },
  run: async ({ group: name }, ctx) => ({ versions: await listOverlayVersions(db, ctx, name) }),
});

export const effectiveOp = defineOperation({
  name: "groups.effective",
  summary: "The file a group or a host gets, each value with the layer (base or group) it came from",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({ group: group.optional(), host: z.string().trim().min(1).max(64).optional(), hostname: z.string().trim().min(1).max(253).optional() })),
  output: composition.extend({ group: z.string().nullable(), host: z.string().nullable(), baseVersion: z.number().int().nullable(), overlayVersion: z.number().int().nullable() }),
  http: { method: "GET", path: "/api/v1/orgs/{org}/effective" },
  run: (input, ctx) => effectiveFor(db, ctx, input),
});

export const listRolloutsOp = defineOperation({
  name: "rollouts.list",
  summary: "Rollouts, newest first",
  description: "A rollout starts by publishing with `rollout: {rings, gates}` (POST …/publish).",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({})),
  output: z.object({ rollouts: z.array(rolloutSummary) }),
  http: { method: "GET", path: "/api/v1/orgs/{org}/rollouts" },
  run: async (_input, ctx) => ({ rollouts: await listRollouts(db, ctx) }),
});

export const getRolloutOp = defineOperation({
  name: "rollouts.get",
  summary: "A rollout with its gates evaluated now, host counts per ring, adoption per version and its timeline",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({ version: versionParam })),
  output: rolloutResponse,
  http: { method: "GET", path: "/api/v1/orgs/{org}/rollouts/{version}" },
  run: ({ version }, ctx) => getRollout(db, ctx, version === "latest" ? undefined : version),
});

const step = (name: "pause" | "resume" | "promote" | "rollback", summary: string, run: typeof pauseRollout) =>
  defineOperation({
    name: `rollouts.${name}`,
    summary,
    permission: "policy:publish",
    audit: name === "pause" ? "rollout.paused" : name === "resume" ? "rollout.resumed" : name === "promote" ? "rollout.promoted" : "rollout.rolled_back",
    input: strictInput(rolloutActionSchema.extend({ version: z.coerce.number().int().positive() })),
    output: rolloutResponse,
    errors: ["conflict"],
    http: { method: "POST", path: `/api/v1/orgs/{org}/rollouts/{version}/${name}` },
    run: ({ version, ...input }, ctx) => run(db, ctx, version, input, ctx.request),
  });

export const pauseRolloutOp = step("pause", "Pause a rollout (hosts keep what they have; gates stop acting)", pauseRollout);
export const resumeRolloutOp = step("resume", "Resume a paused or timed-out rollout (the ring's soak clock restarts)", resumeRollout);
export const promoteRolloutOp = step("promote", "Move a rollout to its next ring now, whatever its gates say", promoteRollout);
export const rollbackRolloutOp = step("rollback", "Roll a rollout back: every host gets the previous version's text again, as a new version", rollbackRollout);

export const rolloutSettingsOp = defineOperation({
  name: "rollouts.settings",
  summary: "Promote a ring automatically when it passes its gates, or wait for an admin",
  permission: "org:manage",
  audit: "org.settings_updated",
  input: strictInput(rolloutSettingsSchema),
  output: rolloutSettingsSchema,
  http: { method: "PUT", path: "/api/v1/orgs/{org}/rollouts/settings" },
  run: (input, ctx) => updateRolloutSettings(db, ctx, input, ctx.request),
});

export const GROUP_OPERATIONS = [
  listGroupsOp,
  createGroupOp,
  getGroupOp,
  updateGroupOp,
  deleteGroupOp,
  getOverlayDraftOp,
  saveOverlayDraftOp,
  previewOverlayOp,
  publishOverlayOp,
  listOverlayChangesOp,
  createOverlayChangeOp,
  getOverlayChangeOp,
  updateOverlayChangeOp,
  publishOverlayChangeOp,
  listOverlayVersionsOp,
  effectiveOp,
  listRolloutsOp,
  rolloutSettingsOp,
  getRolloutOp,
  pauseRolloutOp,
  resumeRolloutOp,
  promoteRolloutOp,
  rollbackRolloutOp,
];
