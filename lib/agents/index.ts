import { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { hashSecret, newSecret, secretPrefix } from "../crypto/tokens";

/** Agent tokens look like `cha_<43 base64url characters>`; the first 12 characters identify one in lists. */
export const AGENT_TOKEN_PREFIX = "cha_";

// Admins (policy:publish) decide which hosts receive what they publish; tokens only ever read the bundle.
const MANAGE = "policy:publish" as const;

export const createAgentTokenSchema = z.object({
  name: z.string().trim().min(1, "Give the token a name").max(80, "At most 80 characters"),
  group: z
    .string()
    .trim()
    .max(60, "At most 60 characters")
    .regex(/^[\w.\- ]*$/, "Letters, digits, spaces, dots, dashes and underscores only")
    .optional()
    .transform((g) => (g ? g : null)),
});
export type CreateAgentTokenInput = z.input<typeof createAgentTokenSchema>;

/** Creates an agent token; the secret is returned here once and only its hash is stored. */
export async function createAgentToken(db: Db, ctx: OrgContext, input: CreateAgentTokenInput, request: RequestInfo) {
  requirePermission(ctx, MANAGE);
  const { name, group } = createAgentTokenSchema.parse(input);
  const secret = newSecret(AGENT_TOKEN_PREFIX);
  const token = await db.$transaction(async (tx) => {
    const created = await tx.agentToken.create({
      data: { orgId: ctx.org.id, name, group, prefix: secretPrefix(secret), tokenHash: hashSecret(secret), createdById: ctx.actor.type === "user" ? ctx.actor.userId : null },
      select: { id: true, name: true, group: true, prefix: true, createdAt: true },
    });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "agent_token.created",
      target: { type: "agent_token", id: created.id },
      diff: { name: { after: name }, group: { after: group }, secret: { after: "[redacted]" } },
      request,
    });
    return created;
  });
  return { token, secret };
}

export async function revokeAgentToken(db: Db, ctx: OrgContext, tokenId: string, request: RequestInfo) {
  requirePermission(ctx, MANAGE);
  z.string({ message: "Token id must be a string" }).min(1).max(64).parse(tokenId);
  await db.$transaction(async (tx) => {
    const token = await tx.agentToken.findFirst({ where: { id: tokenId, orgId: ctx.org.id }, select: { id: true, name: true, revokedAt: true } });
    if (!token) throw new AppError("not_found", "No such agent token in this organisation.");
    if (token.revokedAt) throw new AppError("conflict", `Agent token "${token.name}" is already revoked.`);
    const revokedAt = new Date();
    await tx.agentToken.update({ where: { id: token.id }, data: { revokedAt } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "agent_token.revoked",
      target: { type: "agent_token", id: token.id },
      diff: { revokedAt: { before: null, after: revokedAt.toISOString() } },
      request,
    });
  });
}

/**
 * What the bundle endpoint needs to know about a presented secret, by its hash (the endpoint hashes once, for its
 * cache key and this lookup); null when it is not a live agent token.
 */
export async function lookupAgentToken(db: Db, tokenHash: string): Promise<{ id: string; orgId: string } | null> {
  const token = await db.agentToken.findUnique({ where: { tokenHash }, select: { id: true, orgId: true, revokedAt: true } });
  return token && !token.revokedAt ? { id: token.id, orgId: token.orgId } : null;
}

/** A host is silent when it has not checked in for this long (CHARTER_FLEET_SILENT_HOURS, default 24). */
export function silentAfterMs(env: Record<string, string | undefined> = process.env): number {
  const hours = Number(env.CHARTER_FLEET_SILENT_HOURS || 24);
  return (Number.isFinite(hours) && hours > 0 ? hours : 24) * 3_600_000;
}

export interface FleetHost {
  id: string;
  name: string;
  group: string | null;
  prefix: string;
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
  lastCheckIn: Date | null;
  versionServed: number | null;
  versionInstalled: number | null;
  clientVersion: string | null;
  checkIns: number;
  /** Runs (or was last served) a version older than the current one. */
  stale: boolean;
  /** Has not checked in within the silent window (or never). */
  silent: boolean;
}

export interface FleetOverview {
  currentVersion: number | null;
  silentAfterHours: number;
  hosts: FleetHost[];
  /** Live (not revoked) hosts per version they run; "none" for hosts that never checked in. */
  byVersion: { version: number | null; hosts: number; current: boolean }[];
  totals: { live: number; current: number; stale: number; silent: number; revoked: number };
}

/**
 * The fleet: every agent token with its latest check-in. A host's version is what it says it installed, else what it
 * was last served. One row per token, so this stays a single indexed read for fleets of tens of thousands.
 */
export async function fleetOverview(db: Db, ctx: OrgContext, now = new Date()): Promise<FleetOverview> {
  requirePermission(ctx, "org:read");
  const silentMs = silentAfterMs();
  const [current, tokens] = await Promise.all([
    db.policyVersion.findFirst({ where: { orgId: ctx.org.id }, orderBy: { number: "desc" }, select: { number: true } }),
    db.agentToken.findMany({
      where: { orgId: ctx.org.id },
      orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
      take: 5000,
      select: {
        id: true,
        name: true,
        group: true,
        prefix: true,
        createdAt: true,
        revokedAt: true,
        createdBy: { select: { email: true } },
        checkIn: { select: { at: true, versionServed: true, versionInstalled: true, clientVersion: true, count: true } },
      },
    }),
  ]);
  const currentVersion = current?.number ?? null;
  const hosts: FleetHost[] = tokens.map((t) => {
    const running = t.checkIn ? (t.checkIn.versionInstalled ?? t.checkIn.versionServed) : null;
    return {
      id: t.id,
      name: t.name,
      group: t.group,
      prefix: t.prefix,
      createdAt: t.createdAt,
      createdBy: t.createdBy?.email ?? null,
      revokedAt: t.revokedAt,
      lastCheckIn: t.checkIn?.at ?? null,
      versionServed: t.checkIn?.versionServed ?? null,
      versionInstalled: t.checkIn?.versionInstalled ?? null,
      clientVersion: t.checkIn?.clientVersion ?? null,
      checkIns: t.checkIn?.count ?? 0,
      stale: running !== null && currentVersion !== null && running < currentVersion,
      silent: !t.checkIn || now.getTime() - t.checkIn.at.getTime() > silentMs,
    };
  });
  const live = hosts.filter((h) => !h.revokedAt);
  const counts = new Map<number | null, number>();
  for (const h of live) {
    const v = h.lastCheckIn ? (h.versionInstalled ?? h.versionServed) : null;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const byVersion = [...counts.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : b - a))
    .map(([version, n]) => ({ version, hosts: n, current: version !== null && version === currentVersion }));
  return {
    currentVersion,
    silentAfterHours: silentMs / 3_600_000,
    hosts,
    byVersion,
    totals: {
      live: live.length,
      current: live.filter((h) => h.lastCheckIn && !h.stale).length,
      stale: live.filter((h) => h.stale).length,
      silent: live.filter((h) => h.silent).length,
      revoked: hosts.length - live.length,
    },
  };
}
