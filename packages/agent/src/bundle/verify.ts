/**
 * Verification of a signed bundle, exactly as a host must do it before installing anything. Shared by the agent and the
 * server (lib/bundles/verify.ts re-exports it): Node's standard library only (node:crypto Ed25519 over JWK).
 *
 * Order (DESIGN.md "Bundle"): signature with a PINNED key → org → expiry → no rollback → sha256 → the requirements load
 * (the caller's `validate`). The first failing check is the one reported, so a bundle that is both from the wrong org and
 * expired reports `org`.
 */
import { createHash, createPublicKey, verify as verifySignature } from "node:crypto";
import { BUNDLE_JWS_TYPE, checkBundlePayload, type BundlePayload } from "./payload";

export type BundleFailureReason = "malformed" | "unknown-key" | "signature" | "org" | "expired" | "rollback" | "sha256" | "invalid-requirements";

export interface BundleFailure {
  ok: false;
  reason: BundleFailureReason;
  message: string;
}
export type BundleVerification = { ok: true; payload: BundlePayload; kid: string } | BundleFailure;

/** A public JSON Web Key as JWKS documents carry it (only OKP/Ed25519 keys are ever used). */
export interface JWK {
  kty?: string;
  crv?: string;
  x?: string;
  kid?: string;
  alg?: string;
  use?: string;
  [member: string]: unknown;
}

export interface Jwks {
  keys: JWK[];
}

/**
 * What the host trusts. Either a JWKS it was given out of band (`--trust FILE`), or RFC 7638 thumbprints of the keys it
 * trusts (`--trust-fingerprint`) together with candidate keys fetched from the server: a fetched key is only used when
 * its thumbprint equals a pinned one, so fetching the JWKS over the same channel as the bundle adds no trust.
 */
export type BundleTrust = { jwks: Jwks } | { fingerprints: string[]; candidates?: Jwks };

/** Step 6: whether the requirements would load. Returns null when they would, else one line saying why not. */
export type RequirementsCheck = (toml: string) => string | null | Promise<string | null>;

export interface VerifyOptions {
  trust: BundleTrust;
  /** The org slug this host belongs to. */
  expectedOrg: string;
  now?: Date;
  /** Highest version this host installed before; undefined on the first install. */
  lastInstalledVersion?: number;
  /** Clock skew tolerated on expiry (default 5 minutes): hosts with a slightly slow clock still update. */
  clockSkewMs?: number;
  /** Charter's validator on the server and in `charter pull`; the agent's own (bundled) copy on hosts. */
  validate?: RequirementsCheck;
}

export const DEFAULT_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Header parameters that would let the message name its own key or change how it is processed: never accepted. */
const FORBIDDEN_HEADERS = ["jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "crit", "b64"];
const ED25519_SIGNATURE_BYTES = 64;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const fail = (reason: BundleFailureReason, message: string): BundleFailure => ({ ok: false, reason, message });

/** RFC 7638 JWK thumbprint (sha256, base64url) of a public Ed25519 key: what `--trust-fingerprint` pins. */
export function keyFingerprint(jwk: JWK): string {
  // The required members in lexicographic order, no whitespace (RFC 7638 §3.2).
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash("sha256").update(canonical, "utf8").digest("base64url");
}

/** Only public Ed25519 keys with a kid count; private members are dropped so a trust file can never leak into use. */
function publicEd25519(jwk: JWK): JWK | null {
  if (typeof jwk !== "object" || jwk === null) return null;
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string" || typeof jwk.kid !== "string") return null;
  if (jwk.use !== undefined && jwk.use !== "sig") return null;
  if (jwk.alg !== undefined && jwk.alg !== "EdDSA" && jwk.alg !== "Ed25519") return null;
  return { kty: "OKP", crv: "Ed25519", x: jwk.x, kid: jwk.kid };
}

/** Parses a JWKS document (trust file or fetched), keeping only usable public Ed25519 keys. */
export function parseJwks(value: unknown): Jwks {
  const keys = (value as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) throw new Error('not a JWKS (expected {"keys": [...]})');
  return { keys: keys.map((k) => publicEd25519(k as JWK)).filter((k): k is JWK => k !== null) };
}

function pinnedKey(trust: BundleTrust, kid: string): { key: JWK } | BundleFailure {
  if ("jwks" in trust) {
    const key = trust.jwks.keys.map(publicEd25519).find((k) => k?.kid === kid);
    return key ? { key } : fail("unknown-key", `bundle is signed by key "${kid}", which is not in the pinned key set`);
  }
  const pinned = new Set(trust.fingerprints);
  for (const candidate of trust.candidates?.keys ?? []) {
    const key = publicEd25519(candidate);
    if (key?.kid === kid && pinned.has(keyFingerprint(key))) return { key };
  }
  return fail("unknown-key", `bundle is signed by key "${kid}", whose fingerprint is not pinned`);
}

function decodeJson(part: string): unknown {
  return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(part, "base64url")));
}

