import { z } from "zod";
import type { Db } from "../db";
import type { RequestInfo } from "../audit";
import { recordAuthEventTx, recordSignInFailed, type SignInFailure } from "./auth-audit";
import { createSession } from "./sessions";
import { emailDomain, isAllowedEmailDomain, type OidcConfig } from "./oidc-config";

/** The Auth.js provider id, also stored as Account.provider. */
export const OIDC_PROVIDER_ID = "oidc";

export type SsoSignInResult =
  | { ok: true; userId: string; email: string; created: boolean; linked: boolean; sessionId: string }
  | { ok: false; reason: SignInFailure; email: string | null; domain: string | null };

const claimsSchema = z.object({
  sub: z.string().min(1).max(255),
  email: z.string().trim().max(320).optional().nullable(),
  // Some providers send the flag as a string.
  email_verified: z.union([z.boolean(), z.string()]).optional().nullable(),
  name: z.string().trim().max(200).optional().nullable(),
});

const emailSchema = z.email();

/**
 * Decides an OpenID Connect sign-in from the provider's verified claims and, when it is allowed, finds or makes the
 * Charter user: the user already linked to this provider identity, else the user with the same email (linked now),
 * else a new user without a password. The account link, the session and the "auth.signin" event commit together; every refusal
 * writes "auth.signin_failed".
 */
export async function completeOidcSignIn(db: Db, config: OidcConfig, rawClaims: unknown, request: RequestInfo): Promise<SsoSignInResult> {
  const refuse = async (reason: SignInFailure, email: string | null, detail?: string): Promise<SsoSignInResult> => {
    await recordSignInFailed(db, { email, method: "oidc", reason, detail, request });
    return { ok: false, reason, email, domain: email ? emailDomain(email) : null };
  };

  const parsed = claimsSchema.safeParse(rawClaims);
  if (!parsed.success) return refuse("provider_error", null, "the provider's claims have no usable subject");
  const claims = parsed.data;
  if (!claims.email) return refuse("missing_email", null);
  const email = claims.email.toLowerCase();
  if (!emailSchema.safeParse(email).success) return refuse("invalid_email", null, "the provider sent a malformed email address");
  // Absent means the provider does not say; only an explicit "not verified" refuses.
  if (claims.email_verified === false || claims.email_verified === "false") return refuse("unverified_email", email);
  if (!isAllowedEmailDomain(email, config.allowedDomains)) return refuse("domain_not_allowed", email);

  for (let attempt = 0; ; attempt++) {
    try {
      const outcome = await db.$transaction(async (tx) => {
        const account = await tx.account.findUnique({
          where: { provider_providerAccountId: { provider: OIDC_PROVIDER_ID, providerAccountId: claims.sub } },
          select: { user: { select: { id: true, email: true } } },
        });
        let user = account?.user ?? null;
        let created = false;
        let linked = false;
        if (!user) {
          const existing = await tx.user.findUnique({
            where: { email },
            select: { id: true, email: true, accounts: { where: { provider: OIDC_PROVIDER_ID }, select: { id: true } } },
          });
          // The provider re-issued this email to a different identity: do not hand it the old identity's account.
          if (existing?.accounts.length) return null;
          user = existing
            ? { id: existing.id, email: existing.email }
            : await tx.user.create({ data: { email, name: claims.name || null, emailVerified: new Date() }, select: { id: true, email: true } });
          created = !existing;
          await tx.account.create({ data: { userId: user.id, type: "oidc", provider: OIDC_PROVIDER_ID, providerAccountId: claims.sub } });
          linked = true;
        }
        const sessionId = await createSession(tx, user.id);
        await recordAuthEventTx(tx, {
          action: "auth.signin",
          userId: user.id,
          actor: { type: "user", id: user.id, label: user.email },
          meta: { method: "oidc", ...(created ? { userCreated: true } : {}), ...(linked ? { accountLinked: true } : {}) },
          request,
        });
        return { userId: user.id, email: user.email, created, linked, sessionId };
      });
      if (!outcome) return refuse("identity_conflict", email);
      return { ok: true, ...outcome };
    } catch (err) {
      // Two first sign-ins of the same person raced on the unique email or identity: the second finds the first's rows.
      if (attempt === 0 && (err as { code?: string })?.code === "P2002") continue;
      throw err;
    }
  }
}
