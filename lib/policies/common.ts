import type { Db, Prisma } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { compareRequirements, type Change } from "../requirements/compare";
import { policyVerdict, type Verdict } from "./verdict";
import { assertWithinLimits } from "../requirements/limits";
import { diffText, type TextDiff } from "./text-diff";

export type Tx = Prisma.TransactionClient;

/** A stable name for "who" across users and tokens, e.g. to tell an author from an approver. */
export function actorKey(actor: Actor): string {
  return actor.type === "user" ? `user:${actor.userId}` : `token:${actor.tokenId}`;
}

/** Author columns of PolicyVersion and ChangeRequest for an actor. */
export function authorFields(actor: Actor) {
  return actor.type === "user"
    ? { authorId: actor.userId, authorTokenId: null, authorLabel: actor.email }
    : { authorId: null, authorTokenId: actor.tokenId, authorLabel: `token ${actor.name}` };
}

/** The limits of lib/requirements/limits.ts: 413 past 1 MiB, 422 naming the key length, depth or key count limit. */
export function assertPolicySize(toml: string): void {
  assertWithinLimits(toml);
}

/**
 * Serialises everything that assigns numbers or changes "the current version" in one org (publish, restore,
 * change request numbering), for the rest of the transaction.
 */
export async function lockOrgPolicy(tx: Tx, orgId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`policy:${orgId}`}))`;
}

export interface PolicyDiff {
  textDiff: TextDiff;
  changes: Change[];
  wider: Verdict;
}

/** Text, meaning and wider-access verdict of going from one policy text to another. Empty text = no policy. */
export function diffPolicies(before: string, after: string): PolicyDiff {
  const textDiff = diffText(before, after);
  try {
    return { textDiff, changes: compareRequirements(before, after), wider: policyVerdict(before, after) };
  } catch (err) {
    // Only drafts can be broken TOML; say so instead of failing, and count it as widening: nobody can tell it is not.
    if (err instanceof AppError && err.code === "validation_failed") {
      return { textDiff, changes: [], wider: { verdict: "WIDENS", reasons: [`cannot be compared: ${err.message}`] } };
    }
    throw err;
  }
}

/** A compact account of a change for the audit log: summaries, not the text. */
export function changeSummary(before: string, after: string, max = 20) {
  const { changes, wider, textDiff } = diffPolicies(before, after);
  return {
    changes: changes.slice(0, max).map((c) => c.summary),
    changeCount: changes.length,
    linesAdded: textDiff.added,
    linesRemoved: textDiff.removed,
    wider: wider.verdict,
    widerReasons: wider.reasons.slice(0, max),
  };
}

/** How many approvals publishing needs in the org (0 = publish directly). The one reader of the setting. */
export async function approvalsRequired(db: Db | Tx, orgId: string): Promise<number> {
  return (await db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { approvalsRequired: true } })).approvalsRequired;
}
