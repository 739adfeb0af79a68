"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { orgAction } from "@/lib/auth/next";
import { serverAction } from "@/lib/ops/action";
import { saveDraftOp } from "@/lib/ops/policy";
import { AppError } from "@/lib/errors";
import { CODEX_VERSION, validateRequirements } from "@/lib/requirements";
import { assertPolicySize } from "@/lib/policies/common";
import {
  createChangeRequest,
  publishDraft,
  type CreateChangeRequestInput,
  type PublishInput,
} from "@/lib/policies";

// Server actions of the draft editor. Each goes through orgAction (session → org membership → permission) and returns
// an ActionResult; a stale save comes back as { ok: false, error: { code: "conflict", details: { theirs } } }.

export const saveDraftAction = serverAction(saveDraftOp, { refresh: false });

export async function validateAction(slug: string, toml: string) {
  return orgAction(slug, "org:read", async () => {
    if (typeof toml !== "string") throw new AppError("validation_failed", "toml: expected the policy text as a string.");
    assertPolicySize(toml);
    const { valid, diagnostics } = validateRequirements(toml);
    return { valid, diagnostics, codexVersion: CODEX_VERSION };
  });
}

export async function publishAction(slug: string, input: PublishInput) {
  const result = await orgAction(slug, "policy:publish", (ctx) => publishDraft(db, ctx, input, ctx.request));
  if (result.ok) revalidatePath(`/o/${slug}`, "layout");
  return result;
}

export async function createChangeRequestAction(slug: string, input: CreateChangeRequestInput) {
  const result = await orgAction(slug, "policy:edit", async (ctx) => {
    const cr = await createChangeRequest(db, ctx, input, ctx.request);
    return { number: cr.number, state: cr.state };
  });
  if (result.ok) revalidatePath(`/o/${slug}`, "layout");
  return result;
}
