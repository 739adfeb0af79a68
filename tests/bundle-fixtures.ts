/**
 * Test-only signing of bundles with keys the test controls, so each tampered variant fails exactly one check. Shared by
 * the unit tests of lib/bundles/verify.ts and the `charter pull` specs (mirror server).
 */
import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint, CompactSign, type JWK } from "jose";
import { BUNDLE_JWS_TYPE, type BundlePayload } from "../lib/bundles/payload";

export interface TestKey {
  kid: string;
  privateKey: KeyObject;
  /** Public JWK as Charter's JWKS serves it (kid = RFC 7638 thumbprint). */
  jwk: JWK;
  fingerprint: string;
}

export async function makeTestKey(): Promise<TestKey> {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const { x } = publicKey.export({ format: "jwk" }) as { x: string };
  const fingerprint = await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x }, "sha256");
  return { kid: fingerprint, privateKey, fingerprint, jwk: { kty: "OKP", crv: "Ed25519", x, kid: fingerprint, alg: "EdDSA", use: "sig" } };
}

export const GOOD_TOML = 'allowed_sandbox_modes = ["read-only", "workspace-write"]\nallowed_approvals_reviewers = ["auto_review", "user"]\n';

export const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export function payloadFor(over: Partial<BundlePayload> & { org: string; version: number }, now = new Date()): BundlePayload {
  const requirementsToml = over.requirementsToml ?? GOOD_TOML;
  return {
    format: 1,
    issuedAt: new Date(now.getTime() - 60_000).toISOString(),
    expiresAt: new Date(now.getTime() + 7 * 24 * 3_600_000).toISOString(),
    requirementsToml,
    sha256: sha256Hex(requirementsToml),
    ...over,
  };
}

/** Signs any JSON value (not only valid payloads) so malformed payloads can be tested behind a good signature. */
export async function signBundle(key: TestKey, payload: unknown, header: Record<string, unknown> = {}): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: BUNDLE_JWS_TYPE, ...header })
    .sign(key.privateKey);
}

/** Changes one byte of the signed payload (its JSON text), keeping the original signature. */
export function tamperOneByte(jws: string, find: string, replace: string): string {
  const [h, p, s] = jws.split(".");
  const json = Buffer.from(p, "base64url").toString("utf8");
  if (find.length !== 1 || replace.length !== 1 || !json.includes(find)) throw new Error("tamperOneByte: one character that occurs in the payload");
  return [h, Buffer.from(json.replace(find, replace), "utf8").toString("base64url"), s].join(".");
}
