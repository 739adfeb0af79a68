import type { Db } from "../db";
import { inBackground } from "../background";
import { buildBundle, refreshBundle } from "../bundles/build";
import { ensureGroupBundle } from "../groups/bundles";
import { loadHosts } from "../groups/hosts";
import { groupFor, type GroupDef, type HostFacts } from "../groups/membership";
import { lockOrgKeys } from "../bundles/keys";
import { activeRollout, orgGroups, versionForRing, type ActiveRollout } from "./plan";
import { ringOf } from "./rings";

/*
 * token → host → group → ring → bundle, from memory. Per org the resolver keeps a delivery plan (current version,
 * active rollout, groups in precedence order with their latest overlay, every live host's facts) and, per host, the
 * key of the bundle it gets ("org|base" or "org|base|group|overlay"). A warm request is two map lookups: no database,
 * no hashing. Plans are dropped when anything that decides delivery changes (DeliveryChange, bundles re-signed; seen
 * through poll) and rebuilt in the background every `planTtlMs`, so host facts reported by check-ins (which may
 * move a host into a rule-based group) apply at its next fetch after that.
 */

export interface BundleRecord {
  version: number;
  etag: string;
  jws: string;
  issuedAt: Date;
  expiresAt: Date;
}

interface Plan {
  current: number | null;
  rollout: ActiveRollout | null;
  groups: GroupDef[];
  groupsByName: Map<string, GroupDef>;
  overlays: Map<string, number>;
  hosts: Map<string, HostFacts>;
  keys: Map<string, string>;
  loadedAt: number;
}

export interface DeliveryResolver {
  /** The key of the bundle this host gets; `installed` is the version the host says it has (never served lower in a rollout). */
  keyFor(host: { id: string; orgId: string }, installed: number | null): string | null | Promise<string | null>;
  /** Reads (building and signing if needed) the bundle of a key. */
  load(key: string): Promise<BundleRecord | null>;
  /** Re-signs a key's bundle when it is past half its life or its key is no longer active; true when it changed. */
  refresh(key: string, now?: Date): Promise<boolean>;
  /** Org ids whose delivery changed since `since` (their plans are dropped here). */
  poll(since: Date): Promise<Set<string>>;
  orgOf(key: string): string;
  stats(): { plans: number };
}

