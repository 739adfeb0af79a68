import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { sha256Hex } from "../requirements/hash";
import { assertPolicySize, type Tx } from "./common";
import { changeSummaryOffLoop } from "../server/off-loop";
import { saveDraftSchema, type SaveDraftInput } from "./schemas";

/** Which working copy: the org's base requirements, or one group's overlay (a Draft row named "group:<id>"). */
export type DraftScope = { groupId: string } | undefined;

export function draftName(scope?: DraftScope): string {
  return scope ? `group:${scope.groupId}` : "default";
}

export interface DraftView {
  toml: string;
  revision: number;
  updatedAt: Date;
  updatedBy: string | null;
}

/** The org's current draft, or null when none was ever saved. */
export async function getDraft(db: Db, ctx: OrgContext, scope?: DraftScope): Promise<DraftView | null> {
  const draft = await db.draft.findUnique({
    where: { orgId_name: { orgId: ctx.org.id, name: draftName(scope) } },
    select: { toml: true, revision: true, updatedAt: true, updatedBy: { select: { email: true } } },
  });
  return draft && { toml: draft.toml, revision: draft.revision, updatedAt: draft.updatedAt, updatedBy: draft.updatedBy?.email ?? null };
}

/** The draft, or an empty one at revision 0 (what a first save is based on). */
export async function getDraftOrEmpty(db: Db, ctx: OrgContext, scope?: DraftScope): Promise<{ toml: string; revision: number; updatedAt: Date | null; updatedBy: string | null }> {
  return (await getDraft(db, ctx, scope)) ?? { toml: "", revision: 0, updatedAt: null, updatedBy: null };
}

/**
 * Inside a restore: makes the draft equal `toml` (a restored version's text), so the next routine publish does not
 * bring back what was rolled back. `expectedRevision`, when given, is the draft revision the admin confirmed to
 * replace; a save since then is refused rather than overwritten. Returns the draft's revision afterwards.
 */
export async function replaceDraftForRestore(tx: Tx, ctx: OrgContext, toml: string, restoredFrom: number, expectedRevision: number | undefined, request: RequestInfo): Promise<number> {
  const [current] = await tx.$queryRaw<{ id: string; toml: string; revision: number }[]>`
    SELECT id, toml, revision FROM "Draft" WHERE "orgId" = ${ctx.org.id} AND name = ${draftName()} FOR UPDATE`;
  if (expectedRevision !== undefined && (current?.revision ?? 0) !== expectedRevision) {
    throw new AppError("conflict", `The draft was saved again (revision ${current?.revision ?? 0}) since you confirmed replacing revision ${expectedRevision}; look at it before restoring.`, {
      revision: current?.revision ?? 0,
    });
  }
  if (current && current.toml === toml) return current.revision;
  const userId = ctx.actor.type === "user" ? ctx.actor.userId : null;
  const saved = current
    ? await tx.draft.update({ where: { id: current.id }, data: { toml, revision: { increment: 1 }, updatedById: userId }, select: { id: true, revision: true } })
    : await tx.draft.create({ data: { orgId: ctx.org.id, name: draftName(), toml, revision: 1, updatedById: userId }, select: { id: true, revision: true } });
  const before = current?.toml ?? "";
  await recordAudit(tx, {
    orgId: ctx.org.id,
    actor: auditActor(ctx.actor),
    action: "policy.draft.saved",
    target: { type: "draft", id: saved.id },
    diff: { revision: { before: current?.revision ?? 0, after: saved.revision }, sha256: { before: current ? sha256Hex(before) : null, after: sha256Hex(toml) } },
    meta: { restoredFrom, ...(await changeSummaryOffLoop(before, toml)) },
    request,
  });
  return saved.revision;
}

export interface SavedDraft {
  revision: number;
  updatedAt: Date;
  /** False when the text equals the stored one: nothing was written. */
  changed: boolean;
}

/**
 * Saves the draft if nobody saved since `baseRevision`; otherwise refuses with "conflict" and their text in
 * `details.theirs`, so the editor can offer theirs / yours / merge. Invalid TOML may be saved (a draft is work in
 * progress); publishing checks it.
 */
export async function saveDraft(db: Db, ctx: OrgContext, input: SaveDraftInput, request: RequestInfo, scope?: DraftScope): Promise<SavedDraft> {
  const { toml, baseRevision } = saveDraftSchema.parse(input);
  const DRAFT_NAME = draftName(scope);
  assertPolicySize(toml);
  const userId = ctx.actor.type === "user" ? ctx.actor.userId : null;
  return db.$transaction(async (tx) => {
    // The row lock makes two saves on the same base take turns: the second sees the first's revision and is refused.
    const [current] = await tx.$queryRaw<{ id: string; toml: string; revision: number }[]>`
      SELECT id, toml, revision FROM "Draft" WHERE "orgId" = ${ctx.org.id} AND name = ${DRAFT_NAME} FOR UPDATE`;
    const currentRevision = current?.revision ?? 0;
    if (currentRevision !== baseRevision) throw await conflict(tx, ctx, baseRevision, DRAFT_NAME);
    if (current && current.toml === toml) {
      const row = await tx.draft.findUniqueOrThrow({ where: { id: current.id }, select: { updatedAt: true } });
      return { revision: current.revision, updatedAt: row.updatedAt, changed: false };
    }
    let saved: { id: string; revision: number; updatedAt: Date };
    if (current) {
      saved = await tx.draft.update({
        where: { id: current.id },
        data: { toml, revision: { increment: 1 }, updatedById: userId },
        select: { id: true, revision: true, updatedAt: true },
      });
    } else {
      // Two first saves race on the unique (orgId, name): the loser's insert fails and is reported as a conflict.
      const inserted = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO "Draft" (id, "orgId", name, toml, revision, "updatedAt", "updatedById")
        VALUES (${crypto.randomUUID()}, ${ctx.org.id}, ${DRAFT_NAME}, ${toml}, 1, now(), ${userId})
        ON CONFLICT ("orgId", name) DO NOTHING RETURNING id`;
      if (inserted.length === 0) throw await conflict(tx, ctx, baseRevision, DRAFT_NAME);
      saved = await tx.draft.findUniqueOrThrow({ where: { id: inserted[0].id }, select: { id: true, revision: true, updatedAt: true } });
    }
    const before = current?.toml ?? "";
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "policy.draft.saved",
      target: { type: "draft", id: saved.id },
      diff: { revision: { before: currentRevision, after: saved.revision }, sha256: { before: current ? sha256Hex(before) : null, after: sha256Hex(toml) } },
      meta: await changeSummaryOffLoop(before, toml),
      request,
    });
    return { revision: saved.revision, updatedAt: saved.updatedAt, changed: true };
  });
}

async function conflict(tx: Tx, ctx: OrgContext, baseRevision: number, name: string): Promise<AppError> {
  const theirs = await tx.draft.findUnique({
    where: { orgId_name: { orgId: ctx.org.id, name } },
    select: { toml: true, revision: true, updatedAt: true, updatedBy: { select: { email: true } } },
  });
  return new AppError(
    "conflict",
    `The draft was saved by ${theirs?.updatedBy?.email ?? "someone else"} since revision ${baseRevision}; nothing was overwritten.`,
    { theirs: theirs ? { toml: theirs.toml, revision: theirs.revision, updatedBy: theirs.updatedBy?.email ?? null, updatedAt: theirs.updatedAt.toISOString() } : { toml: "", revision: 0, updatedBy: null, updatedAt: null } },
  );
}
