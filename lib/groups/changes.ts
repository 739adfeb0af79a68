import { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext, type Permission } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { sha256Hex } from "../requirements/hash";
import { actorKey, approvalsRequired, assertPolicySize, authorFields, changeSummary, diffPolicies, lockOrgPolicy, type PolicyDiff, type Tx } from "../policies/common";
import {
  activeDecisions,
  assertOpen,
  crSelect,
  keyOfAuthor,
  lockChangeRequest,
  reviseChangeRequest,
  summarise,
  type ApprovalView,
  type ChangeRequestSummary,
} from "../policies/changes";
import { createChangeRequestSchema, updateChangeRequestSchema, versionNumberSchema, type CreateChangeRequestInput, type UpdateChangeRequestInput } from "../policies/schemas";
import type { Verdict } from "../policies/verdict";
import { servedBaseVersions } from "../rollouts/plan";
import { groupLabel } from "./bundles";
import { assertComposable, composeOverlay, type OverlayFinding } from "./compose";
import { insertOverlayVersion, groupNameSchema, type OverlayVersionView } from "./index";

/*
 * Change requests of a group's overlay: the same requests, approvals and rules as the base (numbered with the org's
 * requests, nobody who wrote it may decide on it, the org's approval count), but what reviewers judge is the file the
 * group's hosts would receive: the overlay composed over each base version hosts are being served, with that
 * composed file's verdict (PASS / WIDENS / REVIEW) and diff. Approving, rejecting and withdrawing use the base's
 * functions (lib/policies/changes.ts), and so does editing (its core `reviseChangeRequest`, with the group's overlay
 * draft as the subject); opening, reading and publishing live here.
 */

/** The composed file of one base version, before and after the proposed overlay. */
export interface ComposedChange {
  baseVersion: number | null;
  /** Verdict and diff of the group's composed file (current overlay → proposed overlay) over this base. */
  diff: PolicyDiff;
  verdict: Verdict;
  valid: boolean;
  findings: OverlayFinding[];
}

export interface OverlayChangeRequestView extends ChangeRequestSummary {
  group: string;
  note: string;
  toml: string;
  sha256: string;
  contributors: string[];
  authorKey: string;
  approvals: ApprovalView[];
  /** The overlay version it was compared with, and the group's newest now. */
  baseOverlayNumber: number | null;
  currentOverlayNumber: number | null;
  /** The overlay text's own diff. */
  overlayDiff: PolicyDiff;
  /** One entry per base version hosts are served now (two while a rollout runs). */
  composed: ComposedChange[];
  blockers: string[];
}

async function findGroup(db: Db | Tx, ctx: OrgContext, name: string) {
  const n = groupNameSchema.parse(name);
  const g = await db.hostGroup.findUnique({ where: { orgId_name: { orgId: ctx.org.id, name: n } }, select: { id: true, name: true } });
  if (!g) throw new AppError("not_found", `There is no group "${n}".`);
  return g;
}

async function latestOverlay(db: Db | Tx, groupId: string) {
  return db.overlayVersion.findFirst({ where: { groupId }, orderBy: { number: "desc" }, select: { number: true, toml: true } });
}

/** The composed files over every served base (the overlay alone when nothing is published yet). */
async function composedChanges(db: Db | Tx, orgId: string, group: { name: string }, before: string, after: string): Promise<ComposedChange[]> {
  const bases = await servedBaseVersions(db, orgId);
  const label = groupLabel(group.name);
  return (bases.length ? bases : [{ number: null, toml: "" }]).map((b) => {
    const was = composeOverlay(b.toml, before, { overlayName: label });
    const now = composeOverlay(b.toml, after, { overlayName: label });
    const diff = diffPolicies(before.trim() === "" ? b.toml : was.toml, now.toml);
    return { baseVersion: b.number, diff, verdict: diff.wider, valid: now.valid, findings: now.findings };
  });
}

/**
 * The group's overlay draft as a request's text: refused when it proposes nothing new or when a composed file would
 * not load in Codex (findings named against the overlay's lines).
 */
async function proposableOverlayDraft(tx: Tx, ctx: OrgContext, g: { id: string; name: string }, current: { number: number; toml: string } | null) {
  const draft = await tx.draft.findUnique({ where: { orgId_name: { orgId: ctx.org.id, name: `group:${g.id}` } }, select: { toml: true, revision: true } });
  if (!draft) throw new AppError("not_found", `Group "${g.name}" has no overlay draft to propose yet.`);
  assertPolicySize(draft.toml);
  if (current && current.toml === draft.toml) throw new AppError("conflict", `Nothing changed: the overlay draft is identical to overlay version ${current.number}.`);
  if (!current && draft.toml.trim() === "") throw new AppError("conflict", `Nothing changed: group "${g.name}" has no overlay and the draft is empty.`);
  for (const c of await composedChanges(tx, ctx.org.id, g, current?.toml ?? "", draft.toml)) {
    assertComposable({ valid: c.valid, findings: c.findings } as Parameters<typeof assertComposable>[0], groupLabel(g.name));
  }
  return draft;
}

