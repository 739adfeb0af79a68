import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { KNOWN_CODEX_VERSIONS, validateForFleet, type FleetValidation } from "../requirements";
import { changeSummaryOffLoop, validateForFleetOffLoop } from "../server/off-loop";
import { sha256Hex } from "../requirements/hash";
import { fleetCodexVersions } from "./fleet-versions";
import type { Verdict } from "./verdict";
import { approvalsRequired, authorFields, diffPolicies, lockOrgPolicy, type PolicyDiff, type Tx } from "./common";
import { buildBundle } from "../bundles/build";
import { composeGroupsForVersion } from "../groups/bundles";
import { touchDelivery } from "../groups/hosts";
import { assertNoActiveRollout, startRollout } from "../rollouts/plan";
import type { RolloutPlanInput } from "../rollouts/rings";
import { publishSchema, versionNumberSchema, type PublishInput } from "./schemas";

/** What every view of a published version shows (lists, the compliance report). */
export interface VersionHeader {
  number: number;
  sha256: string;
  note: string;
  author: string;
  publishedAt: Date;
  parentNumber: number | null;
  restoredFromNumber: number | null;
}

export interface VersionSummary extends VersionHeader {
  changeRequestNumber: number | null;
  /** Does this version give agents more freedom than its parent? */
  wider: Verdict;
}

export interface VersionView extends VersionSummary {
  toml: string;
}

const versionSelect = {
  number: true,
  sha256: true,
  note: true,
  authorLabel: true,
  publishedAt: true,
  parentNumber: true,
  restoredFromNumber: true,
  toml: true,
  changeRequest: { select: { number: true } },
} as const;

type VersionRow = {
  number: number;
  sha256: string;
  note: string;
  authorLabel: string;
  publishedAt: Date;
  parentNumber: number | null;
  restoredFromNumber: number | null;
  toml: string;
  changeRequest: { number: number } | null;
};

function toView(row: VersionRow, parentToml: string): VersionView {
  return {
    number: row.number,
    sha256: row.sha256,
    note: row.note,
    author: row.authorLabel,
    publishedAt: row.publishedAt,
    parentNumber: row.parentNumber,
    restoredFromNumber: row.restoredFromNumber,
    changeRequestNumber: row.changeRequest?.number ?? null,
    toml: row.toml,
    wider: diffPolicies(parentToml, row.toml).wider,
  };
}

/** The version agents get now (the highest number), or null before the first publish. */
export async function currentVersion(db: Db | Tx, orgId: string) {
  return db.policyVersion.findFirst({ where: { orgId }, orderBy: { number: "desc" }, select: { id: true, number: true, toml: true, sha256: true } });
}


/** Refuses a policy any of the given Codex versions would refuse (default: every known version), naming which. */
export function assertPublishable(toml: string, fleetVersions: readonly string[] = KNOWN_CODEX_VERSIONS): void {
  refuseUnpublishable(validateForFleet(toml, fleetVersions));
}

function refuseUnpublishable(result: FleetValidation): void {
  if (!result.valid) {
    const refusing = result.versions.find((v) => !v.valid)!;
    const first = refusing.errors[0];
    throw new AppError(
      "validation_failed",
      `Codex ${result.refusedBy.join(" and ")} would refuse this policy${first ? ` (line ${first.line}: ${first.message})` : ""}; fix it before publishing.`,
      { diagnostics: refusing.errors.length > 0 && result.diagnostics.every((d) => d.severity !== "error") ? refusing.errors : result.diagnostics, refusedBy: result.refusedBy, versions: result.versions },
    );
  }
}

/** Refuses a policy any Codex version the org's fleet runs would refuse (lib/policies/fleet-versions.ts), naming which. */
export async function assertFleetPublishable(db: Db | Tx, orgId: string, toml: string): Promise<void> {
  // A large text is checked in a worker thread (lib/server/off-loop.ts): the event loop serves others meanwhile.
  refuseUnpublishable(await validateForFleetOffLoop(toml, (await fleetCodexVersions(db, orgId)).versions));
}

export interface NewVersion {
  toml: string;
  note: string;
  restoredFromNumber?: number | null;
  changeRequest?: { id: string; number: number; approvers: string[] } | null;
  /** Stage it through rings (lib/rollouts) instead of giving it to every host at once. */
  rollout?: RolloutPlanInput;
  /** Set by an automatic rollback: the version is authored by the system, not by the context's actor. */
  systemAuthor?: string;
  /** A rollback is the one publish allowed while its rollout is still active. */
  rollbackOf?: number;
}

/**
 * Appends version N+1. The caller holds lockOrgPolicy, so N is the true maximum. Refuses text Codex would refuse and
 * text identical to the current version.
 */
