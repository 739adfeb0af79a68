import { z } from "zod";
import { db } from "../db";
import { TOKEN_SCOPES } from "../auth/actor";
import { createAgentToken, createAgentTokenSchema, revokeAgentToken } from "../agents";
import { activateNextKey, createNextKey, retireKey } from "../bundles/keys";
import { inviteMember, inviteSchema, revokeInvitation } from "../orgs/invitations";
import { changeRole, removeMember, roleSchema } from "../orgs/members";
import { orgSettingsSchema, updateOrgSettings } from "../orgs/settings";
import { createApiToken, createTokenSchema, revokeApiToken } from "../tokens";
import { strictInput } from "./chain";
import { defineOperation } from "./define";

// Operations of organisation settings: members and invitations, approvals, admin API tokens, agent tokens, signing keys.

const id = (what: string) => z.string().min(1).max(64).describe(`The ${what}'s id.`);
const secretOnce = z.object({ id: z.string(), name: z.string(), prefix: z.string(), secret: z.string().describe("Shown once; only its hash is stored.") });

export const inviteMemberOp = defineOperation({
  name: "org.members.invite",
  summary: "Invite someone by email with a role",
  description: "Answers with the invitation link's path (`/invite/<secret>`), shown once. A pending invitation to the same email is replaced.",
  permission: "org:manage",
  audit: "member.invited",
  input: strictInput(inviteSchema),
  output: z.object({ email: z.string(), role: roleSchema, expiresAt: z.string(), path: z.string() }),
  http: { method: "POST", path: "/api/v1/orgs/{org}/invitations", status: 201 },
  run: async (input, ctx) => {
    const { invitation, secret } = await inviteMember(db, ctx, input, ctx.request);
    return { email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt, path: `/invite/${secret}` };
  },
});

export const revokeInvitationOp = defineOperation({
  name: "org.invitations.revoke",
  summary: "Revoke a pending invitation",
  permission: "org:manage",
  audit: "member.invitation_revoked",
  input: strictInput(z.object({ invitationId: id("invitation") })),
  output: z.object({ revoked: z.literal(true) }),
  errors: ["conflict"],
  http: { method: "DELETE", path: "/api/v1/orgs/{org}/invitations/{invitationId}" },
  run: async (input, ctx) => {
    await revokeInvitation(db, ctx, input, ctx.request);
    return { revoked: true as const };
  },
});

export const changeRoleOp = defineOperation({
  name: "org.members.change_role",
  summary: "Change a member's role",
  description: "The last owner cannot be demoted.",
  permission: "org:manage",
  audit: "member.role_changed",
  input: strictInput(z.object({ userId: id("member"), role: roleSchema })),
  output: z.object({ changed: z.boolean(), role: roleSchema }),
  errors: ["conflict"],
  http: { method: "PATCH", path: "/api/v1/orgs/{org}/members/{userId}" },
  run: (input, ctx) => changeRole(db, ctx, input, ctx.request),
});

export const removeMemberOp = defineOperation({
  name: "org.members.remove",
  summary: "Remove a member",
  description: "The last owner cannot be removed.",
  permission: "org:manage",
  audit: "member.removed",
  input: strictInput(z.object({ userId: id("member") })),
  output: z.object({ removed: z.literal(true) }),
  errors: ["conflict"],
  http: { method: "DELETE", path: "/api/v1/orgs/{org}/members/{userId}" },
  run: async (input, ctx) => {
    await removeMember(db, ctx, input, ctx.request);
    return { removed: true as const };
  },
});

export const updateOrgSettingsOp = defineOperation({
  name: "org.settings.update",
  summary: "Change the organisation's settings (approvals required, longest admin API token life in days, Codex versions to check policies against)",
  permission: "org:manage",
  audit: "org.settings_updated",
  input: strictInput(orgSettingsSchema),
  output: z.object({ changed: z.boolean(), approvalsRequired: z.number().int().optional(), tokenMaxDays: z.number().int().optional(), codexVersions: z.array(z.string()).optional() }),
  http: { method: "PATCH", path: "/api/v1/orgs/{org}/settings" },
  run: (input, ctx) => updateOrgSettings(db, ctx, input, ctx.request),
});

