"use server";

import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { currentActor, type ActionResult } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { AppError, toErrorResponse } from "@/lib/errors";
import { acceptInvitation, acceptInvitationWithNewAccount } from "@/lib/orgs/invitations";
import { requestInfo } from "@/lib/request";

type Joined = { org: { slug: string; name: string }; role: string };

async function asResult<T>(work: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await work() };
  } catch (err) {
    unstable_rethrow(err);
    return { ok: false, error: toErrorResponse(err).body.error };
  }
}

/** A signed-in user accepts an invitation to their own email. The link's secret is the only input trusted. */
export async function acceptInvitationAction(secret: string): Promise<ActionResult<Joined>> {
  return asResult(async () => {
    const actor = await currentActor();
    if (!actor) throw new AppError("unauthenticated", "Sign in first, then accept the invitation.");
    const joined = await acceptInvitation(db, actor, String(secret), requestInfo(await headers()));
    return { org: joined.org, role: joined.role };
  });
}

/**
 * Public on purpose: holding the invitation link is what authorises creating an account, and only for the invited
 * email (taken from the invitation, never from the form). Refused when that email already has an account.
 */
export async function createAccountAndAcceptAction(secret: string, input: { name: string; password: string }): Promise<ActionResult<Joined & { email: string }>> {
  return asResult(async () => {
    if (await currentActor()) throw new AppError("conflict", "You are signed in. Accept the invitation with your account, or sign out first.");
    const joined = await acceptInvitationWithNewAccount(db, String(secret), input, requestInfo(await headers()));
    return { org: joined.org, role: joined.role, email: joined.email };
  });
}
