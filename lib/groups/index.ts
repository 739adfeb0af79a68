import { z } from "zod";
import type { Db, Prisma } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { sha256Hex } from "../requirements/hash";
import { approvalsRequired, authorFields, changeSummary, lockOrgPolicy } from "../policies/common";
import { getDraftOrEmpty, saveDraft, type SavedDraft } from "../policies/draft";
import { publishSchema, saveDraftSchema, type PublishInput, type SaveDraftInput } from "../policies/schemas";
import { composeOverlay, type Composition } from "./compose";
import { ensureGroupBundle, groupLabel } from "./bundles";
import { loadHosts, touchDelivery } from "./hosts";
import { byPrecedence, groupFor, groupRulesSchema, type GroupDef, type GroupRules, type HostFacts } from "./membership";

export * from "./membership";
export { composeOverlay, type Composition } from "./compose";
export { touchDelivery, loadHosts } from "./hosts";

type Tx = Prisma.TransactionClient;

/*
 * Groups of hosts and their overlays. Reading needs org:read; changing groups and overlay drafts policy:edit;
 * publishing an overlay policy:publish (it changes what hosts receive). Every change is audited in its transaction and
 * marks the org's delivery plan stale so the bundle endpoint picks it up within one poll.
 */

export const groupNameSchema = z
  .string({ message: "Group name must be a string" })
  .trim()
  .min(1, "Give the group a name")
  .max(60, "At most 60 characters")
  .regex(/^[\w.\- ]+$/, "Letters, digits, spaces, dots, dashes and underscores only");

export const createGroupSchema = z
  .object({
    name: groupNameSchema.describe("The name hosts are enrolled or tokened with; also the group's id in URLs."),
    description: z.string().trim().max(500).default("").describe("What the group is for."),
    priority: z.number().int().min(-1000).max(1000).default(0).describe("A host in several groups gets the overlay of the highest priority (ties: name)."),
    rules: groupRulesSchema.nullable().default(null).describe("Hosts whose reports match every rule are members too."),
  })
  .strict();
export type CreateGroupInput = z.input<typeof createGroupSchema>;

export const updateGroupSchema = z
  .object({
    description: z.string().trim().max(500).optional(),
    priority: z.number().int().min(-1000).max(1000).optional(),
    rules: groupRulesSchema.nullable().optional(),
  })
  .strict()
  .refine((v) => v.description !== undefined || v.priority !== undefined || v.rules !== undefined, { message: "Nothing to change" });
export type UpdateGroupInput = z.input<typeof updateGroupSchema>;

export interface GroupView {
  id: string;
  name: string;
  description: string;
  priority: number;
  rules: GroupRules | null;
  overlayVersion: number | null;
  /** Live hosts whose overlay this group decides (a host in several groups counts once, in its winning group). */
  members: number;
  createdAt: Date;
  updatedAt: Date;
}

const groupSelect = {
  id: true,
  name: true,
  description: true,
  priority: true,
  rules: true,
  createdAt: true,
  updatedAt: true,
  overlayVersions: { orderBy: { number: "desc" as const }, take: 1, select: { number: true } },
} as const;

type GroupRow = { id: string; name: string; description: string; priority: number; rules: unknown; createdAt: Date; updatedAt: Date; overlayVersions: { number: number }[] };

function toDef(row: { id: string; name: string; priority: number; rules: unknown }): GroupDef {
  return { id: row.id, name: row.name, priority: row.priority, rules: (row.rules ?? null) as GroupRules | null };
}

/** Every group of the org in precedence order, with a live member count. */
export async function listGroups(db: Db, ctx: OrgContext): Promise<GroupView[]> {
  requirePermission(ctx, "org:read");
  const [rows, hosts] = await Promise.all([db.hostGroup.findMany({ where: { orgId: ctx.org.id }, select: groupSelect }), loadHosts(db, ctx.org.id)]);
  const defs = rows.map(toDef).sort(byPrecedence);
  const counts = new Map<string, number>();
  for (const h of hosts) {
    const g = groupFor(h, defs);
    if (g) counts.set(g.id, (counts.get(g.id) ?? 0) + 1);
  }
  const byId = new Map(rows.map((r) => [r.id, r as GroupRow]));
  return defs.map((d) => view(byId.get(d.id)!, counts.get(d.id) ?? 0));
}

