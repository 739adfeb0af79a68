import { randomBytes } from "node:crypto";
import type { Db, Prisma } from "../db";
import type { UserActor } from "./actor";
import { SESSION_MAX_AGE_SECONDS } from "./session-security";

type Tx = Prisma.TransactionClient;

/**
 * Console sessions stay JWT cookies, but each one names a row of the Session table (its `sid`), so the server can end
 * it: sign-out deletes the row and a copied cookie stops working at once. A session lasts SESSION_MAX_AGE_SECONDS from
 * sign-in, however active it is.
 */
export async function createSession(tx: Tx | Db, userId: string, now: Date = new Date()): Promise<string> {
  const sessionToken = randomBytes(32).toString("base64url");
  // The user's long-expired rows go when a new one is made, so the table holds little beyond live sessions.
  await tx.session.deleteMany({ where: { userId, expires: { lt: now } } });
  await tx.session.create({ data: { sessionToken, userId, expires: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000) } });
  return sessionToken;
}

/** Ends one session (sign-out). Unknown ids are ignored: the session is already over. */
export async function endSession(tx: Tx | Db, sessionId: string): Promise<void> {
  await tx.session.deleteMany({ where: { sessionToken: sessionId } });
}

/** Ends every session of a user, e.g. when their password is reset. Returns how many were live or lingering. */
export async function revokeUserSessions(tx: Tx | Db, userId: string): Promise<number> {
  return (await tx.session.deleteMany({ where: { userId } })).count;
}

/**
 * The actor of a session's claims (user id and session id from the JWT), or null when the session was ended, has
 * expired, belongs to someone else, or its user is gone. One lookup by the unique session id, with the user folded in.
 */
export async function actorFromSession(db: Db, claims: { userId?: unknown; sessionId?: unknown }, now: Date = new Date()): Promise<UserActor | null> {
  const { userId, sessionId } = claims;
  if (typeof userId !== "string" || typeof sessionId !== "string" || !userId || !sessionId) return null;
  const session = await db.session.findUnique({
    where: { sessionToken: sessionId },
    select: { expires: true, user: { select: { id: true, email: true, name: true } } },
  });
  if (!session || session.expires <= now || session.user.id !== userId) return null;
  return { type: "user", userId: session.user.id, email: session.user.email, name: session.user.name };
}
