import { z } from "zod";
import type { Db } from "../db";
import type { UserActor } from "./actor";
import type { RequestInfo } from "../audit";
import { recordSignIn, recordSignInFailed } from "./auth-audit";
import { verifyPassword } from "./password";
import { signInThrottle } from "./throttle";

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

export type LocalSignIn = { ok: true; actor: UserActor; sessionId: string } | { ok: false; retryAfterMinutes?: number };

/**
 * The password sign-in as the console runs it: the throttle (lib/auth/throttle.ts), then the check, then either the
 * new session with its "auth.signin" event or an "auth.signin_failed" event. A throttled attempt is refused without
 * checking the password and says how long to wait.
 */
export async function signInLocal(db: Db, input: unknown, request: RequestInfo, now: Date = new Date()): Promise<LocalSignIn> {
  const parsed = signInSchema.safeParse(input);
  const email = parsed.success ? parsed.data.email : null;
  const throttle = await signInThrottle(db, { email, ip: request?.ip }, now);
  if (throttle.throttled) {
    await recordSignInFailed(db, { email, method: "local", reason: "throttled", detail: `${throttle.scope} limit`, request });
    return { ok: false, retryAfterMinutes: throttle.retryAfterMinutes };
  }
  const result = await checkLocalCredentials(db, input);
  if (result.ok) {
    const sessionId = await recordSignIn(db, { id: result.actor.userId, email: result.actor.email }, "local", request);
    return { ok: true, actor: result.actor, sessionId };
  }
  await recordSignInFailed(db, { email: result.email, method: "local", reason: result.reason, request });
  return { ok: false };
}
