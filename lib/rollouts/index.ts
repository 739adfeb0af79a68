import { z } from "zod";
import type { Db, Prisma } from "../db";
import { AppError } from "../errors";
import { recordAudit, SYSTEM_REQUEST, type AuditActor, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { lockOrgPolicy } from "../policies/common";
import { insertVersion } from "../policies/versions";
import { loadHosts, touchDelivery, type FleetHostFacts } from "../groups/hosts";
import { activeRollout, orgGroups, ACTIVE_STATES } from "./plan";
import { evaluateGates, ringOf, type GateResult, type Gates, type Ring } from "./rings";
import { notifyRollout } from "./notify";
import { ringDecisionRates } from "./decisions";

export * from "./rings";
export { activeRollout, versionForRing, servedBaseVersions, ACTIVE_STATES } from "./plan";

type Tx = Prisma.TransactionClient;

/*
 * Rollout steps. The gates are evaluated by tickRollouts (the bundle server runs it on a timer; reading a rollout's
 * status runs it too), which promotes a ring that passed (when the org auto-promotes), or halts and rolls back a ring
 * that failed. Admins can pause, resume, promote and roll back by hand (policy:publish). Every step is audited in its
 * transaction, appears on the rollout's timeline, and marks the delivery plan stale for the bundle endpoint.
 */

const SYSTEM: AuditActor = { type: "system", label: "system (rollout gates)" };

export type RolloutState = "running" | "paused" | "completed" | "halted" | "rolled_back" | "timed_out";

export interface RingView {
  index: number;
  name: string;
  /** "group <name>", "<p>% of hosts" or "everyone else". */
  target: string;
  status: "done" | "current" | "pending";
  hosts: number;
  installed: number;
  failed: number;
  drifted: number;
}

export interface RolloutEventView {
  at: Date;
  kind: string;
  ring: number | null;
  detail: unknown;
}

export interface RolloutView {
  version: number;
  previous: number | null;
  state: RolloutState;
  currentRing: number;
  ringStartedAt: Date;
  reason: string | null;
  rollbackVersion: number | null;
  autoPromote: boolean;
  gates: Gates;
  rings: RingView[];
  /** The current ring's gates right now (null once the rollout is over). */
  gate: GateResult | null;
  /** Live hosts per version they report installed ("none": not reported yet). */
  adoption: { version: number | null; hosts: number }[];
  createdBy: string;
  createdAt: Date;
  finishedAt: Date | null;
  events: RolloutEventView[];
}

const rolloutSelect = {
  id: true,
  orgId: true,
  versionNumber: true,
  previousNumber: true,
  rings: true,
  gates: true,
  currentRing: true,
  state: true,
  ringStartedAt: true,
  reason: true,
  rollbackNumber: true,
  createdLabel: true,
  createdAt: true,
  finishedAt: true,
} as const;

type RolloutRow = {
  id: string;
  orgId: string;
  versionNumber: number;
  previousNumber: number | null;
  rings: unknown;
  gates: unknown;
  currentRing: number;
  state: RolloutState;
  ringStartedAt: Date;
  reason: string | null;
  rollbackNumber: number | null;
  createdLabel: string;
  createdAt: Date;
  finishedAt: Date | null;
};

/** Splits the org's live hosts into rings (index rings.length = everyone else). */
async function hostsByRing(db: Db | Tx, orgId: string, rings: Ring[]): Promise<{ hosts: FleetHostFacts[]; ringOfHost: Map<string, number> }> {
  const [hosts, groups] = await Promise.all([loadHosts(db, orgId), orgGroups(db, orgId)]);
  const byName = new Map(groups.map((g) => [g.name, g]));
  return { hosts, ringOfHost: new Map(hosts.map((h) => [h.id, ringOf(orgId, h, rings, byName)])) };
}

async function evaluate(db: Db | Tx, r: RolloutRow, now: Date) {
  const rings = r.rings as Ring[];
  const { hosts, ringOfHost } = await hostsByRing(db, r.orgId, rings);
  const inRing = hosts.filter((h) => ringOfHost.get(h.id) === r.currentRing);
  const gates = r.gates as Gates;
  const rates = await ringDecisionRates(db, r.orgId, { ...r, gates }, inRing.map((h) => h.id));
  return { hosts, ringOfHost, gate: evaluateGates(inRing, r.versionNumber, gates, r.ringStartedAt, now, rates) };
}

async function event(tx: Tx, rolloutId: string, kind: string, ring: number | null, detail: object | null, at = new Date()) {
  await tx.rolloutEvent.create({ data: { rolloutId, kind, ring, detail: detail === null ? undefined : (JSON.parse(JSON.stringify(detail)) as Prisma.InputJsonValue), at } });
}

async function lockedRollout(tx: Tx, ctx: { org: { id: string } }, version: number): Promise<RolloutRow> {
  await lockOrgPolicy(tx, ctx.org.id);
  const r = await tx.rollout.findUnique({ where: { orgId_versionNumber: { orgId: ctx.org.id, versionNumber: version } }, select: rolloutSelect });
  if (!r) throw new AppError("not_found", `There is no rollout of version ${version}.`);
  return r as RolloutRow;
}

function isActive(state: RolloutState): boolean {
  return (ACTIVE_STATES as readonly string[]).includes(state);
}

/** Moves to the next ring (or completes after the last); the caller audits. */
async function advance(tx: Tx, r: RolloutRow, now: Date, by: AuditActor, gate: GateResult | null, request: RequestInfo) {
  const rings = r.rings as Ring[];
  const next = r.currentRing + 1;
  const done = next > rings.length;
  await tx.rollout.update({
    where: { id: r.id },
    data: done ? { state: "completed", finishedAt: now, currentRing: rings.length } : { state: "running", currentRing: next, ringStartedAt: now },
  });
  await event(tx, r.id, done ? "completed" : "promoted", done ? rings.length : next, { by: by.label, gate: gate ? { ...gate } : null }, now);
  await recordAudit(tx, {
    orgId: r.orgId,
    actor: by,
    action: done ? "rollout.completed" : "rollout.promoted",
    target: { type: "rollout", id: String(r.versionNumber) },
    diff: { ring: { before: r.currentRing, after: done ? "everyone" : next } },
    meta: { version: r.versionNumber, ring: done ? "everyone" : ringName(rings, next), gate: gate?.values ?? null },
    request,
  });
  await touchDelivery(tx, r.orgId);
}

function ringName(rings: Ring[], i: number): string {
  return i < rings.length ? rings[i].name : "everyone";
}

/**
 * Rolls the rollout back: the previous version's text is published again as a new version (hosts never go down a
 * version number), which every host then gets. Without a previous version the rollout only halts.
 */
async function rollBack(tx: Tx, ctx: OrgContext | null, r: RolloutRow, reason: string, by: AuditActor, now: Date, gate: GateResult | null, request: RequestInfo) {
  let rollbackNumber: number | null = null;
  if (r.previousNumber !== null) {
    const prev = await tx.policyVersion.findUniqueOrThrow({ where: { orgId_number: { orgId: r.orgId, number: r.previousNumber } }, select: { toml: true } });
    const org = await tx.organization.findUniqueOrThrow({ where: { id: r.orgId }, select: { id: true, slug: true, name: true } });
    const actingCtx: OrgContext = ctx ?? { org, role: null, actor: { type: "token", tokenId: "system", name: "system", orgId: org.id, scopes: [] } };
    const v = await insertVersion(
      tx,
      actingCtx,
      { toml: prev.toml, note: `Rollback of version ${r.versionNumber}: ${reason}`, restoredFromNumber: r.previousNumber, rollbackOf: r.versionNumber, ...(ctx ? {} : { systemAuthor: by.label }) },
      request,
    );
    rollbackNumber = v.number;
  }
  const state = rollbackNumber === null ? "halted" : "rolled_back";
  await tx.rollout.update({ where: { id: r.id }, data: { state, reason, rollbackNumber, finishedAt: rollbackNumber === null ? null : now } });
  await event(tx, r.id, state, r.currentRing, { by: by.label, reason, rollbackVersion: rollbackNumber, gate: gate ? { ...gate } : null }, now);
  await recordAudit(tx, {
    orgId: r.orgId,
    actor: by,
    action: state === "halted" ? "rollout.halted" : "rollout.rolled_back",
    target: { type: "rollout", id: String(r.versionNumber) },
    diff: { state: { before: r.state, after: state } },
    meta: { version: r.versionNumber, ring: ringName(r.rings as Ring[], r.currentRing), reason, rollbackVersion: rollbackNumber, gate: gate?.values ?? null },
    request,
  });
  const org = await tx.organization.findUniqueOrThrow({ where: { id: r.orgId }, select: { slug: true } });
  await notifyRollout(tx, r.orgId, { org: org.slug, version: r.versionNumber, event: state, reasons: [reason], rollbackVersion: rollbackNumber });
  await touchDelivery(tx, r.orgId);
  return { state, rollbackNumber };
}

export interface TickResult {
  version: number;
  verdict: GateResult["verdict"];
  action: "none" | "promoted" | "completed" | "awaiting_promotion" | "rolled_back" | "halted" | "timed_out";
}

/** Evaluates the gates of every running rollout (of one org, or all) and acts on them. Safe to run from many processes. */
export async function tickRollouts(db: Db, opts: { orgId?: string; now?: Date } = {}): Promise<TickResult[]> {
  const now = opts.now ?? new Date();
  const running = await db.rollout.findMany({ where: { state: "running", ...(opts.orgId ? { orgId: opts.orgId } : {}) }, select: { orgId: true, versionNumber: true } });
  const results: TickResult[] = [];
  for (const { orgId, versionNumber } of running) {
    const outcome = await db.$transaction(
      async (tx) => {
        const r = await lockedRollout(tx, { org: { id: orgId } }, versionNumber);
        if (r.state !== "running") return null;
        const { gate } = await evaluate(tx, r, now);
        const org = await tx.organization.findUniqueOrThrow({ where: { id: orgId }, select: { rolloutAutoPromote: true, slug: true } });
        let action: TickResult["action"] = "none";
        if (gate.verdict === "fail") {
          const { state } = await rollBack(tx, null, r, `ring "${ringName(r.rings as Ring[], r.currentRing)}" failed its gates: ${gate.reasons.join("; ")}`, SYSTEM, now, gate, SYSTEM_REQUEST);
          action = state === "halted" ? "halted" : "rolled_back";
        } else if (gate.verdict === "timeout") {
          await tx.rollout.update({ where: { id: r.id }, data: { state: "timed_out", reason: gate.reasons[0] } });
          await event(tx, r.id, "timed_out", r.currentRing, { reason: gate.reasons[0], gate: { ...gate } }, now);
          await recordAudit(tx, {
            orgId,
            actor: SYSTEM,
            action: "rollout.timed_out",
            target: { type: "rollout", id: String(r.versionNumber) },
            diff: { state: { before: "running", after: "timed_out" } },
            meta: { version: r.versionNumber, ring: ringName(r.rings as Ring[], r.currentRing), reason: gate.reasons[0] },
            request: SYSTEM_REQUEST,
          });
          await notifyRollout(tx, orgId, { org: org.slug, version: r.versionNumber, event: "timed_out", reasons: gate.reasons });
          action = "timed_out";
        } else if (gate.verdict === "pass" && org.rolloutAutoPromote) {
          await advance(tx, r, now, SYSTEM, gate, SYSTEM_REQUEST);
          action = r.currentRing + 1 > (r.rings as Ring[]).length ? "completed" : "promoted";
        } else {
          const last = await tx.rolloutEvent.findFirst({ where: { rolloutId: r.id, kind: { in: ["gate", "awaiting_promotion"] }, ring: r.currentRing }, orderBy: { at: "desc" }, select: { kind: true, detail: true } });
          const kind = gate.verdict === "pass" ? "awaiting_promotion" : "gate";
          const summary = { verdict: gate.verdict, hosts: gate.values.hosts, installed: gate.values.installed, failed: gate.values.failed, drifted: gate.values.drifted };
          const prev = (last?.detail as { summary?: unknown } | null)?.summary;
          if (last?.kind !== kind || JSON.stringify(prev) !== JSON.stringify(summary)) await event(tx, r.id, kind, r.currentRing, { summary, gate: { ...gate } }, now);
          if (gate.verdict === "pass") action = "awaiting_promotion";
        }
        return { result: { version: r.versionNumber, verdict: gate.verdict, action } };
      },
      { timeout: 30_000 },
    );
    if (outcome) results.push(outcome.result);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading

export const versionParamSchema = z.coerce.number({ message: "Rollout version must be a number" }).int().positive();

export async function listRollouts(db: Db, ctx: OrgContext): Promise<Omit<RolloutView, "rings" | "gate" | "adoption" | "events">[]> {
  requirePermission(ctx, "org:read");
  const [rows, org] = await Promise.all([
    db.rollout.findMany({ where: { orgId: ctx.org.id }, orderBy: { versionNumber: "desc" }, take: 100, select: rolloutSelect }),
    db.organization.findUniqueOrThrow({ where: { id: ctx.org.id }, select: { rolloutAutoPromote: true } }),
  ]);
  return (rows as RolloutRow[]).map((r) => ({
    version: r.versionNumber,
    previous: r.previousNumber,
    state: r.state,
    currentRing: r.currentRing,
    ringStartedAt: r.ringStartedAt,
    reason: r.reason,
    rollbackVersion: r.rollbackNumber,
    autoPromote: org.rolloutAutoPromote,
    gates: r.gates as Gates,
    createdBy: r.createdLabel,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
  }));
}

/** One rollout (a version number, or the newest when omitted), its gates evaluated now. */
export async function getRollout(db: Db, ctx: OrgContext, version?: number | string, opts: { now?: Date; tick?: boolean } = {}): Promise<RolloutView> {
  requirePermission(ctx, "org:read");
  if (opts.tick !== false) await tickRollouts(db, { orgId: ctx.org.id, now: opts.now });
  const where = version === undefined ? { orgId: ctx.org.id } : { orgId: ctx.org.id, versionNumber: versionParamSchema.parse(version) };
  const row = (await db.rollout.findFirst({ where, orderBy: { versionNumber: "desc" }, select: rolloutSelect })) as RolloutRow | null;
  if (!row) throw new AppError("not_found", version === undefined ? "This organisation has no rollouts yet." : `There is no rollout of version ${version}.`);
  const now = opts.now ?? new Date();
  const rings = row.rings as Ring[];
  const [{ hosts, ringOfHost, gate }, events, org] = await Promise.all([
    evaluate(db, row, now),
    db.rolloutEvent.findMany({ where: { rolloutId: row.id }, orderBy: { at: "asc" }, take: 500, select: { at: true, kind: true, ring: true, detail: true } }),
    db.organization.findUniqueOrThrow({ where: { id: ctx.org.id }, select: { rolloutAutoPromote: true } }),
  ]);
  const all = [...rings, { name: "everyone", group: undefined, percent: undefined }];
  const ringViews: RingView[] = all.map((r, index) => {
    const members = hosts.filter((h) => ringOfHost.get(h.id) === index);
    return {
      index,
      name: r.name,
      target: r.group !== undefined ? `group ${r.group}` : r.percent !== undefined ? `${r.percent}% of hosts` : "everyone else",
      status: row.state === "completed" || index < row.currentRing ? "done" : index === row.currentRing ? "current" : "pending",
      hosts: members.length,
      installed: members.filter((h) => (h.installedVersion ?? 0) >= row.versionNumber && h.state !== "failed").length,
      failed: members.filter((h) => h.state === "failed").length,
      drifted: members.filter((h) => h.state === "drifted").length,
    };
  });
  const counts = new Map<number | null, number>();
  for (const h of hosts) counts.set(h.installedVersion, (counts.get(h.installedVersion) ?? 0) + 1);
  return {
    version: row.versionNumber,
    previous: row.previousNumber,
    state: row.state,
    currentRing: row.currentRing,
    ringStartedAt: row.ringStartedAt,
    reason: row.reason,
    rollbackVersion: row.rollbackNumber,
    autoPromote: org.rolloutAutoPromote,
    gates: row.gates as Gates,
    rings: ringViews,
    gate: isActive(row.state) ? gate : null,
    adoption: [...counts.entries()].sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : b - a)).map(([v, n]) => ({ version: v, hosts: n })),
    createdBy: row.createdLabel,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    events,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Manual steps (policy:publish)

export const rolloutActionSchema = z.object({ reason: z.string().trim().max(500).optional().describe("Why; recorded in the audit log and on the timeline.") }).strict();
export type RolloutActionInput = z.input<typeof rolloutActionSchema>;

async function simpleTransition(db: Db, ctx: OrgContext, version: number | string, from: RolloutState[], to: RolloutState, kind: "paused" | "resumed", input: RolloutActionInput, request: RequestInfo) {
  requirePermission(ctx, "policy:publish");
  const v = versionParamSchema.parse(version);
  const { reason } = rolloutActionSchema.parse(input ?? {});
  await db.$transaction(async (tx) => {
    const r = await lockedRollout(tx, ctx, v);
    if (!from.includes(r.state)) throw new AppError("conflict", `The rollout of version ${v} is ${r.state.replace("_", " ")}; it cannot be ${kind}.`);
    const now = new Date();
    // Resuming restarts the ring's clock, so a paused ring still soaks for its full time.
    await tx.rollout.update({ where: { id: r.id }, data: { state: to, ...(to === "running" ? { ringStartedAt: now } : {}) } });
    await event(tx, r.id, kind, r.currentRing, { by: auditActor(ctx.actor).label, reason: reason ?? null }, now);
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: `rollout.${kind}`,
      target: { type: "rollout", id: String(v) },
      diff: { state: { before: r.state, after: to } },
      meta: { version: v, ring: ringName(r.rings as Ring[], r.currentRing), reason: reason ?? null },
      request,
    });
    await touchDelivery(tx, ctx.org.id);
  });
  return getRollout(db, ctx, v, { tick: false });
}

export function pauseRollout(db: Db, ctx: OrgContext, version: number | string, input: RolloutActionInput = {}, request: RequestInfo) {
  return simpleTransition(db, ctx, version, ["running"], "paused", "paused", input, request);
}

export function resumeRollout(db: Db, ctx: OrgContext, version: number | string, input: RolloutActionInput = {}, request: RequestInfo) {
  return simpleTransition(db, ctx, version, ["paused", "timed_out"], "running", "resumed", input, request);
}

/** Moves to the next ring now, whatever the gates say (recorded with their values). */
export async function promoteRollout(db: Db, ctx: OrgContext, version: number | string, input: RolloutActionInput = {}, request: RequestInfo) {
  requirePermission(ctx, "policy:publish");
  const v = versionParamSchema.parse(version);
  rolloutActionSchema.parse(input ?? {});
  await db.$transaction(async (tx) => {
    const r = await lockedRollout(tx, ctx, v);
    if (!["running", "paused", "timed_out", "halted"].includes(r.state)) throw new AppError("conflict", `The rollout of version ${v} is ${r.state.replace("_", " ")}; there is nothing to promote.`);
    const now = new Date();
    const { gate } = await evaluate(tx, r, now);
    await advance(tx, r, now, auditActor(ctx.actor), gate, request);
  });
  return getRollout(db, ctx, v, { tick: false });
}

/** Gives every host the previous version again (as a new version number) and ends the rollout. */
export async function rollbackRollout(db: Db, ctx: OrgContext, version: number | string, input: RolloutActionInput = {}, request: RequestInfo) {
  requirePermission(ctx, "policy:publish");
  const v = versionParamSchema.parse(version);
  const { reason } = rolloutActionSchema.parse(input ?? {});
  const outcome = await db.$transaction(async (tx) => {
    const r = await lockedRollout(tx, ctx, v);
    if (!isActive(r.state)) throw new AppError("conflict", `The rollout of version ${v} is ${r.state.replace("_", " ")}; only an unfinished rollout can be rolled back.`);
    if (r.previousNumber === null) throw new AppError("conflict", `Version ${v} has no previous version to roll back to.`);
    const now = new Date();
    const { gate } = await evaluate(tx, r, now);
    return rollBack(tx, ctx, r, reason ? `rolled back by ${auditActor(ctx.actor).label}: ${reason}` : `rolled back by ${auditActor(ctx.actor).label}`, auditActor(ctx.actor), now, gate, request);
  });
  return { ...(await getRollout(db, ctx, v, { tick: false })), rollbackVersion: outcome.rollbackNumber };
}

export const rolloutSettingsSchema = z.object({ autoPromote: z.boolean().describe("Promote a ring as soon as it passes its gates (else wait for an admin).") }).strict();

export async function updateRolloutSettings(db: Db, ctx: OrgContext, input: z.input<typeof rolloutSettingsSchema>, request: RequestInfo) {
  requirePermission(ctx, "org:manage");
  const { autoPromote } = rolloutSettingsSchema.parse(input);
  return db.$transaction(async (tx) => {
    const before = await tx.organization.findUniqueOrThrow({ where: { id: ctx.org.id }, select: { rolloutAutoPromote: true } });
    await tx.organization.update({ where: { id: ctx.org.id }, data: { rolloutAutoPromote: autoPromote } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "org.settings_updated",
      target: { type: "organization", id: ctx.org.id },
      diff: { rolloutAutoPromote: { before: before.rolloutAutoPromote, after: autoPromote } },
      request,
    });
    return { autoPromote };
  });
}

export { activeRollout as currentRollout };

/**
 * Evaluates rollout gates on a timer (CHARTER_ROLLOUT_TICK_SECONDS, default 30), so rings promote and bad rings roll
 * back with nobody watching. Every replica may run it: each step locks its org and re-reads the rollout first.
 */
export function startRolloutTicker(db: Db, env: Record<string, string | undefined> = process.env): { stop(): void } {
  const seconds = Number(env.CHARTER_ROLLOUT_TICK_SECONDS || 30);
  const everyMs = (Number.isFinite(seconds) && seconds >= 1 ? seconds : 30) * 1000;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    tickRollouts(db)
      .catch((err) => console.error("[rollouts] evaluating gates failed; will retry", err))
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref?.();
  return { stop: () => clearInterval(timer) };
}
