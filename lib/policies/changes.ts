import type { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, can, type OrgContext } from "../auth/actor";
import type { Diagnostic } from "../requirements";
import { sha256Hex } from "../requirements/hash";
import { approvalsRequired, actorKey, assertPolicySize, authorFields, lockOrgPolicy, type PolicyDiff, type Tx } from "./common";
import { changeSummaryOffLoop, reviewOffLoop } from "../server/off-loop";
import { assertFleetPublishable, currentVersion, insertVersion, type VersionView } from "./versions";
import {
  attachmentSchema,
  createChangeRequestSchema,
  decisionSchema,
  publishChangeRequestSchema,
  updateChangeRequestSchema,
  versionNumberSchema,
  type AttachmentInput,
  type CreateChangeRequestInput,
  type DecisionInput,
  type PublishChangeRequestInput,
  type UpdateChangeRequestInput,
} from "./schemas";

/*
 * Change requests: a proposed version that needs the org's number of approvals before it ships. Every edit bumps the
 * request's revision and withdraws the decisions made so far; nobody who wrote part of it may decide on it; it can
 * ship only on the version it was compared with, so approvers always approved the diff that ships.
 */

export type ChangeRequestState = "open" | "approved" | "rejected" | "published" | "withdrawn";

export interface ApprovalView {
  approver: string;
  approverId: string;
  decision: "approve" | "reject";
  comment: string;
  revision: number;
  createdAt: Date;
  withdrawn: boolean;
}

export interface ChangeRequestSummary {
  number: number;
  title: string;
  state: ChangeRequestState;
  author: string;
  createdAt: Date;
  updatedAt: Date;
  revision: number;
  baseVersionNumber: number | null;
  approvalsGiven: number;
  approvalsRequired: number;
  rejections: number;
  versionNumber: number | null;
  /** The group whose overlay the request proposes (null: the org's base requirements). */
  group: string | null;
}

export interface ChangeRequestView extends ChangeRequestSummary {
  note: string;
  toml: string;
  sha256: string;
  restoredFromNumber: number | null;
  /** "user:<id>" / "token:<id>" of the author and everyone who edited it: none of them may decide on it. */
  contributors: string[];
  authorKey: string;
  approvals: ApprovalView[];
  attachments: { id: string; kind: string; refId: string; label: string; createdAt: Date }[];
  validation: { valid: boolean; diagnostics: Diagnostic[] };
  /** Against the base version (the one approvers compare with). */
  diff: PolicyDiff;
  currentVersionNumber: number | null;
  /** Why it cannot be published right now; empty when it can. */
  blockers: string[];
}

export const crSelect = {
  id: true,
  number: true,
  title: true,
  note: true,
  toml: true,
  sha256: true,
  status: true,
  authorId: true,
  authorTokenId: true,
  authorLabel: true,
  contributors: true,
  baseVersionNumber: true,
  baseDraftRevision: true,
  restoredFromNumber: true,
  revision: true,
  createdAt: true,
  updatedAt: true,
  groupId: true,
  baseOverlayNumber: true,
  group: { select: { name: true } },
  version: { select: { number: true } },
  approvals: { orderBy: { createdAt: "asc" }, select: { approverId: true, approverLabel: true, decision: true, comment: true, revision: true, createdAt: true, withdrawnAt: true } },
} as const;

type CrRow = {
  number: number;
  title: string;
  status: "open" | "published" | "withdrawn";
  authorLabel: string;
  createdAt: Date;
  updatedAt: Date;
  revision: number;
  baseVersionNumber: number | null;
  group: { name: string } | null;
  version: { number: number } | null;
  approvals: { decision: "approve" | "reject"; revision: number; withdrawnAt: Date | null; approverLabel: string }[];
};

export function activeDecisions(row: CrRow) {
  return row.approvals.filter((a) => a.withdrawnAt === null && a.revision === row.revision);
}

