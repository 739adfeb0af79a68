"use server";

import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { currentActor, type ActionResult } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { AppError, toErrorResponse } from "@/lib/errors";
import { createOrganization } from "@/lib/orgs/settings";
import { requestInfo } from "@/lib/request";

/** Any signed-in user may create an organisation and becomes its owner; there is no org to authorise against yet. */
export async function createOrganizationAction(input: { name: string; slug: string }): Promise<ActionResult<{ slug: string }>> {
  try {
    const actor = await currentActor();
    if (!actor) throw new AppError("unauthenticated", "Your session has ended. Sign in again.");
    const org = await createOrganization(db, actor, input, requestInfo(await headers()));
    return { ok: true, data: { slug: org.slug } };
  } catch (err) {
    unstable_rethrow(err);
    return { ok: false, error: toErrorResponse(err).body.error };
  }
}
