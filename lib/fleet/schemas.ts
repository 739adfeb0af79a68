import { z } from "zod";

/**
 * The host <-> server protocol bodies (CONTRACTS.md, "Host <-> server protocol"), defined once: the check-in and
 * enrolment endpoints, the ingest and the tests import them from here.
 */

/** Request bodies of the agent endpoints are refused past this many bytes (413). */
export const MAX_AGENT_BODY_BYTES = 64 * 1024;

/** One printable line, trimmed and cut to `max` characters: what a host reports is shown in the console. */
const line = (max: number) =>
  z
    .string()
    .transform((s) => s.replace(/[\u0000-\u001f\u007f]+/g, " ").trim().slice(0, max));

const iso = z.iso.datetime({ offset: true, message: "Expected an ISO-8601 date-time" });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/i, "Expected a sha256 in hex").transform((s) => s.toLowerCase());

export const HOST_OS = ["linux", "darwin", "win32"] as const;

export const hostIdentitySchema = z.object({
  hostname: line(255).pipe(z.string().min(1, "hostname is required")),
  os: z.enum(HOST_OS),
  arch: line(32).pipe(z.string().min(1, "arch is required")),
  agentVersion: line(64).pipe(z.string().min(1, "agentVersion is required")),
  codexVersion: line(64).nullable(),
});
export type HostIdentity = z.output<typeof hostIdentitySchema>;

export const REPORTED_STATES = ["current", "failed", "drifted", "pending"] as const;
export type ReportedState = (typeof REPORTED_STATES)[number];
export const EVENT_STATES = ["installed", "failed", "drifted", "repaired", "codex_refused", "rolled_back"] as const;

export const checkInEventSchema = z.object({
  at: iso,
  state: z.enum(EVENT_STATES),
  version: z.number().int().positive().max(2_000_000_000).nullish(),
  reason: line(500).nullish(),
});

export const checkInSchema = hostIdentitySchema.extend({
  state: z.enum(REPORTED_STATES),
  installedVersion: z.number().int().positive().max(2_000_000_000).nullable(),
  installedSha256: sha256.nullable(),
  diskSha256: sha256.nullable(),
  lastCheckAt: iso,
  lastError: line(500).nullable(),
  events: z.array(checkInEventSchema).max(100, "At most 100 events per check-in").default([]),
});
export type CheckIn = z.output<typeof checkInSchema>;

export const enrollSchema = z.object({
  org: z.string().min(1, "org is required").max(100),
  secret: z.string().min(1, "secret is required").max(200),
  host: hostIdentitySchema,
});
export type EnrollRequest = z.output<typeof enrollSchema>;

/** What an admin sets when creating an enrolment secret. */
export const createEnrollmentSecretSchema = z.object({
  name: z.string().trim().min(1, "Give the secret a name").max(80, "At most 80 characters"),
  group: z
    .string()
    .trim()
    .max(60, "At most 60 characters")
    .regex(/^[\w.\- ]*$/, "Letters, digits, spaces, dots, dashes and underscores only")
    .nullish()
    .transform((g) => (g ? g : null)),
  /** null: any number of hosts until it expires. */
  maxUses: z.number().int().min(1, "At least 1 use").max(100_000, "At most 100000 uses").nullable().default(1),
  expiresInHours: z.number().int().min(1, "At least 1 hour").max(24 * 90, "At most 90 days").default(24 * 7),
});
export type CreateEnrollmentSecretInput = z.input<typeof createEnrollmentSecretSchema>;

export const orgAgentSettingsSchema = z.object({
  /** null: CHARTER_AGENT_POLL_SECONDS or the default. */
  pollSeconds: z.number().int().min(30, "At least 30 seconds").max(86_400, "At most 86400 seconds (a day)").nullable(),
});