export function summarise(row: CrRow, approvalsRequired: number): ChangeRequestSummary {
  const active = activeDecisions(row);
  const approvalsGiven = active.filter((a) => a.decision === "approve").length;
  const rejections = active.filter((a) => a.decision === "reject").length;
  const state: ChangeRequestState =
    row.status !== "open" ? row.status : rejections > 0 ? "rejected" : approvalsGiven >= approvalsRequired ? "approved" : "open";
  return {
    number: row.number,
    title: row.title,
    state,
    author: row.authorLabel,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    revision: row.revision,
    baseVersionNumber: row.baseVersionNumber,
    approvalsGiven,
    approvalsRequired,
    rejections,
    versionNumber: row.version?.number ?? null,
    group: row.group?.name ?? null,
  };
}

export function keyOfAuthor(row: { authorId: string | null; authorTokenId: string | null }): string {
  return row.authorId ? `user:${row.authorId}` : `token:${row.authorTokenId}`;
}

/** Locks the request's row for the rest of the transaction, so edits, decisions and publishing take turns. */
export async function lockChangeRequest(tx: Tx, ctx: OrgContext, number: number) {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "ChangeRequest" WHERE "orgId" = ${ctx.org.id} AND number = ${number} FOR UPDATE`;
  if (rows.length === 0) throw new AppError("not_found", `There is no change request #${number}.`);
  return tx.changeRequest.findUniqueOrThrow({ where: { id: rows[0].id }, select: crSelect });
}

export function assertOpen(row: { status: string; number: number }) {
  if (row.status !== "open") throw new AppError("conflict", `Change request #${row.number} is ${row.status}; it can no longer change.`);
}

/**
 * A request of a group's overlay is read and published with the group (lib/groups/changes.ts: its diff and verdict are
 * of the composed files); approving, rejecting and withdrawing work the same for both kinds.
 */
function assertBaseRequest(row: { number: number; group: { name: string } | null }, what: "read" | "edit" | "publish") {
  if (!row.group) return;
  const where = `/api/v1/orgs/{org}/groups/${encodeURIComponent(row.group.name)}/overlay/changes`;
  const how = `${what} it through ${where}/${row.number}`;
  throw new AppError("conflict", `Change request #${row.number} proposes group "${row.group.name}"'s overlay; ${how}.`, { group: row.group.name });
}

export function assertRevision(row: { revision: number; number: number }, revision: number | undefined) {
  if (revision !== undefined && revision !== row.revision) {
    throw new AppError("conflict", `Change request #${row.number} was edited since you looked (revision ${revision} → ${row.revision}); review it again.`, {
      revision: row.revision,
    });
  }
}

export interface OpenChangeRequestInput {
  title: string;
  note: string;
  toml: string;
  baseDraftRevision?: number;
  restoredFromNumber?: number | null;
}

/** Opens a request proposing `toml` (from the draft, or an old version's text for a restore). */
export async function openChangeRequest(db: Db, ctx: OrgContext, input: OpenChangeRequestInput, request: RequestInfo): Promise<ChangeRequestSummary> {
  assertPolicySize(input.toml);
  await assertFleetPublishable(db, ctx.org.id, input.toml);
  let baseToml = "";
  const summary = await db.$transaction(async (tx) => {
    await lockOrgPolicy(tx, ctx.org.id);
    const current = await currentVersion(tx, ctx.org.id);
    baseToml = current?.toml ?? "";
    if (current && current.toml === input.toml) throw new AppError("conflict", `Nothing changed: the text is identical to version ${current.number}.`);
    const last = await tx.changeRequest.findFirst({ where: { orgId: ctx.org.id }, orderBy: { number: "desc" }, select: { number: true } });
    const row = await tx.changeRequest.create({
      data: {
        orgId: ctx.org.id,
        number: (last?.number ?? 0) + 1,
        title: input.title,
        note: input.note,
        toml: input.toml,
        sha256: sha256Hex(input.toml),
        baseVersionNumber: current?.number ?? null,
        baseDraftRevision: input.baseDraftRevision ?? 0,
        restoredFromNumber: input.restoredFromNumber ?? null,
        ...authorFields(ctx.actor),
        contributors: [actorKey(ctx.actor)],
      },
      select: crSelect,
    });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "policy.change_request.opened",
      target: { type: "change_request", id: String(row.number) },
      diff: { title: { after: row.title }, sha256: { after: row.sha256 }, baseVersion: { after: row.baseVersionNumber } },
      meta: { note: row.note, ...(input.restoredFromNumber ? { restoredFrom: input.restoredFromNumber } : {}), ...(await changeSummaryOffLoop(current?.toml ?? "", row.toml)) },
      request,
    });
    return summarise(row, await approvalsRequired(tx, ctx.org.id));
  });
  await gatherImpact(db, ctx, { number: summary.number, revision: summary.revision, toml: input.toml, baseVersionNumber: summary.baseVersionNumber, baseToml }, request);
  return summary;
}

