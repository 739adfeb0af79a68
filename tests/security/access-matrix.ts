/**
 * THE access matrix: every route handler method (app/**\/route.ts), every operation (lib/ops, derived rows) and every
 * server action (each export of a "use server" file) with what it requires and what each principal gets. Consumers:
 *   - tests/security/matrix-coverage.test.ts fails when app/ or lib/ has a route method or action that is not here (or
 *     this table names one that is gone);
 *   - tests/security/access-matrix.integration.test.ts calls every operation's route and every derived action as each
 *     principal against a real database and checks the outcome;
 *   - tests/e2e/access-matrix.spec.ts calls every route over HTTP as each principal and checks the status codes.
 * Adding a route or action? Add its row here; the suite fails until you do.
 */
import { ROLES, type Permission } from "../../lib/auth/actor";
import { OPERATIONS, type AnyOperation } from "../../lib/ops";
import { acceptInvitationOp, createAccountAndAcceptOp, createOrganizationOp } from "../../lib/ops/account";
import {
  approveChangeRequestOp,
  createChangeRequestOp,
  publishChangeRequestOp,
  publishOp,
  rejectChangeRequestOp,
  restoreVersionOp,
  saveDraftOp,
  updateChangeRequestOp,
  validateOp,
  withdrawChangeRequestOp,
} from "../../lib/ops/policy";
import { createGroupOp, deleteGroupOp, pauseRolloutOp, previewOverlayOp, promoteRolloutOp, publishOverlayOp, resumeRolloutOp, rollbackRolloutOp, rolloutSettingsOp, saveOverlayDraftOp, updateGroupOp, createOverlayChangeOp, updateOverlayChangeOp, publishOverlayChangeOp } from "../../lib/ops/groups";
import {
  addDecisionToSamplesOp,
  createIngestKeyOp,
  deleteOtlpExportOp,
  draftReplayOp,
  replayDecisionInSandboxOp,
  revokeIngestKeyOp,
  saveDecisionSettingsOp,
  saveOtlpExportOp,
  setGroupCollectionOp,
  startReplayOp,
} from "../../lib/ops/decisions";
import { attachEvidenceOp, createSampleOp, deleteSampleOp, importSamplesOp, saveProviderOp, startRunOp, updateSampleOp } from "../../lib/ops/sandbox";
import {
  activateSigningKeyOp,
  changeRoleOp,
  createAgentTokenOp,
  createSigningKeyOp,
  createTokenOp,
  inviteMemberOp,
  removeMemberOp,
  retireSigningKeyOp,
  revokeAgentTokenOp,
  revokeInvitationOp,
  revokeTokenOp,
  updateOrgSettingsOp,
} from "../../lib/ops/settings";
import { createEnrollmentSecretOp, deleteWebhookOp, revokeEnrollmentSecretOp, saveWebhookOp, updateAgentSettingsOp } from "../../lib/ops/fleet";

/** Every role (lib/auth/actor.ts ROLES): a new role is a principal of the matrix without another list to edit. */
export const ROLE_PRINCIPALS = ROLES;
/** A signed-in member of a different org (must learn nothing: 404, like a missing org). */
export const USER_PRINCIPALS = [...ROLE_PRINCIPALS, "otherOrg", "anonymous"] as const;
/** Admin API tokens of the org, one per scope (routes only: tokens cannot call server actions). */
export const TOKEN_PRINCIPALS = ["token:read", "token:write", "token:publish"] as const;
export const PRINCIPALS = [...USER_PRINCIPALS, ...TOKEN_PRINCIPALS] as const;

export type UserPrincipal = (typeof USER_PRINCIPALS)[number];
export type TokenPrincipal = (typeof TOKEN_PRINCIPALS)[number];
export type Principal = (typeof PRINCIPALS)[number];

export type Outcome = "allow" | "forbidden" | "not_found" | "unauthenticated";
export const STATUS: Record<Exclude<Outcome, "allow">, number> = { forbidden: 403, not_found: 404, unauthenticated: 401 };

/**
 * What a row needs: an org permission (checked by the operation chain, lib/ops/chain.ts, or requireOrg), "signed-in" (any session, no
 * org yet, e.g. creating an org), "public" (sign-in itself, health, an invitation link's own secret), or "agent-token"
 * (the bundle and decisions endpoints: only an org's agent token opens them; sessions and admin API tokens are refused
 * with 401), or "ingest-key" (OTLP /v1/logs: only a write-only decisions ingest key, chk_…).
 */
