import { z } from "zod";
import { db } from "../db";
import { createEnrollmentSecret, listEnrollmentSecrets, revokeEnrollmentSecret, updateAgentSettings } from "../fleet/enroll";
import { listFleet, fleetFilterSchema } from "../fleet/hosts";
import { HOST_STATES } from "../fleet/states";
import { createEnrollmentSecretSchema, orgAgentSettingsSchema } from "../fleet/schemas";
import { deleteWebhook, saveWebhook, webhookSettingsSchema } from "../webhooks";
import { strictInput } from "./chain";
import { defineOperation } from "./define";

// Operations of the fleet: hosts, enrolment secrets, agent settings and the org webhook. The host-facing endpoints
// (enrol, check-in) authenticate with a secret or a host token, not a session, and live in app/api/v1/agent/.

const date = z.string().describe("ISO-8601");
const enrollmentSecretView = z.object({
  id: z.string(),
  name: z.string(),
  group: z.string().nullable(),
  prefix: z.string(),
  maxUses: z.number().int().nullable(),
  uses: z.number().int(),
  expiresAt: date,
  revokedAt: date.nullable(),
  lastUsedAt: date.nullable(),
  createdAt: date,
  createdBy: z.string().nullable(),
  status: z.enum(["active", "expired", "used up", "revoked"]),
});

export const listHostsOp = defineOperation({
  name: "fleet.hosts.list",
  summary: "List hosts (agent tokens) with their derived state and counts per state",
  description: "States: current, behind, failed, drifted, never (checked in), silent, revoked. Filters combine; counts ignore the state filter.",
  permission: "org:read",
  audit: null,
  input: strictInput(
    z.object({
      state: z.enum(HOST_STATES).optional(),
      group: z.string().max(60).optional(),
      os: z.string().max(20).optional(),
      codex: z.string().max(64).optional().describe("Codex version"),
      version: z.coerce.number().int().optional().describe("Installed version"),
      q: z.string().max(255).optional().describe("Hostname or token name contains"),
    }),
  ),
  output: z.object({
    currentVersion: z.number().int().nullable(),
    counts: z.record(z.enum(HOST_STATES), z.number().int()),
    hosts: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        group: z.string().nullable(),
        hostname: z.string().nullable(),
        os: z.string().nullable(),
        arch: z.string().nullable(),
        agentVersion: z.string().nullable(),
        codexVersion: z.string().nullable(),
        installedVersion: z.number().int().nullable(),
        lastError: z.string().nullable(),
        lastSeenAt: date.nullable(),
        state: z.enum(HOST_STATES),
        assigned: z
          .object({
            version: z.number().int().nullable().describe("The version this host is being served; \"behind\" compares with it."),
            group: z.string().nullable().describe("The group whose overlay it gets (null: none)."),
            ring: z.string().nullable().describe("Its ring of the active rollout (null: no rollout)."),
            reason: z.string().describe("Why this version, in one sentence."),
          })
          .describe("What the host should have: its group and rollout ring decide it."),
      }),
    ),
  }),
  http: { method: "GET", path: "/api/v1/orgs/{org}/hosts" },
  run: async (input, ctx) => {
    const fleet = await listFleet(db, ctx, fleetFilterSchema.parse(input));
    return {
      currentVersion: fleet.currentVersion,
      counts: fleet.counts,
      hosts: fleet.hosts.map((h) => ({
        id: h.id, name: h.name, group: h.group, hostname: h.hostname, os: h.os, arch: h.arch, agentVersion: h.agentVersion,
        codexVersion: h.codexVersion, installedVersion: h.installedVersion, lastError: h.lastError, lastSeenAt: h.lastSeenAt, state: h.state,
        assigned: h.assignment,
      })),
    };
  },
});

