import type { Db, Prisma } from "../db";
import { AppError } from "../errors";
import type { GroupDef, HostFacts } from "../groups/membership";
import { byPrecedence, groupFor, type GroupRules } from "../groups/membership";
import { ringOf, rolloutPlanSchema, type Gates, type Ring, type RolloutPlanInput } from "./rings";

type Tx = Prisma.TransactionClient;

/*
 * Which base version a host gets. Without an active rollout: the org's current version. While a rollout of version N
 * is active (running, paused, timed out or halted), hosts in the rings reached so far get N and the others keep the
 * version before it. A rollback publishes the old text as a new, higher version, so hosts never go down a number.
 */

export const ACTIVE_STATES = ["running", "paused", "timed_out", "halted"] as const;

export interface ActiveRollout {
  id: string;
  versionNumber: number;
  previousNumber: number | null;
  rings: Ring[];
  gates: Gates;
  currentRing: number;
  state: (typeof ACTIVE_STATES)[number];
  ringStartedAt: Date;
}

export async function activeRollout(db: Db | Tx, orgId: string): Promise<ActiveRollout | null> {
  const r = await db.rollout.findFirst({
    where: { orgId, state: { in: [...ACTIVE_STATES] } },
    orderBy: { versionNumber: "desc" },
    select: { id: true, versionNumber: true, previousNumber: true, rings: true, gates: true, currentRing: true, state: true, ringStartedAt: true },
  });
  return r ? { ...r, rings: r.rings as Ring[], gates: r.gates as Gates, state: r.state as ActiveRollout["state"] } : null;
}

/** The version a host in ring `ring` gets under `rollout` (null rollout: the current version). */
export function versionForRing(rollout: Pick<ActiveRollout, "versionNumber" | "previousNumber" | "currentRing"> | null, current: number | null, ring: number): number | null {
  if (!rollout) return current;
  return ring <= rollout.currentRing ? rollout.versionNumber : (rollout.previousNumber ?? rollout.versionNumber);
}

export async function orgGroups(db: Db | Tx, orgId: string): Promise<GroupDef[]> {
  const rows = await db.hostGroup.findMany({ where: { orgId }, select: { id: true, name: true, priority: true, rules: true } });
  return rows.map((r) => ({ id: r.id, name: r.name, priority: r.priority, rules: (r.rules ?? null) as GroupRules | null })).sort(byPrecedence);
}

/** The base version a host should have, and why (its group and its ring of the active rollout). */
export interface Assignment {
  version: number | null;
  /** The group whose overlay the host gets (null: none). */
  group: string | null;
  /** The host's ring of the active rollout (null: no rollout). */
  ring: string | null;
  /** One sentence: why this version. */
  reason: string;
}

/**
 * Loads what decides delivery once (current version, active rollout, groups) and returns the assignment of any host,
 * by the same rules the bundle endpoint applies from memory (lib/rollouts/resolve.ts), so the fleet's "behind" means
 * "has not installed the version it is being served". A host that installed the rollout's version keeps it.
 */
export async function deliveryAssigner(db: Db | Tx, orgId: string): Promise<(host: HostFacts, installed?: number | null) => Assignment> {
  const [current, rollout, groups] = await Promise.all([
    db.policyVersion.findFirst({ where: { orgId }, orderBy: { number: "desc" }, select: { number: true } }),
    activeRollout(db, orgId),
    orgGroups(db, orgId),
  ]);
  const byName = new Map(groups.map((g) => [g.name, g]));
  const now = current?.number ?? null;
  return (host, installed = null) => {
    const group = groupFor(host, groups)?.name ?? null;
    if (!rollout) {
      return { version: now, group, ring: null, reason: now === null ? "nothing is published yet" : `version ${now} is the current version` };
    }
    const index = ringOf(orgId, host, rollout.rings, byName);
    const ring = index < rollout.rings.length ? rollout.rings[index].name : "everyone";
    const reached = index <= rollout.currentRing;
    const version = versionForRing(rollout, now, index);
    const of = `ring "${ring}" of the rollout of version ${rollout.versionNumber}`;
    if (!reached && installed !== null && installed >= rollout.versionNumber) {
      return { version: rollout.versionNumber, group, ring, reason: `it already installed version ${rollout.versionNumber}, which it keeps while ${of} waits` };
    }
    return {
      version,
      group,
      ring,
      reason: reached ? `${of}, which has reached it` : `${of} (${rollout.state.replace("_", " ")}), not reached yet: it keeps version ${version}`,
    };
  };
}

/** The base version `host` should have now (for views; the bundle endpoint computes the same from memory). */
export async function assignedVersionFor(db: Db | Tx, orgId: string, host: HostFacts, _group: GroupDef | null): Promise<number | null> {
  return (await deliveryAssigner(db, orgId))(host).version;
}

/** Base versions hosts may be served right now: the current one, and the previous one while a rollout is active. */
export async function servedBaseVersions(db: Db | Tx, orgId: string): Promise<{ number: number; toml: string }[]> {
  const current = await db.policyVersion.findFirst({ where: { orgId }, orderBy: { number: "desc" }, select: { number: true, toml: true } });
  if (!current) return [];
  const rollout = await activeRollout(db, orgId);
  if (!rollout?.previousNumber || rollout.previousNumber === current.number) return [current];
  const prev = await db.policyVersion.findUnique({ where: { orgId_number: { orgId, number: rollout.previousNumber } }, select: { number: true, toml: true } });
  return prev ? [current, prev] : [current];
}

/** Refuses a publish while another rollout is still deciding who gets what. */
export async function assertNoActiveRollout(tx: Tx, orgId: string): Promise<void> {
  const r = await activeRollout(tx, orgId);
  if (r) {
    throw new AppError("conflict", `A rollout of version ${r.versionNumber} is ${r.state.replace("_", " ")}; promote it to everyone or roll it back before publishing another version.`, {
      rollout: r.versionNumber,
    });
  }
}

/** Creates the rollout of a just-inserted version (called inside the publish transaction). */
export async function startRollout(
  tx: Tx,
  orgId: string,
  version: number,
  previous: number | null,
  plan: RolloutPlanInput,
  by: { id: string | null; label: string },
): Promise<void> {
  const { rings, gates } = rolloutPlanSchema.parse(plan);
  if (previous === null) throw new AppError("conflict", "The first version goes to every host at once: a rollout needs a previous version for the hosts outside its rings.");
  const groups = new Set((await tx.hostGroup.findMany({ where: { orgId }, select: { name: true } })).map((g) => g.name));
  for (const r of rings) if (r.group !== undefined && !groups.has(r.group)) throw new AppError("validation_failed", `Ring "${r.name}" names group "${r.group}", which does not exist.`);
  const rollout = await tx.rollout.create({
    data: { orgId, versionNumber: version, previousNumber: previous, rings, gates, createdById: by.id, createdLabel: by.label },
    select: { id: true },
  });
  await tx.rolloutEvent.create({ data: { rolloutId: rollout.id, kind: "started", ring: 0, detail: { rings: rings.map((r) => r.name), previous } } });
}