/**
 * A request whose Auto-review policy text changed carries impact evidence: the sample library reviewed on the current
 * and the proposed policy (lib/sandbox/impact.ts, loaded lazily because the sandbox builds on this module).
 */
async function gatherImpact(db: Db, ctx: OrgContext, cr: { number: number; revision: number; toml: string; baseVersionNumber: number | null; baseToml: string }, request: RequestInfo) {
  const { attachPolicyImpact } = await import("../sandbox/impact");
  await attachPolicyImpact(db, ctx, cr, request);
}

/** Opens a change request for the current draft. */
export async function createChangeRequest(db: Db, ctx: OrgContext, input: CreateChangeRequestInput, request: RequestInfo): Promise<ChangeRequestSummary> {
  const { title, note } = createChangeRequestSchema.parse(input);
  const draft = await db.draft.findUnique({ where: { orgId_name: { orgId: ctx.org.id, name: "default" } }, select: { toml: true, revision: true } });
  if (!draft) throw new AppError("not_found", "There is no draft to propose yet.");
  return openChangeRequest(db, ctx, { title, note, toml: draft.toml, baseDraftRevision: draft.revision }, request);
}

export async function listChangeRequests(db: Db, ctx: OrgContext, opts: { status?: "open" | "closed" } = {}): Promise<ChangeRequestSummary[]> {
  const where =
    opts.status === "open" ? { status: "open" as const } : opts.status === "closed" ? { status: { in: ["published" as const, "withdrawn" as const] } } : {};
  const [rows, required] = await Promise.all([
    db.changeRequest.findMany({ where: { orgId: ctx.org.id, groupId: null, ...where }, orderBy: { number: "desc" }, take: 200, select: crSelect }),
    approvalsRequired(db, ctx.org.id),
  ]);
  return rows.map((r) => summarise(r, required));
}

export async function getChangeRequest(db: Db, ctx: OrgContext, number: number | string): Promise<ChangeRequestView> {
  const n = versionNumberSchema.parse(number);
  const row = await db.changeRequest.findUnique({
    where: { orgId_number: { orgId: ctx.org.id, number: n } },
    select: { ...crSelect, attachments: { orderBy: { createdAt: "asc" }, select: { id: true, kind: true, refId: true, label: true, createdAt: true } } },
  });
  if (!row) throw new AppError("not_found", `There is no change request #${n}.`);
  assertBaseRequest(row, "read");
  const [required, current, base] = await Promise.all([
    approvalsRequired(db, ctx.org.id),
    currentVersion(db, ctx.org.id),
    row.baseVersionNumber === null
      ? null
      : db.policyVersion.findUnique({ where: { orgId_number: { orgId: ctx.org.id, number: row.baseVersionNumber } }, select: { toml: true } }),
  ]);
  const summary = summarise(row, required);
  const { validation, diff } = await reviewOffLoop(base?.toml ?? "", row.toml);
  return {
    ...summary,
    note: row.note,
    toml: row.toml,
    sha256: row.sha256,
    restoredFromNumber: row.restoredFromNumber,
    contributors: row.contributors,
    authorKey: keyOfAuthor(row),
    approvals: row.approvals.map((a) => ({
      approver: a.approverLabel,
      approverId: a.approverId,
      decision: a.decision,
      comment: a.comment,
      revision: a.revision,
      createdAt: a.createdAt,
      withdrawn: a.withdrawnAt !== null || a.revision !== row.revision,
    })),
    attachments: row.attachments,
    validation: { valid: validation.valid, diagnostics: validation.diagnostics },
    diff,
    currentVersionNumber: current?.number ?? null,
    blockers: blockers(row, summary, validation.valid, current?.number ?? null),
  };
}