function view(r: GroupRow, members: number): GroupView {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    priority: r.priority,
    rules: (r.rules ?? null) as GroupRules | null,
    overlayVersion: r.overlayVersions[0]?.number ?? null,
    members,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

async function findGroup(db: Db | Tx, ctx: OrgContext, name: string) {
  const n = groupNameSchema.parse(name);
  const row = await db.hostGroup.findUnique({ where: { orgId_name: { orgId: ctx.org.id, name: n } }, select: groupSelect });
  if (!row) throw new AppError("not_found", `There is no group "${n}".`);
  return row as GroupRow;
}

export async function getGroup(db: Db, ctx: OrgContext, name: string): Promise<GroupView> {
  requirePermission(ctx, "org:read");
  const row = await findGroup(db, ctx, name);
  return (await listGroups(db, ctx)).find((g) => g.id === row.id)!;
}

export async function createGroup(db: Db, ctx: OrgContext, input: CreateGroupInput, request: RequestInfo): Promise<GroupView> {
  requirePermission(ctx, "policy:edit");
  const data = createGroupSchema.parse(input);
  const row = await db.$transaction(async (tx) => {
    const exists = await tx.hostGroup.findUnique({ where: { orgId_name: { orgId: ctx.org.id, name: data.name } }, select: { id: true } });
    if (exists) throw new AppError("conflict", `A group named "${data.name}" already exists.`);
    const created = await tx.hostGroup.create({
      data: { orgId: ctx.org.id, name: data.name, description: data.description, priority: data.priority, rules: data.rules ?? undefined },
      select: groupSelect,
    });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "group.created",
      target: { type: "group", id: created.id },
      diff: { name: { after: data.name }, priority: { after: data.priority }, rules: { after: data.rules } },
      request,
    });
    await touchDelivery(tx, ctx.org.id);
    return created;
  });
  // Hosts enrolled or tokened with this name, or matching its rules, are members from the start.
  return (await listGroups(db, ctx)).find((g) => g.id === row.id) ?? view(row as GroupRow, 0);
}

export async function updateGroup(db: Db, ctx: OrgContext, name: string, input: UpdateGroupInput, request: RequestInfo): Promise<GroupView> {
  requirePermission(ctx, "policy:edit");
  const patch = updateGroupSchema.parse(input);
  await db.$transaction(async (tx) => {
    const before = await findGroup(tx, ctx, name);
    const diff: Record<string, { before: unknown; after: unknown }> = {};
    if (patch.description !== undefined) diff.description = { before: before.description, after: patch.description };
    if (patch.priority !== undefined) diff.priority = { before: before.priority, after: patch.priority };
    if (patch.rules !== undefined) diff.rules = { before: before.rules ?? null, after: patch.rules };
    await tx.hostGroup.update({
      where: { id: before.id },
      data: { description: patch.description, priority: patch.priority, ...(patch.rules !== undefined ? { rules: patch.rules ?? (null as unknown as undefined) } : {}) },
    });
    await recordAudit(tx, { orgId: ctx.org.id, actor: auditActor(ctx.actor), action: "group.updated", target: { type: "group", id: before.id }, diff, request });
    await touchDelivery(tx, ctx.org.id);
  });
  return getGroup(db, ctx, name);
}

