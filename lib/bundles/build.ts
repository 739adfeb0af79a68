import { createHash } from "node:crypto";
import { CompactSign } from "jose";
import type { Db, Prisma } from "../db";
import { SYSTEM_REQUEST, type AuditActor, type RequestInfo } from "../audit";
import { BUNDLE_JWS_TYPE, parseBundlePayload, type BundlePayload } from "./payload";
import { activeKeyFor, lockOrgKeys, privateKeyOf } from "./keys";

type Tx = Prisma.TransactionClient;

const SYSTEM: AuditActor = { type: "system", label: "system" };

/** Who signs, for the audit event of a key created on first use: a person with their request, or the system. */
export type SignedBy = { actor: AuditActor; request: RequestInfo } | { actor?: undefined; request?: undefined };

/** How long a signed bundle is valid: CHARTER_BUNDLE_TTL_HOURS, default a week. */
export function bundleTtlMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.CHARTER_BUNDLE_TTL_HOURS;
  const hours = raw === undefined || raw === "" ? 168 : Number(raw);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 366) throw new Error(`CHARTER_BUNDLE_TTL_HOURS must be a number of hours between 0 and 8784, got "${raw}".`);
  return hours * 3_600_000;
}

/**
 * When a bundle is due for re-signing: half its lifetime. The server re-signs from then on (refreshBundle and the bundle
 * endpoint's background refresh), and the payload says so (`refreshAfter`), so a host stops accepting 304s for it.
 */
export function refreshAfterOf(issuedAt: Date, expiresAt: Date): Date {
  return new Date(issuedAt.getTime() + (expiresAt.getTime() - issuedAt.getTime()) / 2);
}

/** The strong validator of a bundle: the quoted sha256 of the exact JWS bytes. */
export function etagOf(jws: string): string {
  return `"${createHash("sha256").update(jws, "utf8").digest("hex")}"`;
}

export interface VersionToSign {
  number: number;
  toml: string;
  sha256: string;
}

/**
 * Signs `version` (its text may be a group's composed file) with the org's active key, created on first use, and
 * extends the key's `servedUntil` so the JWKS keeps the key while the bundle is valid. Runs in the caller's transaction.
 */
export async function signVersion(
  tx: Tx,
  org: { id: string; slug: string },
  version: VersionToSign,
  opts: { now?: Date } & SignedBy = {},
) {
  await lockOrgKeys(tx, org.id);
  const key = await activeKeyFor(tx, org.id, opts.actor ?? SYSTEM, opts.request ?? SYSTEM_REQUEST);
  const issuedAt = opts.now ?? new Date();
  const expiresAt = new Date(issuedAt.getTime() + bundleTtlMs());
  const payload: BundlePayload = parseBundlePayload({
    format: 1,
    org: org.slug,
    version: version.number,
    issuedAt: issuedAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    refreshAfter: refreshAfterOf(issuedAt, expiresAt).toISOString(),
    requirementsToml: version.toml,
    sha256: version.sha256,
  });
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: BUNDLE_JWS_TYPE })
    .sign(privateKeyOf(key));
  if (!key.servedUntil || key.servedUntil < expiresAt) await tx.signingKey.update({ where: { id: key.id }, data: { servedUntil: expiresAt } });
  return { kid: key.kid, jws, etag: etagOf(jws), issuedAt, expiresAt };
}

/**
 * Signs `version` and stores it as the version's bundle, replacing an earlier signature of the same version. Runs
 * inside the caller's transaction: a published version never exists without the bundle agents fetch.
 */
export async function buildBundle(
  tx: Tx,
  org: { id: string; slug: string },
  version: VersionToSign,
  opts: { now?: Date } & SignedBy = {},
) {
  const data = await signVersion(tx, org, version, opts);
  return tx.bundle.upsert({
    where: { orgId_versionNumber: { orgId: org.id, versionNumber: version.number } },
    create: { orgId: org.id, versionNumber: version.number, ...data },
    update: data,
  });
}

/** Re-signs the org's current version (new issuedAt/expiresAt, the active key). No-op before the first publish. */
export async function resignCurrentBundle(tx: Tx, org: { id: string; slug: string }, now = new Date()) {
  const current = await tx.policyVersion.findFirst({ where: { orgId: org.id }, orderBy: { number: "desc" }, select: { number: true, toml: true, sha256: true } });
  return current ? buildBundle(tx, org, current, { now }) : null;
}

/**
 * Keeps the served bundle fresh: re-signs the current version when it has no bundle (versions published before
 * bundles existed), when less than half its lifetime is left, or when it was signed by a key that is no longer
 * active. Two processes may race here; the key lock makes the second see the first's fresh bundle and do nothing.
 */
export async function refreshBundle(db: Db, orgId: string, now = new Date()): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await lockOrgKeys(tx, orgId);
    const org = await tx.organization.findUnique({ where: { id: orgId }, select: { id: true, slug: true } });
    const current = await tx.policyVersion.findFirst({ where: { orgId }, orderBy: { number: "desc" }, select: { number: true, toml: true, sha256: true } });
    if (!org || !current) return false;
    const bundle = await tx.bundle.findUnique({ where: { orgId_versionNumber: { orgId, versionNumber: current.number } }, select: { kid: true, issuedAt: true, expiresAt: true } });
    const active = await tx.signingKey.findFirst({ where: { orgId, state: "active" }, select: { kid: true } });
    if (bundle && now < refreshAfterOf(bundle.issuedAt, bundle.expiresAt) && active?.kid === bundle.kid) return false;
    await buildBundle(tx, org, current, { now });
    return true;
  });
}