function blockers(row: CrRow, s: ChangeRequestSummary, valid: boolean, currentNumber: number | null): string[] {
  if (row.status !== "open") return [`It is ${row.status}.`];
  const out: string[] = [];
  if (!valid) out.push("Codex would refuse the proposed text.");
  if (s.rejections > 0) {
    const who = activeDecisions(row).filter((a) => a.decision === "reject").map((a) => a.approverLabel);
    out.push(`Rejected by ${who.join(", ")}.`);
  }
  if (s.approvalsGiven < s.approvalsRequired) {
    const missing = s.approvalsRequired - s.approvalsGiven;
    out.push(`Needs ${missing} more approval${missing === 1 ? "" : "s"} (${s.approvalsGiven} of ${s.approvalsRequired}).`);
  }
  if (currentNumber !== row.baseVersionNumber) {
    out.push(`Version ${currentNumber} was published after this request was based on ${row.baseVersionNumber === null ? "no version" : `version ${row.baseVersionNumber}`}: rebase it so reviewers see the diff that would ship.`);
  }
  return out;
}

/**
 * What a change request proposes, for the edit core below: the org's base requirements (here) or a group's overlay
 * (lib/groups/changes.ts). Both edit, re-compare, withdraw decisions and audit the same way.
 */
export interface ChangeSubject {
  /** The draft whose text `fromDraft` takes, already checked; refused (AppError) when it proposes nothing new. */
  draft(tx: Tx): Promise<{ toml: string; revision: number }>;
  /** The number the request should be compared with now: the current base version, or the group's overlay version. */
  current: number | null;
  /** Where the request keeps the number it was compared with, and the name the audit log gives it. */
  base: { field: "baseVersionNumber"; audit: "baseVersion" } | { field: "baseOverlayNumber"; audit: "baseOverlayVersion" };
  /** Audit meta of the subject (the group of an overlay request). */
  meta?: { group: string };
}

type LockedRequest = Awaited<ReturnType<typeof lockChangeRequest>>;

/**
 * Edits an open, locked request: title, note, the text (from the subject's draft) or the number it is compared with.
 * Any edit bumps the revision and withdraws every decision made so far, because reviewers decided on something else.
 * Returns the updated row, or throws "conflict" when the edit changes nothing.
 */
export async function reviseChangeRequest(tx: Tx, ctx: OrgContext, row: LockedRequest, patch: z.output<typeof updateChangeRequestSchema>, subject: ChangeSubject, request: RequestInfo) {
  assertOpen(row);
  assertRevision(row, patch.revision);
  const data: { title?: string; note?: string; toml?: string; sha256?: string; baseDraftRevision?: number; baseVersionNumber?: number | null; baseOverlayNumber?: number | null } = {};
  if (patch.title !== undefined && patch.title !== row.title) data.title = patch.title;
  if (patch.note !== undefined && patch.note !== row.note) data.note = patch.note;
  if (patch.fromDraft) {
    const draft = await subject.draft(tx);
    if (draft.toml !== row.toml) Object.assign(data, { toml: draft.toml, sha256: sha256Hex(draft.toml) });
    data.baseDraftRevision = draft.revision;
  }
  const field = subject.base.field;
  if ((patch.fromDraft || patch.rebase) && subject.current !== row[field]) data[field] = subject.current;
  const edited = ["title", "note", "toml", field].filter((k) => k in data);
  if (edited.length === 0) throw new AppError("conflict", "Nothing changed: the request already says this.");

  const withdrawn = await tx.approval.updateMany({ where: { changeRequestId: row.id, withdrawnAt: null }, data: { withdrawnAt: new Date() } });
  const key = actorKey(ctx.actor);
  const updated = await tx.changeRequest.update({
    where: { id: row.id },
    data: { ...data, revision: { increment: 1 }, contributors: row.contributors.includes(key) ? undefined : { push: key } },
    select: crSelect,
  });
  const diff: Record<string, { before: unknown; after: unknown }> = { revision: { before: row.revision, after: updated.revision } };
  if (data.title !== undefined) diff.title = { before: row.title, after: updated.title };
  if (data.note !== undefined) diff.note = { before: row.note, after: updated.note };
  if (data.toml !== undefined) diff.sha256 = { before: row.sha256, after: updated.sha256 };
  if (field in data) diff[subject.base.audit] = { before: row[field], after: updated[field] };
  await recordAudit(tx, {
    orgId: ctx.org.id,
    actor: auditActor(ctx.actor),
    action: "policy.change_request.updated",
    target: { type: "change_request", id: String(row.number) },
    diff,
    meta: { ...subject.meta, withdrawnDecisions: withdrawn.count, ...(data.toml !== undefined ? await changeSummaryOffLoop(row.toml, data.toml) : {}) },
    request,
  });
  return { updated, textChanged: data.toml !== undefined, baseChanged: field in data };
}

