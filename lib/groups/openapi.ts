import { z } from "zod";
import { createGroupSchema, updateGroupSchema } from "./index";
import { rolloutActionSchema, rolloutSettingsSchema } from "../rollouts";

/* OpenAPI paths of groups, overlays, the effective view and rollouts; spread into lib/policies/openapi.ts. */

type Json = Record<string, unknown>;

function schema(s: z.ZodType): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Json;
  return rest;
}

const error = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };
const errs = (...codes: number[]) =>
  Object.fromEntries([401, 404, ...codes].map((c) => [String(c), { description: { 401: "Not signed in", 403: "Not allowed", 404: "No such org, group or rollout", 409: "Conflict", 412: "Stale If-Match", 422: "Invalid body, or a composed file Codex would refuse (details.findings name the overlay's lines)", 428: "If-Match missing" }[c], content: error }]));
const ok = (description: string) => ({ description, content: { "application/json": { schema: { type: "object" } } } });
const body = (s: z.ZodType) => ({ required: true, content: { "application/json": { schema: schema(s) } } });
const tomlBody = { content: { "text/plain": { schema: { type: "string" } }, "application/toml": { schema: { type: "string" } } } };
const org = { name: "org", in: "path", required: true, schema: { type: "string" } };
const group = { name: "group", in: "path", required: true, schema: { type: "string" }, description: "Group name (URL-encoded)." };
const version = { name: "version", in: "path", required: true, schema: { type: "string" }, description: "The rolled-out version number, or `latest`." };
const note = z.object({ note: z.string(), baseRevision: z.number().int().optional() });

export function groupsPaths(base: string): Record<string, Json> {
  return {
    [`${base}/groups`]: {
      parameters: [org],
      get: { summary: "List groups (highest priority first) with member counts", responses: { 200: ok("Groups"), ...errs() } },
      post: { summary: "Create a group (members by enrolment/token name and by rules on OS, Codex version, host name)", requestBody: body(createGroupSchema), responses: { 201: ok("The group"), ...errs(403, 409, 422) } },
    },
    [`${base}/groups/{group}`]: {
      parameters: [org, group],
      get: { summary: "Get a group", responses: { 200: ok("The group"), ...errs() } },
      patch: { summary: "Change a group's description, priority or rules", requestBody: body(updateGroupSchema), responses: { 200: ok("The group"), ...errs(403, 422) } },
      delete: { summary: "Delete a group and its overlay", responses: { 204: { description: "Deleted" }, ...errs(403) } },
    },
    [`${base}/groups/{group}/overlay/draft`]: {
      parameters: [org, group],
      get: { summary: "Get the group's overlay draft (ETag: revision)", responses: { 200: ok("The overlay draft"), ...errs() } },
      put: {
        summary: "Replace the overlay draft",
        parameters: [{ name: "If-Match", in: "header", required: true, schema: { type: "string" } }],
        requestBody: tomlBody,
        responses: { 200: ok("Saved"), ...errs(403, 412, 413, 428) },
      },
    },
    [`${base}/groups/{group}/overlay/preview`]: {
      parameters: [org, group, { name: "hostname", in: "query", schema: { type: "string" } }],
      post: { summary: "Compose an overlay (body, or the draft when empty) over the current base; findings name the overlay's lines", requestBody: tomlBody, responses: { 200: ok("The composition"), ...errs(422) } },
    },
    [`${base}/groups/{group}/overlay/publish`]: {
      parameters: [org, group],
      post: { summary: "Publish the overlay draft: composed with the base, validated as one file, signed for the group", requestBody: body(note), responses: { 201: ok("The overlay version"), ...errs(403, 409, 422) } },
    },
    [`${base}/groups/{group}/overlay/versions`]: {
      parameters: [org, group],
      get: { summary: "The group's published overlay versions, newest first", responses: { 200: ok("Overlay versions"), ...errs() } },
    },
    [`${base}/effective`]: {
      parameters: [org, ...["group", "host", "hostname"].map((name) => ({ name, in: "query", schema: { type: "string" } }))],
      get: { summary: "The effective requirements of a group or a host, each value with the layer (base or group) it came from", responses: { 200: ok("Effective view"), ...errs(422) } },
    },
    [`${base}/rollouts`]: {
      parameters: [org],
      get: { summary: "Rollouts, newest first (start one by publishing with `rollout`)", responses: { 200: ok("Rollouts"), ...errs() } },
    },
    [`${base}/rollouts/settings`]: {
      parameters: [org],
      put: { summary: "Promote automatically when a ring passes its gates, or wait for an admin", requestBody: body(rolloutSettingsSchema), responses: { 200: ok("Settings"), ...errs(403, 422) } },
    },
    [`${base}/rollouts/{version}`]: {
      parameters: [org, version],
      get: { summary: "A rollout with its gates evaluated now, ring host counts, adoption per version and timeline", responses: { 200: ok("The rollout"), ...errs() } },
    },
    [`${base}/rollouts/{version}/{action}`]: {
      parameters: [org, version, { name: "action", in: "path", required: true, schema: { type: "string", enum: ["pause", "resume", "promote", "rollback"] } }],
      post: { summary: "Pause, resume, promote or roll back a rollout by hand", requestBody: body(rolloutActionSchema), responses: { 200: ok("The rollout"), ...errs(403, 409, 422) } },
    },
  };
}
