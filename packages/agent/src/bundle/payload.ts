/**
 * The bundle: the contract between Charter and its hosts. A compact JWS (EdDSA / Ed25519, `kid` and this `typ` in the
 * protected header) over the JSON payload below. The one definition of the payload format, for the server (which signs
 * it, lib/bundles/build.ts) and the agent (which verifies it): plain TypeScript, no dependencies, so the agent stays a
 * single file with nothing but Node's standard library.
 */
export const BUNDLE_JWS_TYPE = "charter-bundle+jws";

export interface BundlePayload {
  /** Payload format version, so a client refuses what it does not understand. */
  format: 1;
  /** The org's slug: a host pinned to one org refuses another org's bundle even when signed by a trusted key. */
  org: string;
  /** The published version number: strictly increasing per org; clients refuse to go below what they installed. */
  version: number;
  issuedAt: string;
  /** After this moment the bundle is stale: a frozen mirror cannot keep a host on an old version forever. */
  expiresAt: string;
  /**
   * From this moment the server signs a fresh copy; a host stops revalidating (If-None-Match) its copy and fetches in
   * full, so a 304 (from a mirror or a man in the middle) cannot keep it on an old bundle until `expiresAt`. Optional:
   * bundles signed before it existed have none.
   */
  refreshAfter?: string;
  /** The version's requirements.toml, byte for byte. */
  requirementsToml: string;
  /** sha256 (hex) of the UTF-8 bytes of requirementsToml. */
  sha256: string;
}

// RFC 3339 date-time in UTC or with an offset, as toISOString() and other signers write it.
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export type PayloadCheck = { ok: true; payload: BundlePayload } | { ok: false; path: string; message: string };

function isDateTime(v: unknown): v is string {
  return typeof v === "string" && ISO_DATETIME.test(v) && !Number.isNaN(Date.parse(v));
}

/** Checks an untrusted value against the payload format; returns a copy holding only the known fields. */
export function checkBundlePayload(value: unknown): PayloadCheck {
  const bad = (path: string, message: string): PayloadCheck => ({ ok: false, path, message });
  if (typeof value !== "object" || value === null || Array.isArray(value)) return bad("(root)", "expected an object");
  const v = value as Record<string, unknown>;
  if (v.format !== 1) return bad("format", "expected 1");
  if (typeof v.org !== "string" || v.org.length === 0) return bad("org", "expected a non-empty string");
  if (typeof v.version !== "number" || !Number.isSafeInteger(v.version) || v.version <= 0) return bad("version", "expected a positive integer");
  if (!isDateTime(v.issuedAt)) return bad("issuedAt", "expected an ISO 8601 date-time");
  if (!isDateTime(v.expiresAt)) return bad("expiresAt", "expected an ISO 8601 date-time");
  if (v.refreshAfter !== undefined && !isDateTime(v.refreshAfter)) return bad("refreshAfter", "expected an ISO 8601 date-time");
  if (typeof v.requirementsToml !== "string") return bad("requirementsToml", "expected a string");
  if (typeof v.sha256 !== "string" || !SHA256_HEX.test(v.sha256)) return bad("sha256", "expected 64 lowercase hex digits");
  const payload: BundlePayload = {
    format: 1,
    org: v.org,
    version: v.version,
    issuedAt: v.issuedAt,
    expiresAt: v.expiresAt,
    ...(v.refreshAfter !== undefined ? { refreshAfter: v.refreshAfter as string } : {}),
    requirementsToml: v.requirementsToml,
    sha256: v.sha256,
  };
  return { ok: true, payload };
}

/** Like checkBundlePayload, throwing: for the signer, where a bad payload is a bug. */
export function parseBundlePayload(value: unknown): BundlePayload {
  const r = checkBundlePayload(value);
  if (!r.ok) throw new Error(`bundle payload: ${r.path}: ${r.message}`);
  return r.payload;
}