export const createTokenOp = defineOperation({
  name: "org.tokens.create",
  summary: "Create an admin API token",
  description: `Scopes: ${TOKEN_SCOPES.join(", ")}. The secret is in this response only.`,
  permission: "org:manage",
  audit: "token.created",
  input: strictInput(createTokenSchema),
  output: secretOnce,
  http: { method: "POST", path: "/api/v1/orgs/{org}/tokens", status: 201 },
  run: async (input, ctx) => {
    const { token, secret } = await createApiToken(db, ctx, input, ctx.request);
    return { id: token.id, name: token.name, prefix: token.prefix, secret };
  },
});

export const revokeTokenOp = defineOperation({
  name: "org.tokens.revoke",
  summary: "Revoke an admin API token",
  permission: "org:manage",
  audit: "token.revoked",
  input: strictInput(z.object({ tokenId: id("token") })),
  output: z.object({ revoked: z.literal(true) }),
  errors: ["conflict"],
  http: { method: "DELETE", path: "/api/v1/orgs/{org}/tokens/{tokenId}" },
  run: async ({ tokenId }, ctx) => {
    await revokeApiToken(db, ctx, tokenId, ctx.request);
    return { revoked: true as const };
  },
});

export const createAgentTokenOp = defineOperation({
  name: "agents.tokens.create",
  summary: "Create an agent token (cha_…) for hosts that pull the signed bundle",
  description: "The secret is in this response only.",
  permission: "policy:publish",
  audit: "agent_token.created",
  input: strictInput(createAgentTokenSchema),
  output: secretOnce,
  http: { method: "POST", path: "/api/v1/orgs/{org}/agent-tokens", status: 201 },
  run: async (input, ctx) => {
    const { token, secret } = await createAgentToken(db, ctx, { name: input.name, group: input.group ?? undefined }, ctx.request);
    return { id: token.id, name: token.name, prefix: token.prefix, secret };
  },
});

export const revokeAgentTokenOp = defineOperation({
  name: "agents.tokens.revoke",
  summary: "Revoke an agent token",
  permission: "policy:publish",
  audit: "agent_token.revoked",
  input: strictInput(z.object({ tokenId: id("agent token") })),
  output: z.object({ revoked: z.literal(true) }),
  errors: ["conflict"],
  http: { method: "DELETE", path: "/api/v1/orgs/{org}/agent-tokens/{tokenId}" },
  run: async ({ tokenId }, ctx) => {
    await revokeAgentToken(db, ctx, tokenId, ctx.request);
    return { revoked: true as const };
  },
});

export const createSigningKeyOp = defineOperation({
  name: "keys.create_next",
  summary: "Generate the next bundle signing key (published in the JWKS before it signs anything)",
  permission: "org:manage",
  audit: "signing_key.created",
  input: strictInput(z.object({})),
  output: z.object({ kid: z.string(), state: z.string() }),
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/signing-keys", status: 201 },
  run: async (_input, ctx) => {
    const key = await createNextKey(db, ctx, ctx.request);
    return { kid: key.kid, state: key.state };
  },
});

export const activateSigningKeyOp = defineOperation({
  name: "keys.activate_next",
  summary: "Make the next signing key the active one (the old one is retired but served until its bundles expire)",
  permission: "org:manage",
  audit: "signing_key.activated",
  input: strictInput(z.object({})),
  output: z.object({ activated: z.string(), retired: z.string().nullable() }),
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/orgs/{org}/signing-keys/activate" },
  run: (_input, ctx) => activateNextKey(db, ctx, ctx.request),
});

export const retireSigningKeyOp = defineOperation({
  name: "keys.retire",
  summary: "Retire a signing key now",
  permission: "org:manage",
  audit: "signing_key.retired",
  input: strictInput(z.object({ kid: z.string().min(1).max(100).describe("The key id.") })),
  output: z.object({ retired: z.string() }),
  errors: ["conflict"],
  http: { method: "DELETE", path: "/api/v1/orgs/{org}/signing-keys/{kid}" },
  run: async ({ kid }, ctx) => {
    await retireKey(db, ctx, kid, ctx.request);
    return { retired: kid };
  },
});

export const SETTINGS_OPERATIONS = [
  inviteMemberOp,
  revokeInvitationOp,
  changeRoleOp,
  removeMemberOp,
  updateOrgSettingsOp,
  createTokenOp,
  revokeTokenOp,
  createAgentTokenOp,
  revokeAgentTokenOp,
  createSigningKeyOp,
  activateSigningKeyOp,
  retireSigningKeyOp,
];
