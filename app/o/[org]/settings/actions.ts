"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/next";
import { db } from "@/lib/db";
import type { Role } from "@/lib/db";
import { changeRole, removeMember } from "@/lib/orgs/members";
import { inviteMember, revokeInvitation } from "@/lib/orgs/invitations";
import { updateOrgSettings } from "@/lib/orgs/settings";
import { createApiToken, revokeApiToken, type CreateTokenInput } from "@/lib/tokens";

// Every action: signed in → member of the route's org with the permission → lib function (which re-checks and audits).
const refresh = (slug: string) => revalidatePath(`/o/${slug}/settings`);

export async function inviteMemberAction(slug: string, input: { email: string; role: Role }) {
  return orgAction(slug, "org:manage", async (ctx) => {
    const { invitation, secret } = await inviteMember(db, ctx, input, ctx.request);
    refresh(slug);
    return { email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt.toISOString(), path: `/invite/${secret}` };
  });
}

export async function revokeInvitationAction(slug: string, invitationId: string) {
  return orgAction(slug, "org:manage", async (ctx) => {
    await revokeInvitation(db, ctx, { invitationId }, ctx.request);
    refresh(slug);
    return null;
  });
}

export async function changeRoleAction(slug: string, userId: string, role: Role) {
  return orgAction(slug, "org:manage", async (ctx) => {
    const result = await changeRole(db, ctx, { userId, role }, ctx.request);
    refresh(slug);
    return result;
  });
}

export async function removeMemberAction(slug: string, userId: string) {
  return orgAction(slug, "org:manage", async (ctx) => {
    await removeMember(db, ctx, { userId }, ctx.request);
    refresh(slug);
    return null;
  });
}

export async function updateOrgSettingsAction(slug: string, input: { approvalsRequired: number }) {
  return orgAction(slug, "org:manage", async (ctx) => {
    const result = await updateOrgSettings(db, ctx, input, ctx.request);
    refresh(slug);
    return result;
  });
}

export async function createTokenAction(slug: string, input: CreateTokenInput) {
  return orgAction(slug, "org:manage", async (ctx) => {
    const { token, secret } = await createApiToken(db, ctx, input, ctx.request);
    refresh(slug);
    return { id: token.id, name: token.name, prefix: token.prefix, secret };
  });
}

export async function revokeTokenAction(slug: string, tokenId: string) {
  return orgAction(slug, "org:manage", async (ctx) => {
    await revokeApiToken(db, ctx, tokenId, ctx.request);
    refresh(slug);
    return null;
  });
}
