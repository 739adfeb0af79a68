/**
 * Verification of a signed bundle, exactly as an agent host must do it before installing anything. Framework-free: used
 * by `charter pull` and by the server's own tests.
 *
 * Order (DESIGN.md "Bundle"): signature with a PINNED key → org → expiry → no rollback → sha256 → Codex validation. The
 * first failing check is the one reported, so a bundle that is both from the wrong org and expired reports `org`.
 */
import { createHash } from "node:crypto";
import { calculateJwkThumbprint, compactVerify, decodeProtectedHeader, importJWK, type JWK } from "jose";
import { validateRequirements } from "../requirements/index";
import { BUNDLE_JWS_TYPE, bundlePayloadSchema, type BundlePayload } from "./payload";

export type BundleFailureReason =
  | "malformed"
  | "unknown-key"
  | "signature"
  | "org"
  | "expired"
  | "rollback"
  | "sha256"
  | "invalid-requirements";

export interface BundleFailure {
  ok: false;
  reason: BundleFailureReason;
  message: string;
}
export type BundleVerification = { ok: true; payload: BundlePayload; kid: string } | BundleFailure;

export interface Jwks {
  keys: JWK[];
}

/**
 * What the host trusts. Either a JWKS it was given out of band (`--trust FILE`), or RFC 7638 thumbprints of the keys it
 * trusts (`--trust-fingerprint`) together with candidate keys fetched from the server: a fetched key is only used when
 * its thumbprint equals a pinned one, so fetching the JWKS over the same channel as the bundle adds no trust.
 */
export type BundleTrust = { jwks: Jwks } | { fingerprints: string[]; candidates?: Jwks };

export interface VerifyOptions {
  trust: BundleTrust;
  /** The org slug this host belongs to. */
  expectedOrg: string;
  now?: Date;
  /** Highest version this host installed before; undefined on the first install. */
  lastInstalledVersion?: number;
  /** Clock skew tolerated on expiry (default 5 minutes): hosts with a slightly slow clock still update. */
  clockSkewMs?: number;
}

export const DEFAULT_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Header parameters that would let the message name its own key or change how it is processed: never accepted. */
const FORBIDDEN_HEADERS = ["jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "crit", "b64"];
const ED25519_SIGNATURE_BYTES = 64;

const fail = (reason: BundleFailureReason, message: string): BundleFailure => ({ ok: false, reason, message });

/** RFC 7638 JWK thumbprint (sha256, base64url) of a public Ed25519 key: what `--trust-fingerprint` pins. */
export async function keyFingerprint(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, "sha256");
}

/** Only public Ed25519 keys with a kid count; private members are dropped so a trust file can never leak into use. */
function publicEd25519(jwk: JWK): JWK | null {
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

async function pinnedKey(trust: BundleTrust, kid: string): Promise<JWK | BundleFailure> {
  if ("jwks" in trust) {
    const key = trust.jwks.keys.map(publicEd25519).find((k) => k?.kid === kid);
    return key ?? fail("unknown-key", `bundle is signed by key "${kid}", which is not in the pinned key set`);
  }
  const pinned = new Set(trust.fingerprints);
  for (const candidate of trust.candidates?.keys ?? []) {
    const key = publicEd25519(candidate);
    if (key?.kid === kid && pinned.has(await keyFingerprint(key))) return key;
  }
  return fail("unknown-key", `bundle is signed by key "${kid}", whose fingerprint is not pinned`);
}

export async function verifyBundle(jws: string, options: VerifyOptions): Promise<BundleVerification> {
  const text = jws.trim();
  const parts = text.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) {
    return fail("malformed", "response is not a complete compact JWS (three base64url parts)");
  }
  if (Buffer.from(parts[2], "base64url").length !== ED25519_SIGNATURE_BYTES) {
    return fail("malformed", "signature is not 64 bytes: the bundle was truncated or altered");
  }

  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(text);
  } catch {
    return fail("malformed", "protected header is not valid JSON");
  }
  // alg is pinned: no "none", no HMAC with the public key as secret, no other curve.
  if (header.alg !== "EdDSA") return fail("malformed", `algorithm ${JSON.stringify(header.alg)} is not accepted (only EdDSA)`);
  if (header.typ !== BUNDLE_JWS_TYPE) return fail("malformed", `header typ ${JSON.stringify(header.typ)} is not ${BUNDLE_JWS_TYPE}`);
  const forbidden = FORBIDDEN_HEADERS.find((h) => h in header);
  if (forbidden) return fail("malformed", `header parameter "${forbidden}" is not accepted`);
  if (typeof header.kid !== "string" || !header.kid) return fail("malformed", "header has no kid");

  // 1. Signature with a pinned key.
  const key = await pinnedKey(options.trust, header.kid);
  if ("ok" in key) return key;
  let payloadBytes: Uint8Array;
  try {
    const publicKey = await importJWK(key, "EdDSA");
    ({ payload: payloadBytes } = await compactVerify(text, publicKey, { algorithms: ["EdDSA"] }));
  } catch {
    return fail("signature", `signature does not verify with pinned key "${header.kid}": the bundle was altered`);
  }

  let payload: BundlePayload;
  try {
    const parsed = bundlePayloadSchema.safeParse(JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payloadBytes)));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail("malformed", `payload does not match the bundle format: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
    }
    payload = parsed.data;
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

  // 6. Codex would load it.
  const validation = validateRequirements(payload.requirementsToml);
  if (!validation.valid) {
    const first = validation.diagnostics.find((d) => d.severity === "error");
    const where = first ? ` (line ${first.line}: ${first.path ? `${first.path}: ` : ""}${first.message})` : "";
    return fail("invalid-requirements", `Codex would refuse requirements of version ${payload.version}${where}`);
  }

  return { ok: true, payload, kid: header.kid };
}
