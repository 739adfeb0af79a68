import { z } from "zod";
import { DECISION_STATUSES, checkMaskRules } from "../../packages/agent/src/relay/records";

/** Limits of the ingest endpoints: compressed body, decompressed body, one NDJSON line, lines per batch. */
export const INGEST_LIMITS = { bodyBytes: 4 * 1024 * 1024, inflatedBytes: 32 * 1024 * 1024, lineBytes: 256 * 1024, lines: 20_000 } as const;

const shortText = (max: number) => z.string().max(max, `At most ${max} characters`);
const nullableText = (max: number) => shortText(max).nullable();

/**
 * One line of `POST /api/v1/agent/decisions`: one decision as the relay joined and masked it (the `Decision` of
 * packages/agent/src/relay/records.ts). Strict: a line naming an org or any unknown field is refused, since the org
 * comes from the token alone.
 */
export const decisionLineSchema = z.strictObject({
  id: z.string().min(1, "id is required").max(200),
  occurredAt: z.iso.datetime({ offset: true, message: "occurredAt must be an ISO-8601 date-time" }),
  conversationId: shortText(200),
  callId: shortText(200),
  turnId: nullableText(200),
  status: z.enum(DECISION_STATUSES, { message: `status must be one of ${DECISION_STATUSES.join(", ")}` }),
  codexStatus: shortText(60),
  outcome: nullableText(60),
  riskLevel: nullableText(60),
  userAuthorization: nullableText(60),
  rationale: shortText(20_000),
  rationaleTruncated: z.boolean(),
  durationMs: z.number().int().min(0).max(86_400_000).nullable(),
  kind: shortText(120).min(1),
  toolName: nullableText(200),
  toolNamespace: nullableText(200),
  mcpServer: nullableText(200),
  arguments: z.unknown(),
  toolSuccess: z.boolean().nullable(),
  model: nullableText(200),
  codexVersion: nullableText(60),
  originator: nullableText(120),
  hostName: nullableText(255),
  policyVersion: z.number().int().min(0).nullable(),
  masked: z.array(z.strictObject({ path: shortText(500), rule: shortText(200), count: z.number().int().min(1) })).max(1000),
  /** The exact reviewer request from the reviewer's session file (relays send it when the org asks for it). */
  reviewRequest: shortText(200_000).nullable().optional(),
});
export type DecisionLine = z.infer<typeof decisionLineSchema>;

export const maskRulesSchema = z
  .object({
    patterns: z.array(z.strictObject({ name: z.string().trim().min(1).max(60).regex(/^[\w.-]+$/, "Letters, digits, dots, dashes and underscores only"), pattern: z.string().min(1).max(500) })).max(50),
    jsonPaths: z.array(z.string().trim().min(1).max(200)).max(50),
  })
  .superRefine((rules, ctx) => {
    for (const message of checkMaskRules(rules)) ctx.addIssue({ code: "custom", message });
  });

export const decisionSettingsSchema = z.strictObject({
  collect: z.boolean(),
  relayPort: z.number().int().min(1024, "Use a port from 1024 to 65535").max(65535, "Use a port from 1024 to 65535"),
  retentionDays: z.number().int().min(1, "Keep decisions at least 1 day").max(3650, "At most 3650 days"),
  mask: maskRulesSchema,
  /** Full replay fidelity: relays attach the exact reviewer request, read from Codex's session files. */
  exactRequests: z.boolean().default(false),
});
export type DecisionSettingsInput = z.input<typeof decisionSettingsSchema>;

/** Filters of the Decisions page and its API: all optional, combined with AND. */
export const decisionFilterSchema = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  status: z.enum(DECISION_STATUSES).optional(),
  riskLevel: z.string().max(60).optional(),
  kind: z.string().max(120).optional(),
  group: z.string().max(60).optional(),
  host: z.string().max(255).optional(),
  model: z.string().max(200).optional(),
  policyVersion: z.coerce.number().int().min(0).optional(),
  q: z.string().max(200).optional(),
});
export type DecisionFilter = z.infer<typeof decisionFilterSchema>;

