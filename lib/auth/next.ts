import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { cache } from "react";
import { headers } from "next/headers";
import { redirect, unstable_rethrow } from "next/navigation";
import { db } from "../db";
import { AppError, toErrorResponse } from "../errors";
import { requestInfo } from "../request";
import type { RequestInfo } from "../audit";
import { orgContext } from "../orgs";
import type { OrgContext, Permission, UserActor } from "./actor";
import { actorFromUserId, authenticateLocal } from "./credentials";

const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  secret: process.env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/signin" },
  providers: [
    Credentials({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize: async (credentials) => {
        const actor = await authenticateLocal(db, credentials);
        return actor && { id: actor.userId, email: actor.email, name: actor.name };
      },
    }),
  ],
  callbacks: {
    jwt: ({ token, user }) => {
      if (user?.id) token.uid = user.id;
      return token;
    },
    session: ({ session, token }) => {
      if (typeof token.uid === "string") session.user.id = token.uid;
      return session;
    },
  },
});

/** The signed-in actor, or null. Cached per request. */
export const currentActor = cache(async (): Promise<UserActor | null> => {
  const session = await auth();
  return actorFromUserId(db, session?.user?.id);
});

/** For pages: the actor, or a redirect to sign-in. */
export async function requireActor(): Promise<UserActor> {
  const actor = await currentActor();
  if (!actor) redirect("/signin");
  return actor;
}

/** For pages: the actor's context in the org of the route; unknown orgs and missing rights are a 404 / 403 page. */
export const requireOrg = cache(async (slug: string, permission: Permission = "org:read"): Promise<OrgContext & { actor: UserActor }> => {
  const actor = await requireActor();
  try {
    return { ...(await orgContext(db, actor, slug, permission)), actor };
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") {
      const { notFound } = await import("next/navigation");
      notFound();
    }
    throw err;
  }
});

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; details?: unknown } };

/**
 * The one chain of every server action: signed in → member of the route's org with the permission → the work, which
 * writes its audit event in its own transaction. Errors come back as values the form can show, never as a 500.
 */
export async function orgAction<T>(
  slug: string,
  permission: Permission,
  work: (ctx: OrgContext & { actor: UserActor; request: RequestInfo }) => Promise<T>,
): Promise<ActionResult<T>> {
  try {
    const actor = await currentActor();
    if (!actor) throw new AppError("unauthenticated", "Your session has ended. Sign in again.");
    const ctx = await orgContext(db, actor, slug, permission);
    return { ok: true, data: await work({ ...ctx, actor, request: requestInfo(await headers()) }) };
  } catch (err) {
    unstable_rethrow(err); // redirects and notFound are Next's control flow, not failures
    return { ok: false, error: toErrorResponse(err).body.error };
  }
}