function signatureVerifies(key: JWK, signingInput: string, signature: Buffer): boolean {
  try {
    const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: key.x as string }, format: "jwk" });
    return verifySignature(null, Buffer.from(signingInput, "ascii"), publicKey, signature);
  } catch {
    return false; // a key whose x is not 32 bytes, say: nothing it "signs" verifies
  }
}

export async function verifyBundle(jws: string, options: VerifyOptions): Promise<BundleVerification> {
  const text = jws.trim();
  const parts = text.split(".");
  if (parts.length !== 3 || parts.some((p) => !BASE64URL.test(p))) {
    return fail("malformed", "response is not a complete compact JWS (three base64url parts)");
  }
  const signature = Buffer.from(parts[2], "base64url");
  if (signature.length !== ED25519_SIGNATURE_BYTES) {
    return fail("malformed", "signature is not 64 bytes: the bundle was truncated or altered");
  }

  let header: Record<string, unknown>;
  try {
    header = decodeJson(parts[0]) as Record<string, unknown>;
    if (typeof header !== "object" || header === null || Array.isArray(header)) throw new Error();
  } catch {
    return fail("malformed", "protected header is not valid JSON");
  }
  // alg is pinned: no "none", no HMAC with the public key as secret, no other curve.
  if (header.alg !== "EdDSA") return fail("malformed", `algorithm ${JSON.stringify(header.alg)} is not accepted (only EdDSA)`);
  if (header.typ !== BUNDLE_JWS_TYPE) return fail("malformed", `header typ ${JSON.stringify(header.typ)} is not ${BUNDLE_JWS_TYPE}`);
  const forbidden = FORBIDDEN_HEADERS.find((h) => h in header);
  if (forbidden) return fail("malformed", `header parameter "${forbidden}" is not accepted`);
  if (typeof header.kid !== "string" || !header.kid) return fail("malformed", "header has no kid");
  const kid = header.kid;

  // 1. Signature with a pinned key.
  const pinned = pinnedKey(options.trust, kid);
  if (!("key" in pinned)) return pinned;
  if (!signatureVerifies(pinned.key, `${parts[0]}.${parts[1]}`, signature)) {
    return fail("signature", `signature does not verify with pinned key "${kid}": the bundle was altered`);
  }

  let payload: BundlePayload;
  try {
    const checked = checkBundlePayload(decodeJson(parts[1]));
    if (!checked.ok) return fail("malformed", `payload does not match the bundle format: ${checked.path}: ${checked.message}`);
    payload = checked.payload;
  } catch {
    return fail("malformed", "payload is not UTF-8 JSON");
  }

  // 2. Org.
  if (payload.org !== options.expectedOrg) {
    return fail("org", `bundle is for org "${payload.org}", this host belongs to "${options.expectedOrg}"`);
  }

  // 3. Expiry.
  const now = (options.now ?? new Date()).getTime();
  const skew = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  if (Date.parse(payload.expiresAt) + skew <= now) {
    return fail("expired", `bundle of version ${payload.version} expired at ${payload.expiresAt}`);
  }

  // 4. Rollback.
  if (options.lastInstalledVersion !== undefined && payload.version < options.lastInstalledVersion) {
    return fail("rollback", `bundle has version ${payload.version}, older than the installed version ${options.lastInstalledVersion}`);
  }

  // 5. sha256 of the text.
  const digest = createHash("sha256").update(payload.requirementsToml, "utf8").digest("hex");
  if (digest !== payload.sha256) {
    return fail("sha256", `sha256 of requirementsToml is ${digest}, the bundle says ${payload.sha256}`);
  }

  // 6. The requirements load.
  const refusal = options.validate ? await options.validate(payload.requirementsToml) : null;
  if (refusal !== null) return fail("invalid-requirements", `Codex would refuse requirements of version ${payload.version}${refusal ? ` (${refusal})` : ""}`);

  return { ok: true, payload, kid };
}