export async function deleteGroup(db: Db, ctx: OrgContext, name: string, request: RequestInfo): Promise<void> {
  requirePermission(ctx, "policy:publish");
  await db.$transaction(async (tx) => {
    const g = await findGroup(tx, ctx, name);
    await tx.draft.deleteMany({ where: { orgId: ctx.org.id, name: `group:${g.id}` } });
    await tx.hostGroup.delete({ where: { id: g.id } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "group.deleted",
      target: { type: "group", id: g.id },
      diff: { name: { before: g.name, after: null } },
      meta: { overlayVersion: g.overlayVersions[0]?.number ?? null },
      request,
    });
    await touchDelivery(tx, ctx.org.id);
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Overlays: a draft per group (the base's draft code, scoped), published as numbered overlay versions.

export async function getOverlayDraft(db: Db, ctx: OrgContext, name: string) {
  requirePermission(ctx, "org:read");
  const g = await findGroup(db, ctx, name);
  return getDraftOrEmpty(db, ctx, { groupId: g.id });
}

export async function saveOverlayDraft(db: Db, ctx: OrgContext, name: string, input: SaveDraftInput, request: RequestInfo): Promise<SavedDraft> {
  requirePermission(ctx, "policy:edit");
  const g = await findGroup(db, ctx, name);
  return saveDraft(db, ctx, saveDraftSchema.parse(input), request, { groupId: g.id });
}

async function currentBase(db: Db | Tx, orgId: string) {
  return db.policyVersion.findFirst({ where: { orgId }, orderBy: { number: "desc" }, select: { number: true, toml: true } });
}

export interface OverlayPreview extends Composition {
  baseVersion: number | null;
}

/** The group's file as it would be with `toml` (default: the overlay draft) over the current base version. */
export async function previewOverlay(db: Db, ctx: OrgContext, name: string, toml?: string, opts: { hostname?: string } = {}): Promise<OverlayPreview> {
  requirePermission(ctx, "org:read");
  const g = await findGroup(db, ctx, name);
  const text = toml ?? (await getDraftOrEmpty(db, ctx, { groupId: g.id })).toml;
  const base = await currentBase(db, ctx.org.id);
  return { baseVersion: base?.number ?? null, ...composeOverlay(base?.toml ?? "", text, { overlayName: groupLabel(g.name), hostname: opts.hostname }) };
}

export interface OverlayVersionView {
  number: number;
  sha256: string;
  note: string;
  author: string;
  publishedAt: Date;
  parentNumber: number | null;
  toml: string;
}

/**
 * Publishes the overlay draft as the group's next overlay version, composed and signed with every base version hosts
 * are being served (the current one, and the previous one while a rollout runs). Refused when the org requires
 * approvals (open a change request), when the draft moved past `baseRevision`, or when Codex would refuse a composed
 * file (the findings name the overlay's lines).
 */
export async function publishOverlay(db: Db, ctx: OrgContext, name: string, input: PublishInput, request: RequestInfo): Promise<OverlayVersionView> {
  requirePermission(ctx, "policy:publish");
  const { note, baseRevision } = publishSchema.parse(input);
  return db.$transaction(async (tx) => {
    await lockOrgPolicy(tx, ctx.org.id);
    const g = await findGroup(tx, ctx, name);
    const required = await approvalsRequired(tx, ctx.org.id);
    if (required > 0) {
      throw new AppError("forbidden", `${ctx.org.name} requires ${required} approval${required === 1 ? "" : "s"} to publish: open a change request for the overlay instead.`);
    }
    const draft = await tx.draft.findUnique({ where: { orgId_name: { orgId: ctx.org.id, name: `group:${g.id}` } }, select: { toml: true, revision: true } });
    if (!draft) throw new AppError("not_found", `Group "${g.name}" has no overlay draft to publish yet.`);
    if (baseRevision !== undefined && baseRevision !== draft.revision) {
      throw new AppError("conflict", `The overlay draft moved on to revision ${draft.revision} since revision ${baseRevision}; review it before publishing.`, { revision: draft.revision });
    }
    return insertOverlayVersion(tx, ctx, g, { toml: draft.toml, note }, request);
  });
}

/** Appends overlay version N+1 of `group` (caller holds lockOrgPolicy). Also used by change requests of overlays. */
export async function insertOverlayVersion(
  tx: Tx,
  ctx: OrgContext,
  group: { id: string; name: string },
  input: { toml: string; note: string; changeRequestId?: string | null; changeRequest?: { number: number; approvers: string[] } },
  request: RequestInfo,
): Promise<OverlayVersionView> {
  const current = await tx.overlayVersion.findFirst({ where: { groupId: group.id }, orderBy: { number: "desc" }, select: { number: true, toml: true, sha256: true } });
  if (current && current.toml === input.toml) throw new AppError("conflict", `Nothing changed: the overlay is identical to overlay version ${current.number}.`);
  const row = await tx.overlayVersion.create({
    data: {
      orgId: ctx.org.id,
      groupId: group.id,
      number: (current?.number ?? 0) + 1,
      toml: input.toml,
      sha256: sha256Hex(input.toml),
      note: input.note,
      ...authorFields(ctx.actor),
      parentNumber: current?.number ?? null,
      changeRequestId: input.changeRequestId ?? null,
    },
  });
  // Every base version hosts may be served right now gets this overlay, composed, validated and signed.
  const { servedBaseVersions } = await import("../rollouts/plan");
  const bases = await servedBaseVersions(tx, ctx.org.id);
  if (bases.length === 0) {
    // No base yet: the overlay alone must still be a file Codex loads.
    const alone = composeOverlay("", input.toml, { overlayName: groupLabel(group.name) });
    const { assertComposable } = await import("./compose");
    assertComposable(alone, groupLabel(group.name));
  }
  for (const base of bases) await ensureGroupBundle(tx, ctx.org, group, base, { number: row.number, toml: row.toml }, { actor: auditActor(ctx.actor), request });
  await recordAudit(tx, {
    orgId: ctx.org.id,
    actor: auditActor(ctx.actor),
    action: "group.overlay.published",
    target: { type: "group", id: group.id },
    diff: { overlayVersion: { before: current?.number ?? null, after: row.number }, sha256: { before: current?.sha256 ?? null, after: row.sha256 } },
    meta: {
      group: group.name,
      note: input.note,
      baseVersions: bases.map((b) => b.number),
      ...(input.changeRequest ? { changeRequest: input.changeRequest.number, approvers: input.changeRequest.approvers } : {}),
      ...changeSummary(current?.toml ?? "", input.toml),
    },
    request,
  });
  await touchDelivery(tx, ctx.org.id);
  return { number: row.number, sha256: row.sha256, note: row.note, author: row.authorLabel, publishedAt: row.publishedAt, parentNumber: row.parentNumber, toml: row.toml };
}

export async function listOverlayVersions(db: Db, ctx: OrgContext, name: string): Promise<OverlayVersionView[]> {
  requirePermission(ctx, "org:read");
  const g = await findGroup(db, ctx, name);
  const rows = await db.overlayVersion.findMany({ where: { groupId: g.id }, orderBy: { number: "desc" }, take: 200 });
  return rows.map((r) => ({ number: r.number, sha256: r.sha256, note: r.note, author: r.authorLabel, publishedAt: r.publishedAt, parentNumber: r.parentNumber, toml: r.toml }));
}

// ---------------------------------------------------------------------------------------------------------------------
// Effective view: for a group or a host, every value of the composed file and the layer it came from.

export const effectiveQuerySchema = z
  .object({
    group: groupNameSchema.optional(),
    host: z.string().trim().min(1).max(64).optional(),
    hostname: z.string().trim().min(1).max(253).optional(),
  })
  .refine((q) => !(q.group && q.host), { message: "Ask for a group or a host, not both" });

export interface EffectiveView {
  group: string | null;
  host: string | null;
  baseVersion: number | null;
  overlayVersion: number | null;
  value: Composition["value"];
  /** Display path → "base" or `group "<name>"`. */
  sources: Record<string, string>;
  notes: string[];
  findings: Composition["findings"];
  toml: string;
}

export async function effectiveFor(db: Db, ctx: OrgContext, query: z.input<typeof effectiveQuerySchema>): Promise<EffectiveView> {
  requirePermission(ctx, "org:read");
  const q = effectiveQuerySchema.parse(query);
  const rows = await db.hostGroup.findMany({ where: { orgId: ctx.org.id }, select: { id: true, name: true, priority: true, rules: true } });
  const defs = rows.map(toDef).sort(byPrecedence);
  let group: GroupDef | null = null;
  let baseNumber: number | null = null;
  if (q.host) {
    const hosts = await loadHosts(db, ctx.org.id);
    const host = hosts.find((h) => h.id === q.host);
    if (!host) throw new AppError("not_found", `There is no live host "${q.host}" in this organisation.`);
    group = groupFor({ ...host, hostname: q.hostname ?? (host as HostFacts).hostname }, defs);
    const { assignedVersionFor } = await import("../rollouts/plan");
    baseNumber = await assignedVersionFor(db, ctx.org.id, host, group);
  } else if (q.group) {
    group = defs.find((d) => d.name === q.group) ?? null;
    if (!group) throw new AppError("not_found", `There is no group "${q.group}".`);
  }
  const base = baseNumber
    ? await db.policyVersion.findUnique({ where: { orgId_number: { orgId: ctx.org.id, number: baseNumber } }, select: { number: true, toml: true } })
    : await currentBase(db, ctx.org.id);
  const overlay = group ? await db.overlayVersion.findFirst({ where: { groupId: group.id }, orderBy: { number: "desc" }, select: { number: true, toml: true } }) : null;
  const c = composeOverlay(base?.toml ?? "", overlay?.toml ?? "", { overlayName: group ? groupLabel(group.name) : "overlay", hostname: q.hostname });
  return {
    group: group?.name ?? null,
    host: q.host ?? null,
    baseVersion: base?.number ?? null,
    overlayVersion: overlay?.number ?? null,
    value: c.value,
    sources: c.sources,
    notes: c.notes,
    findings: c.findings,
    toml: overlay ? c.toml : (base?.toml ?? ""),
  };
}
