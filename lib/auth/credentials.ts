import { z } from "zod";
import type { Db } from "../db";
import type { UserActor } from "./actor";
import type { RequestInfo } from "../audit";
import { recordSignIn, recordSignInFailed } from "./auth-audit";
import { verifyPassword } from "./password";

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
});

// Compared against when the email is unknown, so a miss costs as much time as a wrong password.
const DECOY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

export type LocalCheck = { ok: true; actor: UserActor } | { ok: false; reason: "invalid_input" | "unknown_user" | "no_password" | "bad_password"; email: string | null };

/** Checks local-account credentials and says why they fail (for the audit log only; users never see which part was wrong). */
export async function checkLocalCredentials(db: Db, input: unknown): Promise<LocalCheck> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid_input", email: null };
  const { email, password } = parsed.data;
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, passwordHash: true } });
  const ok = await verifyPassword(password, user?.passwordHash ?? DECOY_HASH);
  if (!user) return { ok: false, reason: "unknown_user", email };
  if (!user.passwordHash) return { ok: false, reason: "no_password", email };
  if (!ok) return { ok: false, reason: "bad_password", email };
  return { ok: true, actor: { type: "user", userId: user.id, email: user.email, name: user.name } };
}

/** Checks local-account credentials; null for any mismatch, without saying which part was wrong. */
export async function authenticateLocal(db: Db, input: unknown): Promise<UserActor | null> {
  const result = await checkLocalCredentials(db, input);
  return result.ok ? result.actor : null;
}

/** The password sign-in as the console runs it: the check plus its "auth.signin" or "auth.signin_failed" event. */
export async function signInLocal(db: Db, input: unknown, request?: RequestInfo | null): Promise<UserActor | null> {
  const result = await checkLocalCredentials(db, input);
  if (result.ok) {
    await recordSignIn(db, { id: result.actor.userId, email: result.actor.email }, "local", request);
    return result.actor;
  }
  await recordSignInFailed(db, { email: result.email, method: "local", reason: result.reason, request });
  return null;
}

/** Re-reads the session's user, so a deleted account loses access at once even with a valid cookie. */
export async function actorFromUserId(db: Db, userId: string | undefined): Promise<UserActor | null> {
  if (!userId) return null;
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true } });
  return user && { type: "user", userId: user.id, email: user.email, name: user.name };
}
