"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { orgAction } from "@/lib/auth/next";
import { AppError } from "@/lib/errors";
import {
  decideChangeRequest,
  publishChangeRequest,
  updateChangeRequest,
  withdrawChangeRequest,
  type DecisionInput,
  type UpdateChangeRequestInput,
} from "@/lib/policies";

function refreshed<T extends { ok: boolean }>(slug: string, result: T): T {
  if (result.ok) revalidatePath(`/o/${slug}`, "layout");
  return result;
}

export async function decideAction(slug: string, number: number, decision: "approve" | "reject", input: DecisionInput) {
  return refreshed(slug, await orgAction(slug, "policy:approve", async (ctx) => {
    // Server actions are public endpoints: the decision comes from the client and is checked like any input.
    if (decision !== "approve" && decision !== "reject") throw new AppError("validation_failed", "decision: approve or reject.");
    const s = await decideChangeRequest(db, ctx, number, decision, input, ctx.request);
    return { state: s.state };
  }));
}

export async function updateChangeRequestAction(slug: string, number: number, input: UpdateChangeRequestInput) {
  return refreshed(slug, await orgAction(slug, "policy:edit", async (ctx) => {
    const s = await updateChangeRequest(db, ctx, number, input, ctx.request);
    return { revision: s.revision };
  }));
}

export async function publishChangeRequestAction(slug: string, number: number) {
  return refreshed(slug, await orgAction(slug, "policy:publish", async (ctx) => {
    const v = await publishChangeRequest(db, ctx, number, ctx.request);
    return { number: v.number };
  }));
}

export async function withdrawChangeRequestAction(slug: string, number: number) {
  return refreshed(slug, await orgAction(slug, "policy:edit", async (ctx) => {
    const s = await withdrawChangeRequest(db, ctx, number, ctx.request);
    return { state: s.state };
  }));
}
