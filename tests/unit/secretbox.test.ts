import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { masterKey, open, seal } from "../../lib/crypto/secretbox";

const key = randomBytes(32);

describe("secrets at rest", () => {
  it("opens what it sealed, and never stores the plaintext", () => {
    const sealed = seal("sk-live-123", "provider:org1", key);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("sk-live-123");
    expect(open(sealed, "provider:org1", key).toString()).toBe("sk-live-123");
    expect(seal("sk-live-123", "provider:org1", key)).not.toBe(sealed);
  });

  it("refuses another context, another key, or a changed byte", () => {
    const sealed = seal("secret", "signing-key:k1", key);
    expect(() => open(sealed, "signing-key:k2", key)).toThrow();
    expect(() => open(sealed, "signing-key:k1", randomBytes(32))).toThrow();
    const parts = sealed.split(".");
    const data = Buffer.from(parts[3], "base64url");
    data[0] ^= 1;
    expect(() => open([...parts.slice(0, 3), data.toString("base64url")].join("."), "signing-key:k1", key)).toThrow();
  });

  it("reads the master key as base64 or hex and explains a missing or short one", () => {
    expect(masterKey({ CHARTER_MASTER_KEY: key.toString("base64") })).toEqual(key);
    expect(masterKey({ CHARTER_MASTER_KEY: key.toString("hex") })).toEqual(key);
    expect(() => masterKey({})).toThrow(/CHARTER_MASTER_KEY is not set/);
    expect(() => masterKey({ CHARTER_MASTER_KEY: "c2hvcnQ=" })).toThrow(/must be 32 bytes/);
  });
});
