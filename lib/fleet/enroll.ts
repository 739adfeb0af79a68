import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { hashSecret, looksLikeSecret, newSecret, secretPrefix } from "../crypto/tokens";
import { AGENT_TOKEN_PREFIX } from "../agents";
import { createEnrollmentSecretSchema, enrollSchema, orgAgentSettingsSchema, type CreateEnrollmentSecretInput } from "./schemas";

/** Enrolment secrets look like `che_<43 base64url characters>`. */
export const ENROLLMENT_SECRET_PREFIX = "che_";

// The same people who manage agent tokens decide which hosts may join.
const MANAGE = "policy:publish" as const;

const REFUSED = "The enrolment secret is unknown, expired, revoked or used up.";

export interface EnrollmentSecretView {
  id: string;
  name: string;
  group: string | null;
  prefix: string;
  maxUses: number | null;
  uses: number;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  createdBy: string | null;
  /** active | expired | used up | revoked */
  status: "active" | "expired" | "used up" | "revoked";
}

export function enrollmentStatus(s: { revokedAt: Date | null; expiresAt: Date; maxUses: number | null; uses: number }, now = new Date()): EnrollmentSecretView["status"] {
  if (s.revokedAt) return "revoked";
  if (s.expiresAt <= now) return "expired";
  if (s.maxUses !== null && s.uses >= s.maxUses) return "used up";
  return "active";
}

export async function listEnrollmentSecrets(db: Db, ctx: OrgContext, now = new Date()): Promise<EnrollmentSecretView[]> {
  requirePermission(ctx, "org:read");
  const rows = await db.enrollmentSecret.findMany({
    where: { orgId: ctx.org.id },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: { id: true, name: true, group: true, prefix: true, maxUses: true, uses: true, expiresAt: true, revokedAt: true, lastUsedAt: true, createdAt: true, createdBy: { select: { email: true } } },
  });
  return rows.map(({ createdBy, ...r }) => ({ ...r, createdBy: createdBy?.email ?? null, status: enrollmentStatus(r, now) }));
}

/** Creates an enrolment secret; the secret is returned here once and only its hash is stored. */
export async function createEnrollmentSecret(db: Db, ctx: OrgContext, input: CreateEnrollmentSecretInput, request: RequestInfo, now = new Date()) {
  requirePermission(ctx, MANAGE);
  const { name, group, maxUses, expiresInHours } = createEnrollmentSecretSchema.parse(input);
  const secret = newSecret(ENROLLMENT_SECRET_PREFIX);
  const expiresAt = new Date(now.getTime() + expiresInHours * 3_600_000);
  const created = await db.$transaction(async (tx) => {
    const row = await tx.enrollmentSecret.create({
      data: { orgId: ctx.org.id, name, group, maxUses, expiresAt, prefix: secretPrefix(secret), secretHash: hashSecret(secret), createdById: ctx.actor.type === "user" ? ctx.actor.userId : null },
      select: { id: true, name: true, group: true, prefix: true, maxUses: true, expiresAt: true },
    });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "enrollment_secret.created",
      target: { type: "enrollment_secret", id: row.id },
      diff: { name: { after: name }, group: { after: group }, maxUses: { after: maxUses }, expiresAt: { after: expiresAt.toISOString() }, secret: { after: "[redacted]" } },
      request,
    });
    return row;
  });
  return { enrollmentSecret: created, secret };
}

export async function revokeEnrollmentSecret(db: Db, ctx: OrgContext, id: string, request: RequestInfo) {
  requirePermission(ctx, MANAGE);
  if (typeof id !== "string" || id.length === 0 || id.length > 64) throw new AppError("not_found", "No such enrolment secret in this organisation.");
  await db.$transaction(async (tx) => {
    const row = await tx.enrollmentSecret.findFirst({ where: { id, orgId: ctx.org.id }, select: { id: true, name: true, revokedAt: true } });
    if (!row) throw new AppError("not_found", "No such enrolment secret in this organisation.");
    if (row.revokedAt) throw new AppError("conflict", `Enrolment secret "${row.name}" is already revoked.`);
    const revokedAt = new Date();
    await tx.enrollmentSecret.update({ where: { id: row.id }, data: { revokedAt } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "enrollment_secret.revoked",
      target: { type: "enrollment_secret", id: row.id },
      diff: { revokedAt: { before: null, after: revokedAt.toISOString() } },
      request,
    });
  });
}