/** Edits an open request of the base: title, note, the text (from the current draft) or its base (lib/policies/changes.ts core). */
export async function updateChangeRequest(
  db: Db,
  ctx: OrgContext,
  number: number | string,
  input: UpdateChangeRequestInput,
  request: RequestInfo,
): Promise<ChangeRequestSummary> {
  const n = versionNumberSchema.parse(number);
  const patch = updateChangeRequestSchema.parse(input);
  let measure: Parameters<typeof gatherImpact>[2] | null = null;
  const summary = await db.$transaction(async (tx) => {
    await lockOrgPolicy(tx, ctx.org.id);
    const row = await lockChangeRequest(tx, ctx, n);
    assertBaseRequest(row, "edit");
    const current = await currentVersion(tx, ctx.org.id);
    const { updated, textChanged, baseChanged } = await reviseChangeRequest(tx, ctx, row, patch, {
      current: current?.number ?? null,
      base: { field: "baseVersionNumber", audit: "baseVersion" },
      draft: async () => {
        const draft = await tx.draft.findUnique({ where: { orgId_name: { orgId: ctx.org.id, name: "default" } }, select: { toml: true, revision: true } });
        if (!draft) throw new AppError("not_found", "There is no draft to take the text from.");
        await assertFleetPublishable(tx, ctx.org.id, draft.toml);
        if (current && current.toml === draft.toml) throw new AppError("conflict", `Nothing changed: the draft is identical to version ${current.number}.`);
        return draft;
      },
    }, request);
    if (textChanged || baseChanged) {
      const base = updated.baseVersionNumber === null ? null : updated.baseVersionNumber === current?.number ? current
        : await tx.policyVersion.findUnique({ where: { orgId_number: { orgId: ctx.org.id, number: updated.baseVersionNumber } }, select: { toml: true } });
      measure = { number: n, revision: updated.revision, toml: updated.toml, baseVersionNumber: updated.baseVersionNumber, baseToml: base?.toml ?? "" };
    }
    return summarise(updated, await approvalsRequired(tx, ctx.org.id));
  });
  if (measure) await gatherImpact(db, ctx, measure, request);
  return summary;
}

/** Records an approver's decision; it replaces that approver's earlier decision on the request. */
export async function decideChangeRequest(
  db: Db,
  ctx: OrgContext,
  number: number | string,
  decision: "approve" | "reject",
  input: DecisionInput,
  request: RequestInfo,
): Promise<ChangeRequestSummary> {
  const n = versionNumberSchema.parse(number);
  const { comment, revision } = decisionSchema.parse(input);
  if (ctx.actor.type !== "user") throw new AppError("forbidden", "Only people approve or reject changes, not API tokens.");
  if (decision === "reject" && comment === "") throw new AppError("validation_failed", "comment: say why you reject the change.", [{ path: "comment", message: "Required when rejecting" }]);
  const actor = ctx.actor;
  return db.$transaction(async (tx) => {
    const row = await lockChangeRequest(tx, ctx, n);
    assertOpen(row);
    assertRevision(row, revision);
    if (row.contributors.includes(actorKey(actor))) {
      throw new AppError("forbidden", decision === "approve" ? "You cannot approve your own change." : "You cannot reject your own change; withdraw it instead.");
    }
    await tx.approval.updateMany({ where: { changeRequestId: row.id, approverId: actor.userId, withdrawnAt: null }, data: { withdrawnAt: new Date() } });
    await tx.approval.create({
      data: { changeRequestId: row.id, approverId: actor.userId, approverLabel: actor.email, decision, comment, revision: row.revision },
    });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(actor),
      action: decision === "approve" ? "policy.change_request.approved" : "policy.change_request.rejected",
      target: { type: "change_request", id: String(n) },
      diff: { decision: { after: decision } },
      meta: { comment, revision: row.revision, sha256: row.sha256 },
      request,
    });
    const after = await tx.changeRequest.findUniqueOrThrow({ where: { id: row.id }, select: crSelect });
    return summarise(after, await approvalsRequired(tx, ctx.org.id));
  });
}

