import { hash, randomBytes } from "node:crypto";

/** Bearer secrets (API tokens, agent tokens, invitation links): `<prefix><43 base64url characters>`, 256 random bits. */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString("base64url");
}

/** What is stored instead of a secret: its sha256, hex. Lookups go by this hash, so the secret itself is never kept. */
export function hashSecret(raw: string): string {
  // One-shot hash: no Hash object per call (the bundle endpoint hashes the presented token on every request).
  return hash("sha256", raw, "hex");
}

/** The first 12 characters, kept to recognise a token in lists. */
export function secretPrefix(secret: string): string {
  return secret.slice(0, 12);
}

/** Cheap pre-check before a lookup: the right prefix and a sane length. */
export function looksLikeSecret(raw: string, prefix: string): boolean {
  return raw.startsWith(prefix) && raw.length <= 200;
}