export function createDeliveryResolver(db: Db, opts: { planTtlMs?: number; log?: (m: string, e?: unknown) => void } = {}): DeliveryResolver {
  const planTtlMs = opts.planTtlMs ?? 30_000;
  const log = opts.log ?? ((m: string, e?: unknown) => console.error(`[delivery] ${m}`, e ?? ""));
  const plans = new Map<string, Plan>();
  const loading = new Map<string, Promise<Plan>>();
  const missReloadAt = new Map<string, number>();

  async function loadPlan(orgId: string): Promise<Plan> {
    const [current, rollout, groups, hosts, overlays] = await Promise.all([
      db.policyVersion.findFirst({ where: { orgId }, orderBy: { number: "desc" }, select: { number: true } }),
      activeRollout(db, orgId),
      orgGroups(db, orgId),
      loadHosts(db, orgId),
      db.overlayVersion.groupBy({ by: ["groupId"], where: { orgId }, _max: { number: true } }),
    ]);
    return {
      current: current?.number ?? null,
      rollout,
      groups,
      groupsByName: new Map(groups.map((g) => [g.name, g])),
      overlays: new Map(overlays.map((o) => [o.groupId, o._max.number ?? 0])),
      hosts: new Map(hosts.map((h) => [h.id, h])),
      keys: new Map(),
      loadedAt: Date.now(),
    };
  }

  function planFor(orgId: string): Plan | Promise<Plan> {
    const plan = plans.get(orgId);
    if (plan) {
      if (Date.now() - plan.loadedAt > planTtlMs) void inBackground(reload(orgId)).catch((err) => log("reloading a delivery plan failed", err));
      return plan;
    }
    return reload(orgId);
  }

  function reload(orgId: string): Promise<Plan> {
    let p = loading.get(orgId);
    if (!p) {
      p = loadPlan(orgId)
        .then((plan) => {
          if (loading.get(orgId) === p) plans.set(orgId, plan);
          return plan;
        })
        .finally(() => {
          if (loading.get(orgId) === p) loading.delete(orgId);
        });
      loading.set(orgId, p);
    }
    return p;
  }

  function keyIn(plan: Plan, orgId: string, host: HostFacts): string | null {
    const cached = plan.keys.get(host.id);
    if (cached !== undefined) return cached;
    const ring = plan.rollout ? ringOf(orgId, host, plan.rollout.rings, plan.groupsByName) : 0;
    const base = versionForRing(plan.rollout, plan.current, ring);
    if (base === null) return null;
    const group = groupFor(host, plan.groups);
    const overlay = group ? plan.overlays.get(group.id) : undefined;
    const key = overlay ? `${orgId}|${base}|${group!.id}|${overlay}` : `${orgId}|${base}`;
    plan.keys.set(host.id, key);
    return key;
  }

  function keyWith(plan: Plan, host: { id: string; orgId: string }, installed: number | null): string | null | Promise<string | null> {
    const facts = plan.hosts.get(host.id);
    if (!facts) {
      // A host enrolled since the plan was built: rebuild once (at most every 2 s per org) to learn its group.
      const last = missReloadAt.get(host.orgId) ?? 0;
      if (Date.now() - last > 2_000) {
        missReloadAt.set(host.orgId, Date.now());
        plans.delete(host.orgId);
        return reload(host.orgId).then((p) => (p.hosts.has(host.id) ? keyWith(p, host, installed) : keyIn(p, host.orgId, { id: host.id, label: null })));
      }
      return keyIn(plan, host.orgId, { id: host.id, label: null });
    }
    const key = keyIn(plan, host.orgId, facts);
    // A host that already installed the rollout's version keeps it, even if it moved to a ring not reached yet.
    const r = plan.rollout;
    if (key && r && installed !== null && installed >= r.versionNumber) {
      const parts = key.split("|");
      if (Number(parts[1]) < r.versionNumber) {
        parts[1] = String(r.versionNumber);
        return parts.join("|");
      }
    }
    return key;
  }

  function parse(key: string) {
    const [orgId, base, groupId, overlay] = key.split("|");
    return { orgId, base: Number(base), groupId: groupId ?? null, overlay: overlay === undefined ? null : Number(overlay) };
  }

  async function signGroup(orgId: string, base: number, groupId: string, overlay: number, resign: boolean) {
    return db.$transaction(async (tx) => {
      await lockOrgKeys(tx, orgId);
      const [org, group, b, o] = await Promise.all([
        tx.organization.findUniqueOrThrow({ where: { id: orgId }, select: { id: true, slug: true } }),
        tx.hostGroup.findUniqueOrThrow({ where: { id: groupId }, select: { id: true, name: true } }),
        tx.policyVersion.findUniqueOrThrow({ where: { orgId_number: { orgId, number: base } }, select: { number: true, toml: true } }),
        tx.overlayVersion.findUniqueOrThrow({ where: { groupId_number: { groupId, number: overlay } }, select: { number: true, toml: true } }),
      ]);
      return ensureGroupBundle(tx, org, group, b, o, { resign });
    });
  }

  async function signBase(orgId: string, base: number) {
    await db.$transaction(async (tx) => {
      await lockOrgKeys(tx, orgId);
      const org = await tx.organization.findUniqueOrThrow({ where: { id: orgId }, select: { id: true, slug: true } });
      const v = await tx.policyVersion.findUniqueOrThrow({ where: { orgId_number: { orgId, number: base } }, select: { number: true, toml: true, sha256: true } });
      await buildBundle(tx, org, v);
    });
  }

  const select = { versionNumber: true, etag: true, jws: true, issuedAt: true, expiresAt: true } as const;

  async function load(key: string): Promise<BundleRecord | null> {
    const { orgId, base, groupId, overlay } = parse(key);
    if (groupId !== null && overlay !== null) {
      let row = await db.groupBundle.findUnique({ where: { groupId_baseVersion_overlayVersion: { groupId, baseVersion: base, overlayVersion: overlay } } });
      row ??= await signGroup(orgId, base, groupId, overlay, false);
      return { version: row.baseVersion, etag: row.etag, jws: row.jws, issuedAt: row.issuedAt, expiresAt: row.expiresAt };
    }
    let row = await db.bundle.findUnique({ where: { orgId_versionNumber: { orgId, versionNumber: base } }, select });
    if (!row) {
      // Published before bundles existed (or an old version a rollout keeps serving): sign it now, once.
      await signBase(orgId, base);
      row = await db.bundle.findUnique({ where: { orgId_versionNumber: { orgId, versionNumber: base } }, select });
    }
    return row && { version: row.versionNumber, etag: row.etag, jws: row.jws, issuedAt: row.issuedAt, expiresAt: row.expiresAt };
  }

  async function refresh(key: string, now = new Date()): Promise<boolean> {
    const { orgId, base, groupId, overlay } = parse(key);
    const current = await db.policyVersion.findFirst({ where: { orgId }, orderBy: { number: "desc" }, select: { number: true } });
    if (groupId === null && base === current?.number) return refreshBundle(db, orgId, now);
    const [row, active] = await Promise.all([
      groupId !== null && overlay !== null
        ? db.groupBundle.findUnique({ where: { groupId_baseVersion_overlayVersion: { groupId, baseVersion: base, overlayVersion: overlay } }, select: { kid: true, issuedAt: true, expiresAt: true } })
        : db.bundle.findUnique({ where: { orgId_versionNumber: { orgId, versionNumber: base } }, select: { kid: true, issuedAt: true, expiresAt: true } }),
      db.signingKey.findFirst({ where: { orgId, state: "active" }, select: { kid: true } }),
    ]);
    if (row && now.getTime() < row.issuedAt.getTime() + (row.expiresAt.getTime() - row.issuedAt.getTime()) / 2 && active?.kid === row.kid) return false;
    if (groupId !== null && overlay !== null) await signGroup(orgId, base, groupId, overlay, true);
    else await signBase(orgId, base);
    return true;
  }

  // The newest change already acted on, per org: the poll window overlaps (clock skew), so each change is seen many times.
  const seen = new Map<string, number>();

  async function poll(since: Date): Promise<Set<string>> {
    const [changes, bundles, groupBundles] = await Promise.all([
      db.deliveryChange.findMany({ where: { at: { gt: since } }, select: { orgId: true, at: true } }),
      db.bundle.findMany({ where: { updatedAt: { gt: since } }, select: { orgId: true, updatedAt: true } }),
      db.groupBundle.findMany({ where: { updatedAt: { gt: since } }, select: { orgId: true, updatedAt: true } }),
    ]);
    const newest = new Map<string, number>();
    for (const c of changes) newest.set(c.orgId, Math.max(newest.get(c.orgId) ?? 0, c.at.getTime()));
    for (const b of [...bundles, ...groupBundles]) newest.set(b.orgId, Math.max(newest.get(b.orgId) ?? 0, b.updatedAt.getTime()));
    const orgs = new Set<string>();
    for (const [orgId, at] of newest) {
      if ((seen.get(orgId) ?? -1) >= at) continue;
      seen.set(orgId, at);
      orgs.add(orgId);
      plans.delete(orgId);
      loading.delete(orgId);
    }
    if (seen.size > 100_000) seen.clear();
    return orgs;
  }

  return {
    keyFor(host, installed) {
      const plan = planFor(host.orgId);
      return plan instanceof Promise ? plan.then((p) => keyWith(p, host, installed)) : keyWith(plan, host, installed);
    },
    load,
    refresh,
    poll,
    orgOf: (key) => key.slice(0, key.indexOf("|")),
    stats: () => ({ plans: plans.size }),
  };
}
