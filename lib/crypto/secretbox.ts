import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Secrets at rest (signing keys, provider API keys) are sealed with AES-256-GCM under CHARTER_MASTER_KEY, 32 bytes in
 * base64 or hex. `npm start` generates one under .charter/ when none is set (and says production must set its own).
 * Format: "v1.<iv>.<tag>.<ciphertext>" (base64url). `context` is bound as associated data, so a sealed value cannot be
 * moved to another row or purpose.
 */
export function masterKey(env: Record<string, string | undefined> = process.env): Buffer {
  const raw = env.CHARTER_MASTER_KEY?.trim();
  if (!raw) throw new Error("CHARTER_MASTER_KEY is not set: it encrypts private keys and API keys at rest (32 random bytes, base64).");
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, "hex") : Buffer.from(raw, "base64");
  if (key.length !== 32) throw new Error("CHARTER_MASTER_KEY must be 32 bytes, given as base64 or 64 hex characters.");
  return key;
}

export function seal(plaintext: string | Buffer, context: string, key: Buffer = masterKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function open(sealed: string, context: string, key: Buffer = masterKey()): Buffer {
  const [version, iv, tag, data] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || data === undefined) throw new Error("Not a sealed secret (expected v1.<iv>.<tag>.<data>).");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]);
}