export async function insertVersion(tx: Tx, ctx: OrgContext, input: NewVersion, request: RequestInfo): Promise<VersionView> {
  await assertFleetPublishable(tx, ctx.org.id, input.toml);
  if (input.rollbackOf === undefined) await assertNoActiveRollout(tx, ctx.org.id);
  const current = await currentVersion(tx, ctx.org.id);
  if (current && current.toml === input.toml) {
    throw new AppError("conflict", `Nothing changed: the text is identical to version ${current.number}, which agents already get.`);
  }
  const row = await tx.policyVersion.create({
    data: {
      orgId: ctx.org.id,
      number: (current?.number ?? 0) + 1,
      toml: input.toml,
      sha256: sha256Hex(input.toml),
      note: input.note,
      ...(input.systemAuthor ? { authorId: null, authorTokenId: null, authorLabel: input.systemAuthor } : authorFields(ctx.actor)),
      parentNumber: current?.number ?? null,
      restoredFromNumber: input.restoredFromNumber ?? null,
      changeRequestId: input.changeRequest?.id ?? null,
    },
    select: { ...versionSelect, id: true },
  });
  const actor = input.systemAuthor ? { type: "system" as const, label: input.systemAuthor } : auditActor(ctx.actor);
  const meta = {
    note: input.note,
    ...(input.changeRequest ? { changeRequest: input.changeRequest.number, approvedBy: input.changeRequest.approvers } : {}),
    ...(input.rollout ? { rollout: input.rollout.rings.map((r) => r.name) } : {}),
    ...(input.rollbackOf ? { rollbackOf: input.rollbackOf } : {}),
    ...(await changeSummaryOffLoop(current?.toml ?? "", input.toml)),
  };
  await recordAudit(tx, {
    orgId: ctx.org.id,
    actor,
    ...(input.restoredFromNumber
      ? { action: "policy.restored" as const, meta: { ...meta, restoredFrom: input.restoredFromNumber } }
      : { action: "policy.published" as const, meta }),
    target: { type: "policy_version", id: String(row.number) },
    diff: { version: { before: current?.number ?? null, after: row.number }, sha256: { before: current?.sha256 ?? null, after: row.sha256 } },
    request,
  });
  // Signed once, here, in the publish transaction: a version never exists without the bundle agents fetch.
  await buildBundle(tx, ctx.org, { number: row.number, toml: row.toml, sha256: row.sha256 }, { actor, request });
  // Every group with an overlay gets the new version composed and signed now; a base that breaks a group's file is refused.
  await composeGroupsForVersion(tx, ctx.org, row, { actor, request });
  if (input.rollout) {
    await startRollout(tx, ctx.org.id, row.number, current?.number ?? null, input.rollout, { id: ctx.actor.type === "user" ? ctx.actor.userId : null, label: actor.label });
  }
  await touchDelivery(tx, ctx.org.id);
  return toView(row, current?.toml ?? "");
}

/** Publishes the draft directly. Only when the org requires no approvals; otherwise the path is a change request. */
export async function publishDraft(db: Db, ctx: OrgContext, input: PublishInput, request: RequestInfo): Promise<VersionView> {
  const { note, baseRevision, rollout } = publishSchema.parse(input);
  return db.$transaction(async (tx) => {
    await lockOrgPolicy(tx, ctx.org.id);
    const required = await approvalsRequired(tx, ctx.org.id);
    if (required > 0) {
      throw new AppError("forbidden", `${ctx.org.name} requires ${required} approval${required === 1 ? "" : "s"} to publish: open a change request instead.`, {
        approvalsRequired: required,
      });
    }
    const draft = await tx.draft.findUnique({ where: { orgId_name: { orgId: ctx.org.id, name: "default" } }, select: { toml: true, revision: true } });
    if (!draft) throw new AppError("not_found", "There is no draft to publish yet.");
    if (baseRevision !== undefined && baseRevision !== draft.revision) {
      throw new AppError("conflict", `The draft moved on to revision ${draft.revision} since revision ${baseRevision}; review it before publishing.`, {
        revision: draft.revision,
      });
    }
    return insertVersion(tx, ctx, { toml: draft.toml, note, rollout }, request);
  });
}

/** Newest first, each with its wider-access verdict against its parent. */
export async function listVersions(db: Db, ctx: OrgContext, opts: { limit?: number } = {}): Promise<VersionSummary[]> {
  const limit = Math.min(Math.max(opts.limit ?? 200, 1), 500);
  // One more than shown: the oldest shown version needs its parent's text for the verdict.
  const rows = await db.policyVersion.findMany({ where: { orgId: ctx.org.id }, orderBy: { number: "desc" }, take: limit + 1, select: versionSelect });
  const byNumber = new Map(rows.map((r) => [r.number, r.toml]));
  return rows.slice(0, limit).map((r) => {
    const { toml: _toml, ...summary } = toView(r, r.parentNumber === null ? "" : (byNumber.get(r.parentNumber) ?? ""));
    return summary;
  });
}

export async function getVersion(db: Db, ctx: OrgContext, number: number | string): Promise<VersionView> {
  const n = versionNumberSchema.parse(number);
  const row = await db.policyVersion.findUnique({ where: { orgId_number: { orgId: ctx.org.id, number: n } }, select: versionSelect });
  if (!row) throw new AppError("not_found", `There is no version ${n}.`);
  const parent = row.parentNumber === null ? null : await db.policyVersion.findUnique({ where: { orgId_number: { orgId: ctx.org.id, number: row.parentNumber } }, select: { toml: true } });
  return toView(row, parent?.toml ?? "");
}

async function versionText(db: Db, ctx: OrgContext, n: number): Promise<string> {
  if (n === 0) return ""; // "version 0" is the empty policy before the first publish
  const row = await db.policyVersion.findUnique({ where: { orgId_number: { orgId: ctx.org.id, number: n } }, select: { toml: true } });
  if (!row) throw new AppError("not_found", `There is no version ${n}.`);
  return row.toml;
}

export interface VersionDiff extends PolicyDiff {
  from: number;
  to: number;
}

/** Any two versions, either way round: text hunks, meaning, and whether `to` gives agents more freedom than `from`. */
export async function diffVersions(db: Db, ctx: OrgContext, from: number, to: number): Promise<VersionDiff> {
  const [a, b] = await Promise.all([versionText(db, ctx, from), versionText(db, ctx, to)]);
  return { from, to, ...diffPolicies(a, b) };
}
