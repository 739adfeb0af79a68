"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { orgAction } from "@/lib/auth/next";
import { restoreVersion, type RestoreInput } from "@/lib/policies";

export async function restoreAction(slug: string, number: number, input: RestoreInput) {
  const result = await orgAction(slug, "policy:publish", async (ctx) => {
    const r = await restoreVersion(db, ctx, number, input, ctx.request);
    return r.kind === "version" ? { kind: r.kind, number: r.version.number } : { kind: r.kind, number: r.changeRequest.number };
  });
  if (result.ok) revalidatePath(`/o/${slug}`, "layout");
  return result;
}