export const listEnrollmentSecretsOp = defineOperation({
  name: "fleet.enrollment_secrets.list",
  summary: "List enrolment secrets (never their values)",
  permission: "org:read",
  audit: null,
  input: strictInput(z.object({})),
  output: z.object({ enrollmentSecrets: z.array(enrollmentSecretView) }),
  http: { method: "GET", path: "/api/v1/orgs/{org}/enrollment-secrets" },
  run: async (_input, ctx) => ({ enrollmentSecrets: await listEnrollmentSecrets(db, ctx) }),
});

export const createEnrollmentSecretOp = defineOperation({
  name: "fleet.enrollment_secrets.create",
  summary: "Create an enrolment secret; its value is in this answer only",
  description: "`maxUses` null: any number of hosts until it expires (default 1). `expiresInHours` 1–2160 (default 168).",
  permission: "policy:publish",
  audit: "enrollment_secret.created",
  input: strictInput(createEnrollmentSecretSchema),
  output: z.object({ id: z.string(), name: z.string(), group: z.string().nullable(), maxUses: z.number().int().nullable(), expiresAt: date, secret: z.string() }),
  http: { method: "POST", path: "/api/v1/orgs/{org}/enrollment-secrets", status: 201 },
  run: async (input, ctx) => {
    const { enrollmentSecret: s, secret } = await createEnrollmentSecret(db, ctx, input, ctx.request);
    return { id: s.id, name: s.name, group: s.group, maxUses: s.maxUses, expiresAt: s.expiresAt, secret };
  },
});

export const revokeEnrollmentSecretOp = defineOperation({
  name: "fleet.enrollment_secrets.revoke",
  summary: "Revoke an enrolment secret (hosts already enrolled keep their tokens)",
  permission: "policy:publish",
  audit: "enrollment_secret.revoked",
  input: strictInput(z.object({ id: z.string().min(1).max(64) })),
  output: z.object({ revoked: z.literal(true) }),
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/enrollment-secrets/{id}/revoke" },
  run: async ({ id }, ctx) => {
    await revokeEnrollmentSecret(db, ctx, id, ctx.request);
    return { revoked: true as const };
  },
});

export const updateAgentSettingsOp = defineOperation({
  name: "fleet.settings.update",
  summary: "Set how often hosts check in (pollIntervalSeconds; null: the server default)",
  permission: "org:manage",
  audit: "org.agent_settings_updated",
  input: strictInput(orgAgentSettingsSchema),
  output: z.object({ pollSeconds: z.number().int().nullable() }),
  http: { method: "PUT", path: "/api/v1/orgs/{org}/agent-settings" },
  run: async (input, ctx) => {
    await updateAgentSettings(db, ctx, input, ctx.request);
    return { pollSeconds: input.pollSeconds };
  },
});

export const saveWebhookOp = defineOperation({
  name: "webhook.save",
  summary: "Set the org's webhook URL; a new webhook (or rotateSecret) answers its signing secret, once",
  permission: "org:manage",
  audit: "webhook.updated",
  input: strictInput(webhookSettingsSchema.extend({ rotateSecret: z.boolean().default(false) })),
  output: z.object({ secret: z.string().nullable() }),
  http: { method: "PUT", path: "/api/v1/orgs/{org}/webhook" },
  run: (input, ctx) => saveWebhook(db, ctx, input, ctx.request),
});

export const deleteWebhookOp = defineOperation({
  name: "webhook.delete",
  summary: "Remove the org's webhook (queued deliveries are dropped)",
  permission: "org:manage",
  audit: "webhook.deleted",
  input: strictInput(z.object({})),
  output: z.object({ deleted: z.literal(true) }),
  http: { method: "DELETE", path: "/api/v1/orgs/{org}/webhook" },
  run: async (_input, ctx) => {
    await deleteWebhook(db, ctx, ctx.request);
    return { deleted: true as const };
  },
});

export const FLEET_OPERATIONS = [listHostsOp, listEnrollmentSecretsOp, createEnrollmentSecretOp, revokeEnrollmentSecretOp, updateAgentSettingsOp, saveWebhookOp, deleteWebhookOp];
