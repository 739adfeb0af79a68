import type { Role } from "../db";
import type { AuditActor } from "../audit/record";

/** A signed-in person. */
export interface UserActor {
  type: "user";
  userId: string;
  email: string;
  name: string | null;
}

/** An admin API token: bound to one org, limited to its scopes. */
export interface TokenActor {
  type: "token";
  tokenId: string;
  name: string;
  orgId: string;
  scopes: TokenScope[];
}

/** Who is acting: resolved from a session or an API token before any domain function runs. */
export type Actor = UserActor | TokenActor;

export const TOKEN_SCOPES = ["read", "write", "publish"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** An actor's standing in one organisation, derived from the route, never from a request body. */
export interface OrgContext {
  actor: Actor;
  org: { id: string; slug: string; name: string };
  /** The member's role; null for tokens, whose rights come from their scopes. */
  role: Role | null;
}

// What each role may do (DESIGN.md "Roles"). Checked inside every action and handler through `can`.
export type Permission = "org:read" | "policy:edit" | "policy:publish" | "policy:approve" | "audit:export" | "org:manage";

/** Every role, most powerful first, with what a person of that role does (the console's pickers show both). */
export const ROLES = ["owner", "admin", "approver", "auditor", "viewer"] as const satisfies readonly Role[];
export const ROLE_HINTS: Record<Role, string> = {
  owner: "manages everything",
  admin: "edits and publishes",
  approver: "approves change requests",
  auditor: "reads and exports the audit log",
  viewer: "reads",
};

const ROLE_GRANTS: Record<Role, readonly Permission[]> = {
  owner: ["org:read", "policy:edit", "policy:publish", "policy:approve", "audit:export", "org:manage"],
  admin: ["org:read", "policy:edit", "policy:publish", "audit:export"],
  approver: ["org:read", "policy:approve"],
  auditor: ["org:read", "audit:export"],
  viewer: ["org:read"],
};

// Tokens automate; they never approve changes or manage members.
const SCOPE_GRANTS: Record<TokenScope, readonly Permission[]> = {
  read: ["org:read", "audit:export"],
  write: ["org:read", "policy:edit"],
  publish: ["org:read", "policy:publish"],
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_GRANTS[role].includes(permission);
}

export function scopesAllow(scopes: readonly TokenScope[], permission: Permission): boolean {
  return scopes.some((s) => SCOPE_GRANTS[s]?.includes(permission));
}

/** How the audit log names an actor. */
export function auditActor(actor: Actor): AuditActor {
  return actor.type === "user"
    ? { type: "user", id: actor.userId, label: actor.email }
    : { type: "token", id: actor.tokenId, label: `token ${actor.name}` };
}
