import { randomUUID } from "node:crypto";
import type { Db, Prisma } from "../db";
import { recordAudit, type AuditActor, type AuditInput, type AuditMeta, type RequestInfo } from "../audit";
import { createSession, endSession } from "./sessions";

type Tx = Prisma.TransactionClient;

export type SignInMethod = "local" | "oidc";

/** Why a sign-in was refused, as the audit log records it. Never the password or anything derived from it. */
export type SignInFailure =
  | "bad_password"
  | "unknown_user"
  | "no_password" // an SSO-only account tried the password form
  | "invalid_input"
  | "missing_email"
  | "invalid_email"
  | "unverified_email"
  | "domain_not_allowed"
  | "identity_conflict" // the email is already linked to another identity of the provider
  | "provider_error"
  | "throttled"; // too many recent failures (lib/auth/throttle.ts); the password was not checked

type AuthEventType = "auth.signin" | "auth.signin_failed" | "auth.signout";
export type AuthEvent = {
  [T in AuthEventType]: {
    action: T;
    /** The user the event concerns, when one is known; its orgs' chains receive the event, else the global chain does. */
    userId: string | null;
    actor: AuditActor;
    meta: AuditMeta<T>;
    request: RequestInfo;
  };
}[AuthEventType];

/**
 * Writes an authentication event into the chain of every org the user belongs to, so each org's auditors see the
 * sign-ins of their members; with no user or no membership it goes to the global chain. Chains are taken in a fixed
 * order so two writers never wait on each other's advisory locks in opposite order.
 */
export async function recordAuthEventTx(tx: Tx, event: AuthEvent) {
  const orgIds = event.userId
    ? (await tx.membership.findMany({ where: { userId: event.userId }, select: { orgId: true }, orderBy: { orgId: "asc" } })).map((m) => m.orgId)
    : [];
  const target = event.userId ? { type: "user" as const, id: event.userId } : null;
  for (const orgId of orgIds.length ? orgIds : [null]) {
    // The union of AuthEvent already ties each action to its payload; TypeScript cannot carry that through the spread.
    await recordAudit(tx, { orgId, actor: event.actor, action: event.action, target, meta: event.meta, request: event.request } as AuditInput);
  }
}

export function recordAuthEvent(db: Db, event: AuthEvent) {
  return db.$transaction((tx) => recordAuthEventTx(tx, event));
}

/** The actor of an attempt whose identity is not proven: labelled with the email it claimed, if any. */
export function claimedActor(email: string | null | undefined): AuditActor {
  return { type: "anonymous", id: null, label: email || "anonymous" };
}

/** A successful sign-in: opens the server-side session and records "auth.signin" together; returns the session id. */
export async function recordSignIn(db: Db, user: { id: string; email: string }, method: SignInMethod, request: RequestInfo): Promise<string> {
  return db.$transaction(async (tx) => {
    const sessionId = await createSession(tx, user.id);
    await recordAuthEventTx(tx, { action: "auth.signin", userId: user.id, actor: { type: "user", id: user.id, label: user.email }, meta: { method }, request });
    return sessionId;
  });
}

/** A refused sign-in; the attempt is filed under the account the email names, if there is one. */
export async function recordSignInFailed(
  db: Db,
  input: { email?: string | null; method: SignInMethod; reason: SignInFailure; detail?: string; request: RequestInfo },
) {
  const email = input.email?.trim().toLowerCase().slice(0, 320) || null;
  const user = email ? await db.user.findUnique({ where: { email }, select: { id: true } }) : null;
  await recordAuthEvent(db, {
    action: "auth.signin_failed",
    userId: user?.id ?? null,
    actor: claimedActor(email),
    // `attempt` ties together the rows one attempt writes into several org chains, so the throttle counts it once.
    meta: { method: input.method, reason: input.reason, attempt: randomUUID(), ...(email ? { email } : {}), ...(input.detail ? { detail: input.detail } : {}) },
    request: input.request,
  });
}

/** Sign-out: ends the server-side session (lib/auth/sessions.ts) and records "auth.signout", together. */
export async function recordSignOut(db: Db, userId: string, request: RequestInfo, sessionId?: string | null) {
  try {
    await db.$transaction(async (tx) => {
      if (sessionId) await endSession(tx, sessionId);
      const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true } });
      if (!user) return; // the account is gone; its session already grants nothing
      await recordAuthEventTx(tx, { action: "auth.signout", userId: user.id, actor: { type: "user", id: user.id, label: user.email }, meta: {}, request });
    });
  } catch (err) {
    // Ending the session matters more than its record: never leave it alive because the audit write failed.
    if (sessionId) await endSession(db, sessionId);
    throw err;
  }
}