export type Requirement = Permission | "signed-in" | "public" | "agent-token" | "ingest-key";

const A = "allow" as const;
const F = "forbidden" as const;
const N = "not_found" as const;
const U = "unauthenticated" as const;

/**
 * DESIGN.md "Roles" written out as outcomes, independently of lib/auth/actor.ts, so that a change of the grants there
 * fails here instead of silently widening access. owner: everything; admin: edit + publish + export, not approve, not
 * manage; approver: approve; auditor: read + export; viewer: read. Tokens: read → read + export, write → edit,
 * publish → publish; never approve or manage.
 */
export const PROFILES: Record<Requirement, Record<Principal, Outcome>> = {
  "org:read": { owner: A, admin: A, approver: A, auditor: A, viewer: A, otherOrg: N, anonymous: U, "token:read": A, "token:write": A, "token:publish": A },
  "policy:edit": { owner: A, admin: A, approver: F, auditor: F, viewer: F, otherOrg: N, anonymous: U, "token:read": F, "token:write": A, "token:publish": F },
  "policy:publish": { owner: A, admin: A, approver: F, auditor: F, viewer: F, otherOrg: N, anonymous: U, "token:read": F, "token:write": F, "token:publish": A },
  "policy:approve": { owner: A, admin: F, approver: A, auditor: F, viewer: F, otherOrg: N, anonymous: U, "token:read": F, "token:write": F, "token:publish": F },
  "audit:export": { owner: A, admin: A, approver: F, auditor: A, viewer: F, otherOrg: N, anonymous: U, "token:read": A, "token:write": F, "token:publish": F },
  "org:manage": { owner: A, admin: F, approver: F, auditor: F, viewer: F, otherOrg: N, anonymous: U, "token:read": F, "token:write": F, "token:publish": F },
  "signed-in": { owner: A, admin: A, approver: A, auditor: A, viewer: A, otherOrg: A, anonymous: U, "token:read": U, "token:write": U, "token:publish": U },
  "agent-token": { owner: U, admin: U, approver: U, auditor: U, viewer: U, otherOrg: U, anonymous: U, "token:read": U, "token:write": U, "token:publish": U },
  "ingest-key": { owner: U, admin: U, approver: U, auditor: U, viewer: U, otherOrg: U, anonymous: U, "token:read": U, "token:write": U, "token:publish": U },
  public: { owner: A, admin: A, approver: A, auditor: A, viewer: A, otherOrg: A, anonymous: A, "token:read": A, "token:write": A, "token:publish": A },
};

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface RouteRow {
  kind: "route";
  /** The operation (lib/ops) this row is derived from; its route is the API's one catch-all route file. */
  operation?: string;
  /** Path of the route file from the repo root, e.g. "app/api/health/route.ts". */
  file: string;
  method: HttpMethod;
  requires: Requirement;
  expect: Record<Principal, Outcome>;
  /**
   * The concrete request the browser tests send: `{org}` is replaced by the org under test. Mutating routes send a
   * body that passes authorisation but fails validation, so "allow" is proven without changing anything.
   */
  probe: { path: string; body?: string; contentType?: string; headers?: Record<string, string> };
  /** Statuses that count as "allow" for this probe (default: 200 for GET/HEAD, any non-auth 2xx–4xx otherwise). */
  allowStatus?: number[];
  /** Required for public rows: why nobody needs to be signed in. */
  why?: string;
}

export interface ActionRow {
  kind: "action";
  /** The "use server" file from the repo root. */
  file: string;
  /** The exported async function. */
  name: string;
  /** The operation (lib/ops) the action is derived from (`serverAction(op)`); tests/unit/ops.test.ts checks the link. */
  operation?: string;
  requires: Requirement;
  expect: Record<UserPrincipal, Outcome>;
  why?: string;
}

export type MatrixRow = RouteRow | ActionRow;

function route(file: string, method: HttpMethod, requires: Requirement, probe: RouteRow["probe"], extra: Partial<Pick<RouteRow, "allowStatus" | "why">> & { expect?: Partial<Record<Principal, Outcome>> } = {}): RouteRow {
  return { kind: "route", file, method, requires, probe, expect: { ...PROFILES[requires], ...extra.expect }, allowStatus: extra.allowStatus, why: extra.why };
}

