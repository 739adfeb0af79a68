import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint } from "jose";
import type { Db, Prisma } from "../db";
import { AppError } from "../errors";
import { recordAudit, type AuditActor, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { open, seal } from "../crypto/secretbox";

type Tx = Prisma.TransactionClient;

/** A public key as the JWKS serves it. */
export interface PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  alg: "EdDSA";
  use: "sig";
}

export type KeyState = "next" | "active" | "retired";

export interface SigningKeyView {
  kid: string;
  state: KeyState;
  createdAt: Date;
  activatedAt: Date | null;
  retiredAt: Date | null;
  servedUntil: Date | null;
  /** Whether the JWKS lists it now. */
  published: boolean;
}

// Bound as associated data of the sealed private key: a sealed key copied to another row or org does not open.
const sealContext = (orgId: string, kid: string) => `signing-key:${orgId}:${kid}`;

/** Serialises key changes and bundle signing of one org (publish takes the policy lock first, then this one). */
export async function lockOrgKeys(tx: Tx, orgId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`keys:${orgId}`}))`;
}

/** A fresh Ed25519 pair: the public half as a JWK, the private half as sealed PKCS#8 (never stored or logged in clear). */
export async function generateSigningKey(orgId: string): Promise<{ kid: string; publicJwk: PublicJwk; privateKeySealed: string }> {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const { x } = publicKey.export({ format: "jwk" }) as { x: string };
  const kid = await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x }, "sha256");
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  return { kid, publicJwk: { kty: "OKP", crv: "Ed25519", x, kid, alg: "EdDSA", use: "sig" }, privateKeySealed: seal(pkcs8, sealContext(orgId, kid)) };
}

/** Opens a key row's sealed private key for signing; the KeyObject stays in this process's memory only. */
export function privateKeyOf(row: { orgId: string; kid: string; privateKeySealed: string }): KeyObject {
  return createPrivateKey({ key: open(row.privateKeySealed, sealContext(row.orgId, row.kid)), format: "der", type: "pkcs8" });
}

async function insertKey(tx: Tx, orgId: string, state: "active" | "next", actor: AuditActor, request: RequestInfo) {
  const generated = await generateSigningKey(orgId);
  const now = new Date();
  const row = await tx.signingKey.create({
    data: { orgId, ...generated, publicJwk: generated.publicJwk as unknown as Prisma.InputJsonValue, state, activatedAt: state === "active" ? now : null },
  });
  await recordAudit(tx, {
    orgId,
    actor,
    action: "signing_key.created",
    target: { type: "signing_key", id: row.kid },
    diff: { kid: { after: row.kid }, state: { after: state }, privateKey: { after: "[sealed]" } },
    request,
  });
  return row;
}

/** The org's active key, created on first use (the first publish) when the org has none. Caller holds lockOrgKeys. */
export async function activeKeyFor(tx: Tx, orgId: string, actor: AuditActor, request: RequestInfo) {
  const active = await tx.signingKey.findFirst({ where: { orgId, state: "active" } });
  return active ?? insertKey(tx, orgId, "active", actor, request);
}

/** Keys in the JWKS: active and next, and retired ones until the last bundle they signed has expired. */
export async function publishedKeys(db: Db | Tx, orgId: string, now = new Date()): Promise<PublicJwk[]> {
  const rows = await db.signingKey.findMany({
    where: { orgId, OR: [{ state: { in: ["active", "next"] } }, { state: "retired", servedUntil: { gt: now } }] },
    orderBy: [{ createdAt: "asc" }],
    select: { publicJwk: true, state: true },
  });
  const order: Record<KeyState, number> = { active: 0, next: 1, retired: 2 };
  return rows.sort((a, b) => order[a.state] - order[b.state]).map((r) => r.publicJwk as unknown as PublicJwk);
}

/** The public JWKS of an org by slug (public: keys are meant to be fetched by anyone who verifies bundles). */
export async function jwksForSlug(db: Db, slug: string): Promise<{ keys: PublicJwk[] }> {
  if (typeof slug !== "string" || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) throw new AppError("not_found", "No such organisation.");
  const org = await db.organization.findUnique({ where: { slug }, select: { id: true } });
  if (!org) throw new AppError("not_found", "No such organisation.");
  return { keys: await publishedKeys(db, org.id) };
}

export async function listSigningKeys(db: Db, ctx: OrgContext, now = new Date()): Promise<SigningKeyView[]> {
  requirePermission(ctx, "org:read");
  const rows = await db.signingKey.findMany({
    where: { orgId: ctx.org.id },
    orderBy: { createdAt: "desc" },
    select: { kid: true, state: true, createdAt: true, activatedAt: true, retiredAt: true, servedUntil: true },
  });
  return rows.map((r) => ({ ...r, published: r.state !== "retired" || (r.servedUntil !== null && r.servedUntil > now) }));
}

/**
 * Step 1 of a rotation: a next key, published in the JWKS at once so hosts that pin keys can learn it before it signs.
 * With no active key yet, the new key becomes the active one.
 */
export async function createNextKey(db: Db, ctx: OrgContext, request: RequestInfo): Promise<SigningKeyView> {
  requirePermission(ctx, "org:manage");
  const row = await db.$transaction(async (tx) => {
    await lockOrgKeys(tx, ctx.org.id);
    const existing = await tx.signingKey.findMany({ where: { orgId: ctx.org.id, state: { in: ["active", "next"] } }, select: { state: true, kid: true } });
    const next = existing.find((k) => k.state === "next");
    if (next) throw new AppError("conflict", `There is already a next key (${next.kid.slice(0, 12)}…): activate or retire it first.`);
    return insertKey(tx, ctx.org.id, existing.some((k) => k.state === "active") ? "next" : "active", auditActor(ctx.actor), request);
  });
  return { kid: row.kid, state: row.state, createdAt: row.createdAt, activatedAt: row.activatedAt, retiredAt: null, servedUntil: null, published: true };
}

/**
 * Step 2: the next key becomes active and the active one retired (it stays in the JWKS until the bundles it signed
 * expire). The current bundle is re-signed with the new key in the same transaction.
 */
export async function activateNextKey(db: Db, ctx: OrgContext, request: RequestInfo): Promise<{ activated: string; retired: string | null }> {
  requirePermission(ctx, "org:manage");
  const { resignCurrentBundle } = await import("./build");
  return db.$transaction(async (tx) => {
    await lockOrgKeys(tx, ctx.org.id);
    const next = await tx.signingKey.findFirst({ where: { orgId: ctx.org.id, state: "next" } });
    if (!next) throw new AppError("conflict", "There is no next key to activate: create one first.");
    const active = await tx.signingKey.findFirst({ where: { orgId: ctx.org.id, state: "active" } });
    const now = new Date();
    if (active) await tx.signingKey.update({ where: { id: active.id }, data: { state: "retired", retiredAt: now } });
    await tx.signingKey.update({ where: { id: next.id }, data: { state: "active", activatedAt: now } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "signing_key.activated",
      target: { type: "signing_key", id: next.kid },
      diff: { activeKid: { before: active?.kid ?? null, after: next.kid }, ...(active ? { retiredKid: { after: active.kid } } : {}) },
      meta: active?.servedUntil ? { retiredKeyServedUntil: active.servedUntil.toISOString() } : null,
      request,
    });
    await resignCurrentBundle(tx, ctx.org, now);
    return { activated: next.kid, retired: active?.kid ?? null };
  });
}

/**
 * Retires a key that is not active: a next key that will not be used (it leaves the JWKS at once, having signed
 * nothing), or ends a retired key's overlap early (e.g. it leaked), which makes bundles it signed unverifiable.
 * The active key cannot be retired without a successor: activate a next key instead.
 */
export async function retireKey(db: Db, ctx: OrgContext, kid: string, request: RequestInfo): Promise<void> {
  requirePermission(ctx, "org:manage");
  if (typeof kid !== "string" || kid.length < 1 || kid.length > 100) throw new AppError("validation_failed", "kid: expected a key id.");
  await db.$transaction(async (tx) => {
    await lockOrgKeys(tx, ctx.org.id);
    const key = await tx.signingKey.findFirst({ where: { orgId: ctx.org.id, kid } });
    if (!key) throw new AppError("not_found", "No such key in this organisation.");
    if (key.state === "active") throw new AppError("conflict", "The active key signs the current bundle: create and activate a next key to replace it.");
    const now = new Date();
    if (key.state === "retired" && (!key.servedUntil || key.servedUntil <= now)) throw new AppError("conflict", "This key is already retired and no longer published.");
    await tx.signingKey.update({ where: { id: key.id }, data: { state: "retired", retiredAt: key.retiredAt ?? now, servedUntil: now } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: auditActor(ctx.actor),
      action: "signing_key.retired",
      target: { type: "signing_key", id: key.kid },
      diff: { state: { before: key.state, after: "retired" }, servedUntil: { before: key.servedUntil?.toISOString() ?? null, after: now.toISOString() } },
      request,
    });
  });
}