/**
 * Ships an approved request as the next version, to rings first when `rollout` names them (as publishing a draft can).
 * Refused when approvals are missing, it was rejected, or the base moved.
 */
export async function publishChangeRequest(db: Db, ctx: OrgContext, number: number | string, request: RequestInfo, input: PublishChangeRequestInput = {}): Promise<VersionView> {
  const n = versionNumberSchema.parse(number);
  const { rollout } = publishChangeRequestSchema.parse(input);
  return db.$transaction(async (tx) => {
    await lockOrgPolicy(tx, ctx.org.id);
    const row = await lockChangeRequest(tx, ctx, n);
    assertBaseRequest(row, "publish");
    assertOpen(row);
    const required = await approvalsRequired(tx, ctx.org.id);
    const s = summarise(row, required);
    const current = await currentVersion(tx, ctx.org.id);
    if (s.rejections > 0) throw new AppError("conflict", `Change request #${n} was rejected; edit it to ask again.`);
    if (s.approvalsGiven < required) throw new AppError("forbidden", `Change request #${n} has ${s.approvalsGiven} of the ${required} approvals it needs.`);
    if ((current?.number ?? null) !== row.baseVersionNumber) {
      throw new AppError("conflict", `Version ${current?.number} was published after change request #${n} was based on ${row.baseVersionNumber === null ? "no version" : `version ${row.baseVersionNumber}`}; rebase it and ask for approval again.`);
    }
    const approvers = activeDecisions(row).filter((a) => a.decision === "approve").map((a) => a.approverLabel);
    const version = await insertVersion(
      tx,
      ctx,
      { toml: row.toml, note: row.note, restoredFromNumber: row.restoredFromNumber, changeRequest: { id: row.id, number: n, approvers }, rollout },
      request,
    );
    await tx.changeRequest.update({ where: { id: row.id }, data: { status: "published", closedAt: new Date() } });
    return version;
  });
}

/** Closes an open request without publishing it: its author, or anyone who may publish. */
export async function withdrawChangeRequest(db: Db, ctx: OrgContext, number: number | string, request: RequestInfo): Promise<ChangeRequestSummary> {
  const n = versionNumberSchema.parse(number);
  return db.$transaction(async (tx) => {
    const row = await lockChangeRequest(tx, ctx, n);
    assertOpen(row);
    const mayPublish = ctx.role !== null && can(ctx.role, "policy:publish");
    if (keyOfAuthor(row) !== actorKey(ctx.actor) && !mayPublish) throw new AppError("forbidden", "Only the author or a publisher can withdraw this change request.");
    const updated = await tx.changeRequest.update({ where: { id: row.id }, data: { status: "withdrawn", closedAt: new Date() }, select: crSelect });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "policy.change_request.withdrawn",
      target: { type: "change_request", id: String(n) },
      diff: { status: { before: "open", after: "withdrawn" } },
      request,
    });
    return summarise(updated, await approvalsRequired(tx, ctx.org.id));
  });
}

/** Attaches evidence (a sandbox run or comparison) to an open request, for reviewers. */
export async function attachEvidence(db: Db, ctx: OrgContext, number: number | string, input: AttachmentInput, request: RequestInfo) {
  const n = versionNumberSchema.parse(number);
  const { kind, refId, label } = attachmentSchema.parse(input);
  return db.$transaction(async (tx) => {
    const row = await lockChangeRequest(tx, ctx, n);
    assertOpen(row);
    const created = await tx.changeRequestAttachment.create({ data: { changeRequestId: row.id, kind, refId, label }, select: { id: true, kind: true, refId: true, label: true, createdAt: true } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "policy.change_request.evidence_attached",
      target: { type: "change_request", id: String(n) },
      diff: { attachment: { after: { kind, refId, label } } },
      request,
    });
    return created;
  });
}