function action(file: string, name: string, requires: Requirement, extra: { why?: string; expect?: Partial<Record<UserPrincipal, Outcome>> } = {}): ActionRow {
  const { "token:read": _r, "token:write": _w, "token:publish": _p, ...users } = PROFILES[requires];
  return { kind: "action", file, name, requires, expect: { ...users, ...extra.expect }, why: extra.why };
}

/** Where every operation's HTTP route lives (lib/ops/http.ts dispatches on method and path). */
export const OPERATIONS_ROUTE = "app/api/v1/[...path]/route.ts";

/**
 * The row of an operation, derived from its definition: its permission's profile, probed with the operation's path
 * (parameters "1") and an unknown query field, which every operation's strict input refuses once the guard let the
 * caller through: "allow" shows as 422 (or 428 for an If-Match the probe does not send), and nothing runs.
 */
export function operationRow(op: AnyOperation): RouteRow {
  const path = op.http.path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === "org" ? "{org}" : "1"));
  return {
    kind: "route",
    operation: op.name,
    file: OPERATIONS_ROUTE,
    method: op.http.method,
    requires: op.permission as Requirement,
    probe: { path: `${path}?${PROBE_FIELD}=1` },
    expect: { ...PROFILES[op.permission as Requirement] },
    allowStatus: [422, 428],
    why: op.permission === "public" ? op.description : undefined,
  };
}

/** A field no operation takes: the probe's way of failing validation after the guard. */
export const PROBE_FIELD = "matrixProbe";

/** The row of a console action derived from an operation: the operation's permission, for session users. */
function operationAction(file: string, name: string, op: AnyOperation): ActionRow {
  return { ...action(file, name, op.permission as Requirement, { why: op.permission === "public" ? op.description : undefined }), operation: op.name };
}

const POLICY = "lib/ops/policy-actions.ts";
const SETTINGS = "app/o/[org]/settings/actions.ts";
const INVITE = "app/invite/[secret]/actions.ts";
const SANDBOX = "app/o/[org]/sandbox/actions.ts";
const DECISIONS = "app/o/[org]/decisions/actions.ts";