const text = (v: unknown, max: number) => typeof v === "string" && v.length <= max;
const textOrNull = (v: unknown, max: number) => v === null || text(v, max);
const nonEmpty = (v: unknown, max: number) => text(v, max) && (v as string).length > 0;
const intIn = (v: unknown, max: number) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= max;
const STATUSES: readonly unknown[] = DECISION_STATUSES;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** The number spelled by the ASCII digits v[from, to), or NaN. */
function digits(v: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}
/**
 * The time of a canonical UTC ISO-8601 string (what toISOString writes, as the relay sends it: 2026-11-27T10:33:12.105Z),
 * else NaN. Read by hand: Date.parse and toISOString to check the round trip cost more than the rest of the line's check.
 */
export function canonicalTime(v: unknown): number {
  if (typeof v !== "string" || v.length !== 24 || v[4] !== "-" || v[7] !== "-" || v[10] !== "T" || v[13] !== ":" || v[16] !== ":" || v[19] !== "." || v[23] !== "Z") return NaN;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 7);
  const day = digits(v, 8, 10);
  const hour = digits(v, 11, 13);
  const minute = digits(v, 14, 16);
  const second = digits(v, 17, 19);
  const ms = digits(v, 20, 23);
  if (!(year >= 1000 && month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59 && ms >= 0)) return NaN;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0)) return NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}
// The fields decisionLineSchema requires (all but reviewRequest).
const REQUIRED_FIELDS = Object.keys(decisionLineSchema.shape).length - 1;

/**
 * The quick check of the common line, at a fraction of the cost of the schema's parse: the time of `occurredAt` in
 * ms when decisionLineSchema accepts `value` exactly as it is (canonical UTC time, nothing masked yet), NaN otherwise. Everything else goes
 * through the schema, which gives the reasons; tests/unit/decisions/schemas.test.ts holds the two to agreement.
 */
export function plainDecisionLineTime(value: unknown): number {
  if (!value || typeof value !== "object" || Array.isArray(value)) return NaN;
  const l = value as Record<string, unknown>;
  // Every test below refuses a missing field (but `arguments`, which may hold anything), so with the right number of
  // own keys there is none the schema does not know.
  const optional = Object.hasOwn(l, "reviewRequest") ? 1 : 0;
  if (Object.keys(l).length !== REQUIRED_FIELDS + optional || !Object.hasOwn(l, "arguments")) return NaN;
  const ok =
    nonEmpty(l.id, 200) &&
    text(l.conversationId, 200) &&
    text(l.callId, 200) &&
    textOrNull(l.turnId, 200) &&
    STATUSES.includes(l.status) &&
    text(l.codexStatus, 60) &&
    textOrNull(l.outcome, 60) &&
    textOrNull(l.riskLevel, 60) &&
    textOrNull(l.userAuthorization, 60) &&
    text(l.rationale, 20_000) &&
    typeof l.rationaleTruncated === "boolean" &&
    (l.durationMs === null || intIn(l.durationMs, 86_400_000)) &&
    nonEmpty(l.kind, 120) &&
    textOrNull(l.toolName, 200) &&
    textOrNull(l.toolNamespace, 200) &&
    textOrNull(l.mcpServer, 200) &&
    (l.toolSuccess === null || typeof l.toolSuccess === "boolean") &&
    textOrNull(l.model, 200) &&
    textOrNull(l.codexVersion, 60) &&
    textOrNull(l.originator, 120) &&
    textOrNull(l.hostName, 255) &&
    (l.policyVersion === null || intIn(l.policyVersion, Number.MAX_SAFE_INTEGER)) &&
    Array.isArray(l.masked) &&
    l.masked.length === 0 &&
    (l.reviewRequest === undefined || textOrNull(l.reviewRequest, 200_000));
  return ok ? canonicalTime(l.occurredAt) : NaN;
}

/** True only when decisionLineSchema accepts `value` exactly as it is (see plainDecisionLineTime). */
export function isPlainDecisionLine(value: unknown): value is DecisionLine {
  return !Number.isNaN(plainDecisionLineTime(value));
}
