import type { Role } from "../db";

/** Who is acting: resolved from a session (and later an API token) before any domain function runs. */
export interface Actor {
  userId: string;
  email: string;
  name: string | null;
}

/** An actor's standing in one organisation, derived from the route, never from a request body. */
export interface OrgContext {
  actor: Actor;
  org: { id: string; slug: string; name: string };
  role: Role;
}

// What each role may do (DESIGN.md "Roles"). Checked inside every action and handler through `can`.
export type Permission = "org:read" | "policy:edit" | "policy:publish" | "policy:approve" | "audit:export" | "org:manage";

const GRANTS: Record<Role, readonly Permission[]> = {
  owner: ["org:read", "policy:edit", "policy:publish", "policy:approve", "audit:export", "org:manage"],
  admin: ["org:read", "policy:edit", "policy:publish", "audit:export"],
  approver: ["org:read", "policy:approve"],
  auditor: ["org:read", "audit:export"],
  viewer: ["org:read"],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}
