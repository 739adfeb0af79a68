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
const isoTime = (v: unknown) => {
  if (typeof v !== "string" || v.length !== 24) return false;
  const t = Date.parse(v);
  return t === t && new Date(t).toISOString() === v;
};
/** Each field of decisionLineSchema and a plain test that passes only values the schema accepts as they are. */
const PLAIN_FIELDS: Record<keyof DecisionLine, (v: unknown) => boolean> = {
  id: (v) => text(v, 200) && (v as string).length > 0,
  occurredAt: isoTime,
  conversationId: (v) => text(v, 200),
  callId: (v) => text(v, 200),
  turnId: (v) => textOrNull(v, 200),
  status: (v) => (DECISION_STATUSES as readonly unknown[]).includes(v),
  codexStatus: (v) => text(v, 60),
  outcome: (v) => textOrNull(v, 60),
  riskLevel: (v) => textOrNull(v, 60),
  userAuthorization: (v) => textOrNull(v, 60),
  rationale: (v) => text(v, 20_000),
  rationaleTruncated: (v) => typeof v === "boolean",
  durationMs: (v) => v === null || (Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 86_400_000),
  kind: (v) => text(v, 120) && (v as string).length > 0,
  toolName: (v) => textOrNull(v, 200),
  toolNamespace: (v) => textOrNull(v, 200),
  mcpServer: (v) => textOrNull(v, 200),
  arguments: () => true,
  toolSuccess: (v) => v === null || typeof v === "boolean",
  model: (v) => textOrNull(v, 200),
  codexVersion: (v) => textOrNull(v, 60),
  originator: (v) => textOrNull(v, 120),
  hostName: (v) => textOrNull(v, 255),
  policyVersion: (v) => v === null || (Number.isSafeInteger(v) && (v as number) >= 0),
  masked: (v) => Array.isArray(v) && v.length === 0,
  reviewRequest: (v) => v === undefined || textOrNull(v, 200_000),
};
const OPTIONAL_FIELDS = new Set(["reviewRequest"]);

/**
 * A quick yes for the common line, at half the cost of the schema's parse: true only when decisionLineSchema accepts
 * `value` exactly as it is (canonical UTC time, nothing masked yet). Everything else goes through the schema, which
 * gives the reasons; tests/unit/decisions/schemas.test.ts holds the two to agreement.
 */
export function isPlainDecisionLine(value: unknown): value is DecisionLine {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const line = value as Record<string, unknown>;
  let known = 0;
  for (const key of Object.keys(line)) {
    const test = Object.hasOwn(PLAIN_FIELDS, key) ? PLAIN_FIELDS[key as keyof DecisionLine] : null;
    if (!test || !test(line[key])) return false;
    if (!OPTIONAL_FIELDS.has(key)) known++;
  }
  return known === Object.keys(PLAIN_FIELDS).length - OPTIONAL_FIELDS.size;
}
