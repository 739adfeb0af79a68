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
  version: z.number().int().positive().max(2_000_000_000).optional(),
  reason: line(500).optional(),
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
