import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { cache } from "react";
import { redirect } from "next/navigation";
import { db } from "../db";
import { AppError } from "../errors";
import { orgContext } from "../orgs";
import type { Actor, OrgContext, Permission } from "./actor";
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
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = await auth();
  return actorFromUserId(db, session?.user?.id);
});

/** For pages: the actor, or a redirect to sign-in. */
export async function requireActor(): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect("/signin");
  return actor;
}

/** For pages: the actor's context in the org of the route; unknown orgs and missing rights are a 404 / 403 page. */
export const requireOrg = cache(async (slug: string, permission: Permission = "org:read"): Promise<OrgContext> => {
  const actor = await requireActor();
  try {
    return await orgContext(db, actor, slug, permission);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") {
      const { notFound } = await import("next/navigation");
      notFound();
    }
    throw err;
  }
});
