"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { activateNextKey, createNextKey, retireKey } from "@/lib/bundles/keys";

// Owners (org:manage) rotate the signing keys: next → active → retired. Each step is audited by lib/bundles/keys.
const refresh = (slug: string) => revalidatePath(`/o/${slug}/settings`);

export async function createSigningKeyAction(slug: string) {
  return orgAction(slug, "org:manage", async (ctx) => {
    const key = await createNextKey(db, ctx, ctx.request);
    refresh(slug);
    return { kid: key.kid, state: key.state };
  });
}

export async function activateSigningKeyAction(slug: string) {
  return orgAction(slug, "org:manage", async (ctx) => {
    const result = await activateNextKey(db, ctx, ctx.request);
    refresh(slug);
    return result;
  });
}

export async function retireSigningKeyAction(slug: string, kid: string) {
  return orgAction(slug, "org:manage", async (ctx) => {
    await retireKey(db, ctx, kid, ctx.request);
    refresh(slug);
    return null;
  });
}
