"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { createAgentToken, revokeAgentToken, type CreateAgentTokenInput } from "@/lib/agents";

// Admins (policy:publish) manage agent tokens: they decide which hosts receive what they publish.
const refresh = (slug: string) => revalidatePath(`/o/${slug}/agents`);

export async function createAgentTokenAction(slug: string, input: CreateAgentTokenInput) {
  return orgAction(slug, "policy:publish", async (ctx) => {
    const { token, secret } = await createAgentToken(db, ctx, input, ctx.request);
    refresh(slug);
    return { id: token.id, name: token.name, prefix: token.prefix, secret };
  });
}

export async function revokeAgentTokenAction(slug: string, tokenId: string) {
  return orgAction(slug, "policy:publish", async (ctx) => {
    await revokeAgentToken(db, ctx, tokenId, ctx.request);
    refresh(slug);
    return null;
  });
}