/** Opens a change request proposing the group's overlay draft. Refused when a composed file would not load in Codex. */
export async function createOverlayChangeRequest(db: Db, ctx: OrgContext, name: string, input: CreateChangeRequestInput, request: RequestInfo): Promise<ChangeRequestSummary> {
  requirePermission(ctx, "policy:edit");
  const { title, note } = createChangeRequestSchema.parse(input);
  return db.$transaction(async (tx) => {
    await lockOrgPolicy(tx, ctx.org.id);
    const g = await findGroup(tx, ctx, name);
    const current = await latestOverlay(tx, g.id);
    const draft = await proposableOverlayDraft(tx, ctx, g, current);
    const base = await tx.policyVersion.findFirst({ where: { orgId: ctx.org.id }, orderBy: { number: "desc" }, select: { number: true } });
    const last = await tx.changeRequest.findFirst({ where: { orgId: ctx.org.id }, orderBy: { number: "desc" }, select: { number: true } });
    const row = await tx.changeRequest.create({
      data: {
        orgId: ctx.org.id,
        number: (last?.number ?? 0) + 1,
        title,
        note,
        toml: draft.toml,
        sha256: sha256Hex(draft.toml),
        groupId: g.id,
        baseOverlayNumber: current?.number ?? null,
        baseVersionNumber: base?.number ?? null,
        baseDraftRevision: draft.revision,
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
      diff: { title: { after: row.title }, sha256: { after: row.sha256 }, baseOverlayVersion: { after: row.baseOverlayNumber } },
      meta: { group: g.name, note: row.note, ...changeSummary(current?.toml ?? "", row.toml) },
      request,
    });
    return summarise(row, await approvalsRequired(tx, ctx.org.id));
  });
}

/**
 * Edits an open overlay request like a base one: title, note, the text from the group's newer overlay draft
 * (`fromDraft`, checked as when opening), or the overlay version it compares with (`rebase`). Every edit withdraws the
 * decisions made so far.
 */
export async function updateOverlayChangeRequest(
  db: Db,
  ctx: OrgContext,
  name: string,
  number: number | string,
  input: UpdateChangeRequestInput,
  request: RequestInfo,
): Promise<ChangeRequestSummary> {
  return withOverlayRequest(db, ctx, name, number, "policy:edit", () => updateChangeRequestSchema.parse(input), async (tx, g, row, patch) => {
    const current = await latestOverlay(tx, g.id);
    const { updated } = await reviseChangeRequest(tx, ctx, row, patch, {
      current: current?.number ?? null,
      base: { field: "baseOverlayNumber", audit: "baseOverlayVersion" },
      meta: { group: g.name },
      draft: () => proposableOverlayDraft(tx, ctx, g, current),
    }, request);
    return summarise(updated, await approvalsRequired(tx, ctx.org.id));
  });
}

/**
 * How updating and publishing an overlay request begin: the permission, the request's number and the rest of the input
 * (`parse`) checked before anything is read; then, in one transaction holding the org's policy lock, the group and its
 * request #number, locked, for `run`. A request of another group or of the base is not found.
 */
async function withOverlayRequest<I, T>(
  db: Db,
  ctx: OrgContext,
  name: string,
  number: number | string,
  permission: Permission,
  parse: () => I,
  run: (tx: Tx, g: { id: string; name: string }, row: Awaited<ReturnType<typeof lockChangeRequest>>, input: I) => Promise<T>,
): Promise<T> {
  requirePermission(ctx, permission);
  const n = versionNumberSchema.parse(number);
  const input = parse();
  return db.$transaction(async (tx) => {
    await lockOrgPolicy(tx, ctx.org.id);
    const g = await findGroup(tx, ctx, name);
    await requestOfGroup(tx, ctx, g, n);
    return run(tx, g, await lockChangeRequest(tx, ctx, n), input);
  });
}

/** The group's change requests, newest first. */
export async function listOverlayChangeRequests(db: Db, ctx: OrgContext, name: string, opts: { status?: "open" | "closed" } = {}): Promise<ChangeRequestSummary[]> {
  requirePermission(ctx, "org:read");
  const g = await findGroup(db, ctx, name);
  const where = opts.status === "open" ? { status: "open" as const } : opts.status === "closed" ? { status: { in: ["published" as const, "withdrawn" as const] } } : {};
  const [rows, required] = await Promise.all([
    db.changeRequest.findMany({ where: { orgId: ctx.org.id, groupId: g.id, ...where }, orderBy: { number: "desc" }, take: 200, select: crSelect }),
    approvalsRequired(db, ctx.org.id),
  ]);
  return rows.map((r) => summarise(r, required));
}

async function requestOfGroup(db: Db | Tx, ctx: OrgContext, g: { id: string; name: string }, n: number) {
  const row = await db.changeRequest.findUnique({ where: { orgId_number: { orgId: ctx.org.id, number: n } }, select: crSelect });
  if (!row || row.groupId !== g.id) throw new AppError("not_found", `Group "${g.name}" has no change request #${n}.`);
  return row;
}

export async function getOverlayChangeRequest(db: Db, ctx: OrgContext, name: string, number: number | string): Promise<OverlayChangeRequestView> {
  requirePermission(ctx, "org:read");
  const n = versionNumberSchema.parse(number);
  const g = await findGroup(db, ctx, name);
  const row = await requestOfGroup(db, ctx, g, n);
  const [required, current, compared] = await Promise.all([
    approvalsRequired(db, ctx.org.id),
    latestOverlay(db, g.id),
    row.baseOverlayNumber === null ? null : db.overlayVersion.findUnique({ where: { groupId_number: { groupId: g.id, number: row.baseOverlayNumber } }, select: { toml: true } }),
  ]);
  const summary = summarise(row, required);
  const composed = await composedChanges(db, ctx.org.id, g, compared?.toml ?? "", row.toml);
  const blockers: string[] = [];
  if (row.status !== "open") blockers.push(`It is ${row.status}.`);
  else {
    if (composed.some((c) => !c.valid)) blockers.push(`Codex would refuse the composed file over version ${composed.find((c) => !c.valid)!.baseVersion}.`);
    if (summary.rejections > 0) blockers.push(`Rejected by ${activeDecisions(row).filter((a) => a.decision === "reject").map((a) => a.approverLabel).join(", ")}.`);
    if (summary.approvalsGiven < summary.approvalsRequired) {
      const missing = summary.approvalsRequired - summary.approvalsGiven;
      blockers.push(`Needs ${missing} more approval${missing === 1 ? "" : "s"} (${summary.approvalsGiven} of ${summary.approvalsRequired}).`);
    }
    if ((current?.number ?? null) !== row.baseOverlayNumber) {
      blockers.push(`Overlay version ${current?.number} was published after this request was compared with ${row.baseOverlayNumber === null ? "no overlay" : `overlay version ${row.baseOverlayNumber}`}: update it from the overlay draft or rebase it.`);
    }
  }
  return {
    ...summary,
    group: g.name,
    note: row.note,
    toml: row.toml,
    sha256: row.sha256,
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
    baseOverlayNumber: row.baseOverlayNumber,
    currentOverlayNumber: current?.number ?? null,
    overlayDiff: diffPolicies(compared?.toml ?? "", row.toml),
    composed,
    blockers,
  };
}

/**
 * Ships an approved overlay request as the group's next overlay version (composed, validated and signed over every
 * served base). Refused when approvals are missing, it was rejected, or another overlay version came since.
 */
export async function publishOverlayChangeRequest(db: Db, ctx: OrgContext, name: string, number: number | string, request: RequestInfo): Promise<OverlayVersionView> {
  return withOverlayRequest(db, ctx, name, number, "policy:publish", () => undefined, async (tx, g, row) => {
    const n = row.number;
    assertOpen(row);
    const required = await approvalsRequired(tx, ctx.org.id);
    const s = summarise(row, required);
    if (s.rejections > 0) throw new AppError("conflict", `Change request #${n} was rejected; edit it to ask again.`);
    if (s.approvalsGiven < required) throw new AppError("forbidden", `Change request #${n} has ${s.approvalsGiven} of the ${required} approvals it needs.`);
    const current = await latestOverlay(tx, g.id);
    if ((current?.number ?? null) !== row.baseOverlayNumber) {
      throw new AppError("conflict", `Overlay version ${current?.number} of group "${g.name}" was published after change request #${n} was compared with ${row.baseOverlayNumber === null ? "no overlay" : `overlay version ${row.baseOverlayNumber}`}; rebase it and ask for approval again.`);
    }
    const approvers = activeDecisions(row).filter((a) => a.decision === "approve").map((a) => a.approverLabel);
    const version = await insertOverlayVersion(tx, ctx, g, { toml: row.toml, note: row.note, changeRequestId: row.id, changeRequest: { number: n, approvers } }, request);
    await tx.changeRequest.update({ where: { id: row.id }, data: { status: "published", closedAt: new Date() } });
    return version;
  });
}

export const overlayChangeNumberSchema = z.object({ number: versionNumberSchema });
