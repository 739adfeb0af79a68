import { z } from "zod";

/*
 * Every kind of audit event, once: its target type and the schema of its `meta` payload. recordAudit accepts only
 * these types and checks the payload against the schema, so a reader of the log (or a SIEM) can rely on the shape.
 * Adding an event: one entry here, then call recordAudit with it inside the transaction of the change.
 * `diff` stays a free field-level diff ({ field: { before, after } }); secrets in it are redacted on write.
 */

const str = z.string();
const changeSummary = z.object({
  changes: z.array(str),
  changeCount: z.number().int(),
  linesAdded: z.number().int(),
  linesRemoved: z.number().int(),
  wider: z.enum(["PASS", "WIDENS", "REVIEW"]),
  widerReasons: z.array(str),
});
const none = z.null();
// A published version: its note, the change request it came from, the rollout rings it starts, the rollout it undoes.
const published = z.object({
  note: str,
  changeRequest: z.number().int().optional(),
  approvedBy: z.array(str).optional(),
  rollout: z.array(str).optional(),
  rollbackOf: z.number().int().optional(),
});
const email = z.object({ email: str });

function event<T extends string, M extends z.ZodType>(target: T | null, meta: M) {
  return { target, meta };
}

export const AUDIT_EVENTS = {
  // Sign-in and sessions (lib/auth): written to every chain of the user's orgs, else the global chain.
  "auth.signin": event("user", z.object({ method: z.enum(["local", "oidc"]), userCreated: z.boolean().optional(), accountLinked: z.boolean().optional() })),
  // `attempt` is absent on failures recorded before attempts were tagged (the throttle counts those per request id).
  "auth.signin_failed": event("user", z.object({ method: z.enum(["local", "oidc"]), reason: str, attempt: str.optional(), detail: str.optional(), email: str.optional() })),
  "auth.signout": event("user", z.object({})),
  // An authenticated actor was refused a privileged operation (lib/ops/chain.ts).
  "access.denied": event("operation", z.object({ operation: str, permission: str, reason: str })),

  "org.created": event("organization", z.object({ owner: str })),
  "org.settings_updated": event("organization", none),
  "member.invited": event("invitation", z.object({ replacedPendingInvitations: z.number().int() }).nullable()),
  "member.invitation_revoked": event("invitation", email),
  "member.joined": event("user", z.object({ email: str, invitationId: str, accountCreated: z.boolean() })),
  "member.role_changed": event("user", email),
  "member.removed": event("user", email),
  "token.created": event("api_token", z.object({ via: z.literal("command line") }).nullable()),
  "token.revoked": event("api_token", none),
  "agent_token.created": event("agent_token", none),
  "agent_token.revoked": event("agent_token", none),
  // Fleet (lib/fleet): enrolment, hosts changing to drifted or failed (actor: the host's token), agent settings.
  "enrollment_secret.created": event("enrollment_secret", none),
  "enrollment_secret.revoked": event("enrollment_secret", none),
  "agent.enrolled": event("agent_token", z.object({ os: str, arch: str, agentVersion: str, codexVersion: str.nullable() })),
  "agent.host.drifted": event("agent_token", z.object({ hostname: str, reason: str.nullable(), installedVersion: z.number().int().nullable(), diskSha256: str.nullable(), installedSha256: str.nullable() })),
  "agent.host.failed": event("agent_token", z.object({ hostname: str, reason: str.nullable(), installedVersion: z.number().int().nullable(), diskSha256: str.nullable(), installedSha256: str.nullable() })),
  "org.agent_settings_updated": event("organization", none),
  // The org's outgoing webhook (lib/webhooks).
  "webhook.created": event("webhook", none),
  "webhook.updated": event("webhook", none),
  "webhook.deleted": event("webhook", none),
  "signing_key.created": event("signing_key", none),
  "signing_key.activated": event("signing_key", z.object({ retiredKeyServedUntil: str }).nullable()),
  "signing_key.retired": event("signing_key", none),

  "policy.draft.saved": event("draft", changeSummary.extend({ restoredFrom: z.number().int().optional() })),
  "policy.published": event(
    "policy_version",
    published.extend(changeSummary.partial().shape),
  ),
  "policy.restored": event(
    "policy_version",
    published.extend({ restoredFrom: z.number().int() }).extend(changeSummary.partial().shape),
  ),
  "policy.change_request.opened": event("change_request", changeSummary.extend({ note: str, restoredFrom: z.number().int().optional(), group: str.optional().describe("Set when the request proposes a group's overlay.") })),
  "policy.change_request.updated": event("change_request", changeSummary.partial().extend({ withdrawnDecisions: z.number().int(), group: str.optional().describe("Set when the request proposes a group's overlay.") })),
  "policy.change_request.approved": event("change_request", z.object({ comment: str, revision: z.number().int(), sha256: str })),
  "policy.change_request.rejected": event("change_request", z.object({ comment: str, revision: z.number().int(), sha256: str })),
  "policy.change_request.withdrawn": event("change_request", none),
  "policy.change_request.evidence_attached": event("change_request", none),

  // Groups, overlays and staged rollouts (lib/groups, lib/rollouts).
  "group.created": event("group", none),
  "group.updated": event("group", none),
  "group.deleted": event("group", z.object({ overlayVersion: z.number().int().nullable() })),
  "group.overlay.published": event(
    "group",
    changeSummary.partial().extend({
      group: str,
      note: str,
      baseVersions: z.array(z.number().int()),
      changeRequest: z.number().int().optional().describe("The overlay change request it shipped."),
      approvers: z.array(str).optional(),
    }),
  ),
  "rollout.promoted": event("rollout", z.object({ version: z.number().int(), ring: str, gate: z.unknown() })),
  "rollout.completed": event("rollout", z.object({ version: z.number().int(), ring: str, gate: z.unknown() })),
  "rollout.paused": event("rollout", z.object({ version: z.number().int(), ring: str, reason: str.nullable() })),
  "rollout.resumed": event("rollout", z.object({ version: z.number().int(), ring: str, reason: str.nullable() })),
  "rollout.rolled_back": event("rollout", z.object({ version: z.number().int(), ring: str, reason: str, rollbackVersion: z.number().int().nullable(), gate: z.unknown() })),
  "rollout.halted": event("rollout", z.object({ version: z.number().int(), ring: str, reason: str, rollbackVersion: z.number().int().nullable(), gate: z.unknown() })),
  "rollout.timed_out": event("rollout", z.object({ version: z.number().int(), ring: str, reason: str.optional() })),

  "audit.exported": event("audit_log", z.object({ format: z.enum(["jsonl", "csv"]), filter: z.record(str, z.unknown()) })),

  "sandbox.provider_updated": event("sandbox_provider", z.object({ baseUrlChange: str }).nullable()),
  "sandbox.run_started": event(
    "sandbox_run",
    z.object({ policy: str, policySha256: str, provider: str, baseUrl: str.nullable().optional(), model: str.nullable().optional(), samples: z.number().int(), repeat: z.number().int() }),
  ),
  "sandbox.samples_seeded": event("sandbox_samples", z.object({ count: z.number().int() })),
  "sandbox.sample_created": event("sandbox_sample", none),
  "sandbox.sample_updated": event("sandbox_sample", none),
  "sandbox.sample_deleted": event("sandbox_sample", none),
  "sandbox.samples_imported": event("sandbox_samples", z.object({ created: z.number().int(), replaced: z.number().int(), skipped: z.number().int(), mode: str, names: z.array(str) })),

  // Decisions (lib/decisions): collection/retention/masking settings, OTLP ingest keys, replays and alerts.
  "decisions.settings.updated": event("decision_settings", none),
  "decisions.ingest_key.created": event("decision_ingest_key", none),
  "decisions.ingest_key.revoked": event("decision_ingest_key", none),
  "decisions.otlp_export.created": event("otlp_export", none),
  "decisions.otlp_export.updated": event("otlp_export", none),
  "decisions.otlp_export.deleted": event("otlp_export", none),
  "decisions.replay_started": event(
    "sandbox_run",
    z.object({ policy: str, policySha256: str, provider: str, model: str.nullable().optional(), lastN: z.number().int(), replayed: z.number().int(), skipped: z.number().int() }),
  ),
  "decisions.alert": event("decision_alert", z.object({ kind: z.enum(["deny_rate", "fail_closed_rate", "silent_host"]), subject: str, detail: str })),
} as const;

export type AuditEventType = keyof typeof AUDIT_EVENTS;
export const AUDIT_EVENT_TYPES = Object.keys(AUDIT_EVENTS) as AuditEventType[];
/** The `meta` payload an event of type T carries (null when it carries none). */
export type AuditMeta<T extends AuditEventType> = z.input<(typeof AUDIT_EVENTS)[T]["meta"]>;
export type AuditTargetType<T extends AuditEventType> = NonNullable<(typeof AUDIT_EVENTS)[T]["target"]>;

export function isAuditEventType(value: string): value is AuditEventType {
  return Object.hasOwn(AUDIT_EVENTS, value);
}
