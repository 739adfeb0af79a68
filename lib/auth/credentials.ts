import { z } from "zod";
import type { Db } from "../db";
import type { UserActor } from "./actor";
import { verifyPassword } from "./password";

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
});

// Compared against when the email is unknown, so a miss costs as much time as a wrong password.
const DECOY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/** Checks local-account credentials; null for any mismatch, without saying which part was wrong. */
export async function authenticateLocal(db: Db, input: unknown): Promise<UserActor | null> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return null;
  const user = await db.user.findUnique({
    where: { email: parsed.data.email },
    select: { id: true, email: true, name: true, passwordHash: true },
  });
  const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? DECOY_HASH);
  if (!ok || !user?.passwordHash) return null;
  return { type: "user", userId: user.id, email: user.email, name: user.name };
}

/** Re-reads the session's user, so a deleted account loses access at once even with a valid cookie. */
export async function actorFromUserId(db: Db, userId: string | undefined): Promise<UserActor | null> {
  if (!userId) return null;
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true } });
  return user && { type: "user", userId: user.id, email: user.email, name: user.name };
}