/**
 * POST /api/v1/agent/enroll: exchanges a live enrolment secret for a new agent token of one host. Taking a use is one
 * conditional UPDATE, so a single-use secret enrols exactly one host however many try at once. Every refusal reads the
 * same (unknown org, unknown, expired, revoked or used-up secret), so the endpoint tells a guesser nothing.
 */
export async function enrollHost(db: Db, body: unknown, request: RequestInfo) {
  const { org: slug, secret, host } = enrollSchema.parse(body);
  if (!looksLikeSecret(secret, ENROLLMENT_SECRET_PREFIX)) throw new AppError("unauthenticated", REFUSED);
  const org = await db.organization.findUnique({ where: { slug }, select: { id: true, slug: true } });
  if (!org) throw new AppError("unauthenticated", REFUSED);
  const token = newSecret(AGENT_TOKEN_PREFIX);
  const result = await db.$transaction(async (tx) => {
    const taken = await tx.$queryRaw<{ id: string; name: string; group: string | null }[]>`
      UPDATE "EnrollmentSecret" SET uses = uses + 1, "lastUsedAt" = now()
      WHERE "secretHash" = ${hashSecret(secret)} AND "orgId" = ${org.id} AND "revokedAt" IS NULL AND "expiresAt" > now()
        AND ("maxUses" IS NULL OR uses < "maxUses")
      RETURNING id, name, "group"`;
    const used = taken[0];
    if (!used) return null;
    const now = new Date();
    const created = await tx.agentToken.create({
      data: { orgId: org.id, name: host.hostname, group: used.group, prefix: secretPrefix(token), tokenHash: hashSecret(token), enrollmentSecretId: used.id },
      select: { id: true },
    });
    await tx.agentHost.create({
      data: { tokenId: created.id, orgId: org.id, hostname: host.hostname, os: host.os, arch: host.arch, agentVersion: host.agentVersion, codexVersion: host.codexVersion, enrolledAt: now },
    });
    await recordAudit(tx, {
      orgId: org.id,
      actor: { type: "token", id: used.id, label: `enrolment secret ${used.name}` },
      action: "agent.enrolled",
      target: { type: "agent_token", id: created.id },
      diff: { hostname: { after: host.hostname }, group: { after: used.group }, token: { after: "[redacted]" } },
      meta: { os: host.os, arch: host.arch, agentVersion: host.agentVersion, codexVersion: host.codexVersion },
      request,
    });
    return { hostId: created.id, group: used.group };
  });
  if (!result) throw new AppError("unauthenticated", REFUSED);
  return { token, hostId: result.hostId, org: org.slug, group: result.group };
}

/** The org's agent settings (poll interval); org:manage changes them. */
export async function updateAgentSettings(db: Db, ctx: OrgContext, input: { pollSeconds: number | null }, request: RequestInfo) {
  requirePermission(ctx, "org:manage");
  const { pollSeconds } = orgAgentSettingsSchema.parse(input);
  await db.$transaction(async (tx) => {
    const before = await tx.organization.findUniqueOrThrow({ where: { id: ctx.org.id }, select: { agentPollSeconds: true } });
    if (before.agentPollSeconds === pollSeconds) return;
    await tx.organization.update({ where: { id: ctx.org.id }, data: { agentPollSeconds: pollSeconds } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "org.agent_settings_updated",
      target: { type: "organization", id: ctx.org.id },
      diff: { agentPollSeconds: { before: before.agentPollSeconds, after: pollSeconds } },
      request,
    });
  });
}
