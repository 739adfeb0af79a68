import NextAuth, { CredentialsSignin, type NextAuthConfig, type Session } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import type { OIDCConfig } from "next-auth/providers";
import type { NextRequest } from "next/server";
import { cache } from "react";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { db } from "../db";
import { AppError } from "../errors";
import { requestInfo } from "../request";
import { orgContext } from "../orgs";
import type { OrgContext, Permission, UserActor } from "./actor";
import { recordSignInFailed, recordSignOut, type SignInFailure } from "./auth-audit";
import { signInLocal } from "./credentials";
import { actorFromSession } from "./sessions";
import { oidcConfig, type OidcConfig } from "./oidc-config";
import { publicOrigin, SESSION_MAX_AGE_SECONDS, servedOverTls } from "./session-security";
import { completeOidcSignIn, OIDC_PROVIDER_ID } from "./sso";

/**
 * Built per request (Auth.js calls this with the route's request, or with nothing from server components and actions,
 * where next/headers has the request), because whether cookies are `Secure` depends on how the request arrived.
 */
async function authConfig(req?: NextRequest): Promise<NextAuthConfig> {
  const reqHeaders = req?.headers ?? (await headers());
  const oidc = oidcConfig();
  return {
    trustHost: true,
    secret: process.env.AUTH_SECRET,
    // httpOnly and SameSite=Lax are Auth.js's defaults; Secure and the __Secure- prefix follow the transport.
    useSecureCookies: servedOverTls(reqHeaders),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    // Every error comes back to the sign-in page as ?error=<code>, which it explains in words.
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      Credentials({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        authorize: async (credentials, request) => {
          const result = await signInLocal(db, credentials, requestInfo(request.headers));
          if (result.ok) return { id: result.actor.userId, email: result.actor.email, name: result.actor.name, sessionId: result.sessionId };
          if (result.retryAfterMinutes) throw new SignInThrottled(result.retryAfterMinutes);
          return null;
        },
      }),
      ...(oidc ? [oidcProvider(oidc)] : []),
    ],
    callbacks: {
      signIn: async ({ user, account, profile }) => {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        if (!oidc) return false;
        const result = await completeOidcSignIn(db, oidc, profile, requestInfo(reqHeaders));
        if (!result.ok) {
          const query = new URLSearchParams({ error: SSO_REFUSAL_CODES[result.reason] ?? "AccessDenied" });
          if (result.reason === "domain_not_allowed" && result.domain) query.set("domain", result.domain);
          return `/signin?${query}`;
        }
        // The token's user id is Charter's, not the provider's subject.
        user.id = result.userId;
        user.email = result.email;
        (user as { sessionId?: string }).sessionId = result.sessionId;
        return true;
      },
      // At sign-in the token gets the user and the server-side session (lib/auth/sessions.ts) it belongs to.
      jwt: ({ token, user }) => {
        if (user?.id) {
          token.uid = user.id;
          token.sid = (user as { sessionId?: string }).sessionId;
        }
        return token;
      },
      // The session id is no credential on its own (the cookie is a sealed JWT); currentActor checks it on every request.
      session: ({ session, token }) => {
        if (typeof token.uid === "string") session.user.id = token.uid;
        return Object.assign(session, { sid: typeof token.sid === "string" ? token.sid : undefined });
      },
    },
    events: {
      signOut: async (message) => {
        const token = "token" in message ? message.token : null;
        const sid = typeof token?.sid === "string" ? token.sid : null;
        if (typeof token?.uid === "string") await recordSignOut(db, token.uid, requestInfo(reqHeaders), sid);
      },
    },
    logger: {
      error: (error) => {
        const cause = (error as { cause?: { err?: unknown; provider?: unknown } }).cause;
        console.error(`[auth][error] ${error.name}: ${error.message}`, cause?.err ?? "");
        // Failures inside the provider round trip (cancelled consent, bad state, an ID token that does not verify,
        // an unreachable issuer) are refused sign-ins too.
        const type = (error as { type?: string }).type;
        if (type && (PROVIDER_FAILURES.has(type) || (type === "CallbackRouteError" && cause?.provider === OIDC_PROVIDER_ID))) {
          recordSignInFailed(db, { method: "oidc", reason: "provider_error", detail: type, request: requestInfo(reqHeaders) }).catch((err) =>
            console.error("[charter] could not record a failed sign-in:", err),
          );
        }
      },
    },
  };
}

/** A password sign-in refused by the throttle; the sign-in page tells how long to wait. */
export class SignInThrottled extends CredentialsSignin {
  code = "throttled";
  constructor(readonly retryAfterMinutes: number) {
    super();
  }
}

// Auth.js error types raised only on the OAuth/OIDC path.
const PROVIDER_FAILURES = new Set(["OAuthCallbackError", "OAuthSignInError", "InvalidCheck", "OAuthProfileParseError"]);

/** ?error= codes the sign-in page explains (app/signin/errors.ts). */
const SSO_REFUSAL_CODES: Partial<Record<SignInFailure, string>> = {
  domain_not_allowed: "DomainNotAllowed",
  unverified_email: "UnverifiedEmail",
  missing_email: "MissingEmail",
  invalid_email: "MissingEmail",
  identity_conflict: "IdentityConflict",
};

function oidcProvider(config: OidcConfig): OIDCConfig<Record<string, unknown>> {
  return {
    id: OIDC_PROVIDER_ID,
    name: config.name,
    type: "oidc",
    issuer: config.issuer,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    checks: ["pkce", "state", "nonce"],
    authorization: { params: { scope: "openid email profile" } },
    // The ID token is verified, then the claims come from the userinfo endpoint: many providers put email and
    // email_verified only there.
    idToken: false,
    profile: (claims) => ({ id: String(claims.sub), email: typeof claims.email === "string" ? claims.email : null, name: typeof claims.name === "string" ? claims.name : null }),
  };
}

const nextAuth = NextAuth(authConfig);
export const { auth, signIn, signOut } = nextAuth;

/** Auth.js's routes (app/api/auth/[...nextauth]), seeing the origin the browser used (see publicOrigin). */
export const handlers = {
  GET: async (req: NextRequest) => nextAuth.handlers.GET(await atPublicOrigin(req)),
  POST: async (req: NextRequest) => nextAuth.handlers.POST(await atPublicOrigin(req)),
};

async function atPublicOrigin(req: NextRequest): Promise<NextRequest> {
  if (process.env.AUTH_URL ?? process.env.NEXTAUTH_URL) return req; // next-auth rewrites to AUTH_URL itself
  const origin = publicOrigin(req.headers, req.nextUrl.origin);
  const url = new URL(req.nextUrl.pathname + req.nextUrl.search, origin);
  // A plain Request, because NextRequest rewrites 127.0.0.1 to "localhost" in its URL. Without AUTH_URL next-auth
  // reads only url, method, headers and body, which a Request has.
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
  return new Request(url, { method: req.method, headers: req.headers, body }) as NextRequest;
}

/** Whether the sign-in page offers single sign-on, and under which name. */
export function ssoOption(): { name: string } | null {
  const config = oidcConfig();
  return config && { name: config.name };
}

/** The signed-in actor, or null when there is no session or it was ended server-side or has expired. Cached per request. */
export const currentActor = cache(async (): Promise<UserActor | null> => {
  const session = (await auth()) as (Session & { sid?: string }) | null;
  return actorFromSession(db, { userId: session?.user?.id, sessionId: session?.sid });
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
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
});
