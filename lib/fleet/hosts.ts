import { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import type { OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { hostState, HOST_STATES, silentAfterMs, type HostState } from "./states";
import { publishedKeys } from "../bundles/keys";
import { keyFingerprint, type JWK } from "../bundles/verify";
import { deliveryAssigner, type Assignment } from "../rollouts/plan";

/** The most hosts one fleet read loads; the page filters and shows a slice of them. */
export const MAX_FLEET_HOSTS = 50_000;

export interface FleetHostRow {
  id: string;
  name: string;
  group: string | null;
  prefix: string;
  enrolled: boolean;
  createdAt: Date;
  revokedAt: Date | null;
  hostname: string | null;
  os: string | null;
  arch: string | null;
  agentVersion: string | null;
  codexVersion: string | null;
  installedVersion: number | null;
  lastError: string | null;
  lastSeenAt: Date | null;
  checkIns: number;
  /** The version this host is being served (its group and rollout ring decide it): "behind" compares with this. */
  assignedVersion: number | null;
  /** That version with its group, ring and reason, as the host page shows it. */
  assignment: Assignment;
  state: HostState;
}

export const fleetFilterSchema = z.object({
  state: z.enum(HOST_STATES).optional().catch(undefined),
  group: z.string().max(60).optional().catch(undefined),
  os: z.string().max(20).optional().catch(undefined),
  codex: z.string().max(64).optional().catch(undefined),
  version: z.coerce.number().int().optional().catch(undefined),
  q: z.string().max(255).optional().catch(undefined),
});
export type FleetFilter = z.output<typeof fleetFilterSchema>;

export interface Fleet {
  currentVersion: number | null;
  silentAfterHours: number;
  /** Hosts matching the filter (all states when the filter names none). */
  hosts: FleetHostRow[];
  /** Every host, unfiltered (the token list). */
  all: FleetHostRow[];
  /** Per state, over hosts matching every filter except the state. */
  counts: Record<HostState, number>;
  /** Values present in the fleet, for the filter menus. */
  options: { groups: string[]; os: string[]; codex: string[]; versions: number[] };
}

/**
 * Every host (agent token) of the org with its derived state. A host is what its check-ins reported; tokens that only
 * fetch the bundle (admin-made tokens on older agents) count through the bundle endpoint's check-in row.
 */
export async function listFleet(db: Db, ctx: OrgContext, filter: FleetFilter = {}, now = new Date()): Promise<Fleet> {
  requirePermission(ctx, "org:read");
  const silentMs = silentAfterMs();
  const [current, assign, tokens] = await Promise.all([
    db.policyVersion.findFirst({ where: { orgId: ctx.org.id }, orderBy: { number: "desc" }, select: { number: true } }),
    deliveryAssigner(db, ctx.org.id),
    db.agentToken.findMany({
      where: { orgId: ctx.org.id },
      orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
      take: MAX_FLEET_HOSTS,
      select: {
        id: true,
        name: true,
        group: true,
        prefix: true,
        createdAt: true,
        revokedAt: true,
        enrollmentSecretId: true,
        checkIn: { select: { at: true, versionServed: true, versionInstalled: true, count: true } },
        host: {
          select: { hostname: true, os: true, arch: true, agentVersion: true, codexVersion: true, reportedState: true, installedVersion: true, lastError: true, lastSeenAt: true, checkIns: true },
        },
      },
    }),
  ]);
  const currentVersion = current?.number ?? null;
  const all: FleetHostRow[] = tokens.map((t) => {
    const h = t.host;
    const bundleAt = t.checkIn?.at ?? null;
    const hostAt = h?.lastSeenAt ?? null;
    const lastSeenAt = hostAt && bundleAt ? (hostAt > bundleAt ? hostAt : bundleAt) : (hostAt ?? bundleAt);
    const installedVersion = h?.lastSeenAt ? h.installedVersion : (t.checkIn ? (t.checkIn.versionInstalled ?? t.checkIn.versionServed) : null);
    const assignment = assign({ id: t.id, label: t.group, hostname: h?.hostname, os: h?.os, codexVersion: h?.codexVersion }, installedVersion);
    const assignedVersion = assignment.version;
    return {
      id: t.id,
      name: t.name,
      group: t.group,
      prefix: t.prefix,
      enrolled: t.enrollmentSecretId !== null,
      createdAt: t.createdAt,
      revokedAt: t.revokedAt,
      hostname: h?.hostname ?? null,
      os: h?.os ?? null,
      arch: h?.arch ?? null,
      agentVersion: h?.agentVersion ?? null,
      codexVersion: h?.codexVersion ?? null,
      installedVersion,
      lastError: h?.lastSeenAt ? h.lastError : null,
      lastSeenAt,
      checkIns: (h?.checkIns ?? 0) + (t.checkIn?.count ?? 0),
      assignedVersion,
      assignment,
      state: hostState({ revokedAt: t.revokedAt, lastSeenAt, reportedState: h?.lastSeenAt ? h.reportedState : null, installedVersion }, assignedVersion, now, silentMs),
    };
  });
  const q = filter.q?.trim().toLowerCase();
  const others = all.filter(
    (h) =>
      (!filter.group || h.group === filter.group) &&
      (!filter.os || h.os === filter.os) &&
      (!filter.codex || h.codexVersion === filter.codex) &&
      (filter.version === undefined || h.installedVersion === filter.version) &&
      (!q || (h.hostname ?? "").toLowerCase().includes(q) || h.name.toLowerCase().includes(q)),
  );
  const counts = Object.fromEntries(HOST_STATES.map((s) => [s, 0])) as Record<HostState, number>;
  for (const h of others) counts[h.state]++;
  const uniq = <T,>(xs: (T | null)[]) => [...new Set(xs.filter((x): x is T => x !== null))];
  return {
    currentVersion,
    silentAfterHours: silentMs / 3_600_000,
    hosts: filter.state ? others.filter((h) => h.state === filter.state) : others,
    all,
    counts,
    options: {
      groups: uniq(all.map((h) => h.group)).sort(),
      os: uniq(all.map((h) => h.os)).sort(),
      codex: uniq(all.map((h) => h.codexVersion)).sort(),
      versions: uniq(all.map((h) => h.installedVersion)).sort((a, b) => b - a),
    },
  };
}

export interface HostHistoryEntry {
  at: Date;
  kind: string;
  state: string;
  installedVersion: number | null;
  diskSha256: string | null;
  agentVersion: string | null;
  codexVersion: string | null;
  reason: string | null;
}

/** One host: its record, derived state and its check-in history (newest first). */
export async function getHost(db: Db, ctx: OrgContext, tokenId: string, now = new Date()) {
  requirePermission(ctx, "org:read");
  if (typeof tokenId !== "string" || tokenId.length > 64) throw new AppError("not_found", "No such host in this organisation.");
  const [current, assign, token] = await Promise.all([
    db.policyVersion.findFirst({ where: { orgId: ctx.org.id }, orderBy: { number: "desc" }, select: { number: true } }),
    deliveryAssigner(db, ctx.org.id),
    db.agentToken.findFirst({
      where: { id: tokenId, orgId: ctx.org.id },
      select: {
        id: true, name: true, group: true, prefix: true, createdAt: true, revokedAt: true,
        createdBy: { select: { email: true } },
        enrollmentSecret: { select: { name: true } },
        checkIn: { select: { at: true, versionServed: true, versionInstalled: true, clientVersion: true, count: true } },
        host: true,
      },
    }),
  ]);
  if (!token) throw new AppError("not_found", "No such host in this organisation.");
  const history: HostHistoryEntry[] = await db.agentHostHistory.findMany({
    where: { tokenId: token.id, orgId: ctx.org.id },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: 200,
    select: { at: true, kind: true, state: true, installedVersion: true, diskSha256: true, agentVersion: true, codexVersion: true, reason: true },
  });
  const h = token.host;
  const bundleAt = token.checkIn?.at ?? null;
  const hostAt = h?.lastSeenAt ?? null;
  const lastSeenAt = hostAt && bundleAt ? (hostAt > bundleAt ? hostAt : bundleAt) : (hostAt ?? bundleAt);
  const installedVersion = h?.lastSeenAt ? h.installedVersion : (token.checkIn ? (token.checkIn.versionInstalled ?? token.checkIn.versionServed) : null);
  const currentVersion = current?.number ?? null;
  const assignment: Assignment = assign({ id: token.id, label: token.group, hostname: h?.hostname, os: h?.os, codexVersion: h?.codexVersion }, installedVersion);
  const state = hostState({ revokedAt: token.revokedAt, lastSeenAt, reportedState: h?.lastSeenAt ? h.reportedState : null, installedVersion }, assignment.version, now, silentAfterMs());
  return { token, host: h, history, state, lastSeenAt, installedVersion, currentVersion, assignment };
}

export interface AdoptionPoint {
  day: string;
  /** Hosts seen that day, per version they reported installed ("none" for hosts with nothing installed). */
  versions: Record<string, number>;
}

/**
 * Adoption of each version over the last `days` days: per UTC day, the hosts that checked in that day counted by the
 * version they last reported that day. History keeps one sample per host per day, so this reads only history.
 */
export async function versionAdoption(db: Db, ctx: OrgContext, days = 30, now = new Date()): Promise<AdoptionPoint[]> {
  requirePermission(ctx, "org:read");
  const since = new Date(now.getTime() - days * 86_400_000);
  const rows = await db.$queryRaw<{ day: string; version: number | null; hosts: number }[]>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, "installedVersion" AS version, count(*)::int AS hosts FROM (
      SELECT DISTINCT ON ("tokenId", (at AT TIME ZONE 'UTC')::date) (at AT TIME ZONE 'UTC')::date AS day, "installedVersion"
      FROM "AgentHostHistory"
      WHERE "orgId" = ${ctx.org.id} AND kind = 'checkin' AND at >= ${since}
      ORDER BY "tokenId", (at AT TIME ZONE 'UTC')::date, at DESC
    ) x
    GROUP BY day, "installedVersion" ORDER BY day`;
  const byDay = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const v = byDay.get(r.day) ?? {};
    v[r.version === null ? "none" : String(r.version)] = r.hosts;
    byDay.set(r.day, v);
  }
  return [...byDay.entries()].map(([day, versions]) => ({ day, versions }));
}

/** RFC 7638 thumbprints of the org's published signing keys, active first: what `--trust-fingerprint` pins. */
export async function orgKeyFingerprints(db: Db, ctx: OrgContext): Promise<string[]> {
  requirePermission(ctx, "org:read");
  return (await publishedKeys(db, ctx.org.id)).map((k) => keyFingerprint(k as unknown as JWK));
}