export const ACCESS_MATRIX: MatrixRow[] = [
  // ── Every operation of lib/ops (the admin API and the console's actions derived from it) ──────────────────────
  ...OPERATIONS.map(operationRow),

  // ── Public infrastructure ──────────────────────────────────────────────────────────────────────────────────────
  route("app/api/health/route.ts", "GET", "public", { path: "/api/health" }, { why: "Load balancer probe; says only up/down." }),
  route("app/api/auth/[...nextauth]/route.ts", "GET", "public", { path: "/api/auth/providers" }, { why: "Auth.js endpoints: signing in cannot require being signed in." }),
  route("app/api/auth/[...nextauth]/route.ts", "POST", "public", { path: "/api/auth/signout", body: "", contentType: "application/x-www-form-urlencoded" }, {
    why: "Auth.js endpoints (CSRF-protected by Auth.js itself).",
    allowStatus: [200, 302, 303],
  }),

  // ── Agent hosts: the signed bundle needs an agent token (cha_…); no console principal holds one, so all get 401.
  //    The JWKS is public: it holds public keys only, and hosts verifying bundles have no session. ─────────────
  route("app/api/v1/agent/bundle/route.ts", "GET", "agent-token", { path: "/api/v1/agent/bundle" }, { why: "Agent token auth (lib/bundles/serve.ts), not orgRoute." }),
  route("app/api/v1/agent/decisions/route.ts", "GET", "agent-token", { path: "/api/v1/agent/decisions" }, { why: "Agent token auth (lib/decisions/ingest.ts), not orgRoute." }),
  route("app/api/v1/agent/decisions/route.ts", "POST", "agent-token", { path: "/api/v1/agent/decisions", body: "" }, { why: "Agent token auth (lib/decisions/ingest.ts), not orgRoute." }),
  route("app/v1/logs/route.ts", "POST", "ingest-key", { path: "/v1/logs", body: "{}", contentType: "application/json" }, { why: "OTLP/HTTP with a write-only ingest key (lib/decisions/ingest.ts), not orgRoute." }),
  route("app/api/v1/agent/checkin/route.ts", "POST", "agent-token", { path: "/api/v1/agent/checkin", body: "{}", contentType: "application/json" }, { why: "Agent token auth (lib/fleet/ingest.ts), not orgRoute." }),
  route("app/api/v1/agent/enroll/route.ts", "POST", "public", { path: "/api/v1/agent/enroll", body: "{}", contentType: "application/json" }, {
    why: "A host has no session or token yet: the enrolment secret in the body is the credential (lib/fleet/enroll.ts).",
    allowStatus: [422],
  }),
  route("app/api/v1/orgs/[org]/keys/route.ts", "GET", "public", { path: "/api/v1/orgs/{org}/keys" }, { why: "Public keys that verify bundles; hosts have no session." }),
  route("app/.well-known/jwks.json/route.ts", "GET", "public", { path: "/.well-known/jwks.json?org={org}" }, { why: "Conventional JWKS address of the same public keys." }),

  route("app/api/v1/openapi.json/route.ts", "GET", "public", { path: "/api/v1/openapi.json" }, { why: "Describes the API; reveals no data." }),

  // ── Sign-in and sign-out ─────────────────────────────────────────────────────────────────────────────────────
  action("app/actions.ts", "signOutAction", "public", { why: "Ending a session needs no rights; without one it is a no-op." }),
  action("app/signin/actions.ts", "signInWithPassword", "public", { why: "Sign-in itself." }),
  action("app/signin/actions.ts", "signInWithSso", "public", { why: "Sign-in itself." }),

  // ── Console actions derived from operations: each has its operation's permission (tests/unit/ops.test.ts checks
  //    that the export is serverAction(op) / accountAction(op) of exactly that operation). ───────────────────────
  // Groups, overlays and rollouts (issue 15): console actions derived from lib/ops/groups.ts.
  operationAction("app/o/[org]/groups/actions.ts", "createGroupAction", createGroupOp),
  operationAction("app/o/[org]/groups/actions.ts", "updateGroupAction", updateGroupOp),
  operationAction("app/o/[org]/groups/actions.ts", "deleteGroupAction", deleteGroupOp),
  operationAction("app/o/[org]/groups/actions.ts", "saveOverlayDraftAction", saveOverlayDraftOp),
  operationAction("app/o/[org]/groups/actions.ts", "previewOverlayAction", previewOverlayOp),
  operationAction("app/o/[org]/groups/actions.ts", "publishOverlayAction", publishOverlayOp),
  operationAction("app/o/[org]/groups/actions.ts", "createOverlayChangeAction", createOverlayChangeOp),
  operationAction("app/o/[org]/groups/actions.ts", "updateOverlayChangeAction", updateOverlayChangeOp),
  operationAction("app/o/[org]/groups/actions.ts", "publishOverlayChangeAction", publishOverlayChangeOp),
  operationAction("app/o/[org]/rollouts/actions.ts", "pauseRolloutAction", pauseRolloutOp),
  operationAction("app/o/[org]/rollouts/actions.ts", "resumeRolloutAction", resumeRolloutOp),
  operationAction("app/o/[org]/rollouts/actions.ts", "promoteRolloutAction", promoteRolloutOp),
  operationAction("app/o/[org]/rollouts/actions.ts", "rollbackRolloutAction", rollbackRolloutOp),
  operationAction("app/o/[org]/rollouts/actions.ts", "rolloutSettingsAction", rolloutSettingsOp),
  operationAction(POLICY, "saveDraftAction", saveDraftOp),
  operationAction(POLICY, "validateAction", validateOp),
  operationAction(POLICY, "publishAction", publishOp),
  operationAction(POLICY, "createChangeRequestAction", createChangeRequestOp),
  operationAction(POLICY, "approveAction", approveChangeRequestOp),
  operationAction(POLICY, "rejectAction", rejectChangeRequestOp),
  operationAction(POLICY, "updateChangeRequestAction", updateChangeRequestOp),
  operationAction(POLICY, "publishChangeRequestAction", publishChangeRequestOp),
  operationAction(POLICY, "withdrawChangeRequestAction", withdrawChangeRequestOp),
  operationAction(POLICY, "restoreAction", restoreVersionOp),

  operationAction(SANDBOX, "createSampleAction", createSampleOp),
  operationAction(SANDBOX, "updateSampleAction", updateSampleOp),
  operationAction(SANDBOX, "deleteSampleAction", deleteSampleOp),
  operationAction(SANDBOX, "importSamplesAction", importSamplesOp),
  operationAction(SANDBOX, "startRunAction", startRunOp),
  operationAction(SANDBOX, "saveProviderAction", saveProviderOp),
  operationAction(SANDBOX, "attachEvidenceAction", attachEvidenceOp),

  // ── Decisions: replay and samples are editing work; collection (it edits what hosts install), masking and ingest keys
  //    are admin settings (publish). ──────────────────────────────────────────────────────────────────────────
  operationAction(DECISIONS, "startReplayAction", startReplayOp),
  operationAction("lib/ops/decision-actions.ts", "draftReplayAction", draftReplayOp),
  operationAction("lib/ops/decision-actions.ts", "startDraftReplayAction", startReplayOp),
  operationAction(DECISIONS, "addToSamplesAction", addDecisionToSamplesOp),
  operationAction(DECISIONS, "replayInSandboxAction", replayDecisionInSandboxOp),
  operationAction(DECISIONS, "saveDecisionSettingsAction", saveDecisionSettingsOp),
  operationAction(DECISIONS, "createIngestKeyAction", createIngestKeyOp),
  operationAction(DECISIONS, "revokeIngestKeyAction", revokeIngestKeyOp),
  operationAction(DECISIONS, "saveOtlpExportAction", saveOtlpExportOp),
  operationAction(DECISIONS, "deleteOtlpExportAction", deleteOtlpExportOp),
  operationAction(DECISIONS, "setGroupCollectionAction", setGroupCollectionOp),

  // Fleet (lib/ops/fleet.ts): enrolment secrets and agent tokens (admins), check-in interval and webhook (owners).
  operationAction("app/o/[org]/agents/actions.ts", "createEnrollmentSecretAction", createEnrollmentSecretOp),
  operationAction("app/o/[org]/agents/actions.ts", "revokeEnrollmentSecretAction", revokeEnrollmentSecretOp),
  operationAction("app/o/[org]/agents/actions.ts", "updateAgentSettingsAction", updateAgentSettingsOp),
  operationAction("app/o/[org]/agents/actions.ts", "saveWebhookAction", saveWebhookOp),
  operationAction("app/o/[org]/agents/actions.ts", "deleteWebhookAction", deleteWebhookOp),

  operationAction(SETTINGS, "inviteMemberAction", inviteMemberOp),
  operationAction(SETTINGS, "revokeInvitationAction", revokeInvitationOp),
  operationAction(SETTINGS, "changeRoleAction", changeRoleOp),
  operationAction(SETTINGS, "removeMemberAction", removeMemberOp),
  operationAction(SETTINGS, "updateOrgSettingsAction", updateOrgSettingsOp),
  operationAction(SETTINGS, "createTokenAction", createTokenOp),
  operationAction(SETTINGS, "revokeTokenAction", revokeTokenOp),
  operationAction("app/o/[org]/agents/actions.ts", "createAgentTokenAction", createAgentTokenOp),
  operationAction("app/o/[org]/agents/actions.ts", "revokeAgentTokenAction", revokeAgentTokenOp),
  operationAction("app/o/[org]/settings/key-actions.ts", "createSigningKeyAction", createSigningKeyOp),
  operationAction("app/o/[org]/settings/key-actions.ts", "activateSigningKeyAction", activateSigningKeyOp),
  operationAction("app/o/[org]/settings/key-actions.ts", "retireSigningKeyAction", retireSigningKeyOp),

  operationAction(INVITE, "acceptInvitationAction", acceptInvitationOp),
  operationAction(INVITE, "createAccountAndAcceptAction", createAccountAndAcceptOp),
  operationAction("app/orgs/new/actions.ts", "createOrganizationAction", createOrganizationOp),
];

/** Key used to match rows against what is found in app/. */
export const rowKey = (row: MatrixRow) =>
  row.kind === "action" ? `action ${row.file} ${row.name}` : row.operation ? `operation ${row.operation}` : `route ${row.file} ${row.method}`;
