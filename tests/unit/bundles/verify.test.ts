import { beforeAll, describe, expect, it } from "vitest";
import { keyFingerprint, parseJwks, verifyBundle, type BundleTrust } from "../../../lib/bundles/verify";
import { makeTestKey, payloadFor, sha256Hex, signBundle, tamperOneByte, type TestKey } from "../../bundle-fixtures";

const NOW = new Date("2026-03-01T12:00:00Z");
let key: TestKey;
let stranger: TestKey;
let trust: BundleTrust;

beforeAll(async () => {
  key = await makeTestKey();
  stranger = await makeTestKey();
  trust = { jwks: { keys: [key.jwk] } };
});

const verify = (jws: string, over: { lastInstalledVersion?: number; trust?: BundleTrust; expectedOrg?: string } = {}) =>
  verifyBundle(jws, { trust: over.trust ?? trust, expectedOrg: over.expectedOrg ?? "acme", now: NOW, lastInstalledVersion: over.lastInstalledVersion });

const reasonOf = async (jws: string, over?: Parameters<typeof verify>[1]) => {
  const r = await verify(jws, over);
  return r.ok ? "ok" : r.reason;
};

describe("verifyBundle accepts", () => {
  it("a bundle signed by a pinned key, for the host's org, unexpired, not older, with the right sha256 and valid TOML", async () => {
    const payload = payloadFor({ org: "acme", version: 3 }, NOW);
    const r = await verify(await signBundle(key, payload), { lastInstalledVersion: 3 });
    expect(r).toEqual({ ok: true, payload, kid: key.kid });
  });

  it("a key pinned by RFC 7638 fingerprint among fetched candidate keys", async () => {
    const jws = await signBundle(key, payloadFor({ org: "acme", version: 1 }, NOW));
    expect(await keyFingerprint(key.jwk)).toBe(key.fingerprint);
    const r = await verify(jws, { trust: { fingerprints: [stranger.fingerprint, key.fingerprint], candidates: { keys: [stranger.jwk, key.jwk] } } });
    expect(r.ok).toBe(true);
  });

  it("a bundle that expired less than the 5 minute clock skew ago", async () => {
    const jws = await signBundle(key, payloadFor({ org: "acme", version: 1, expiresAt: new Date(NOW.getTime() - 4 * 60_000).toISOString() }, NOW));
    expect(await reasonOf(jws)).toBe("ok");
  });
});

describe("verifyBundle refuses, naming the reason", () => {
  it("malformed: not three base64url parts, or a truncated signature", async () => {
    const jws = await signBundle(key, payloadFor({ org: "acme", version: 1 }, NOW));
    expect(await reasonOf("<html>502 Bad Gateway</html>")).toBe("malformed");
    expect(await reasonOf(jws.slice(0, jws.lastIndexOf(".")))).toBe("malformed");
    const r = await verify(jws.slice(0, jws.length - 10));
    expect(r).toMatchObject({ ok: false, reason: "malformed", message: expect.stringContaining("truncated") });
  });

  it("malformed: an algorithm other than EdDSA, a wrong typ, or a header that carries its own key", async () => {
    const payload = payloadFor({ org: "acme", version: 1 }, NOW);
    const [, p, s] = (await signBundle(key, payload)).split(".");
    const withHeader = (h: object) => [Buffer.from(JSON.stringify(h)).toString("base64url"), p, s].join(".");
    expect(await verify(withHeader({ alg: "none", kid: key.kid, typ: "charter-bundle+jws" }))).toMatchObject({ reason: "malformed", message: expect.stringContaining("only EdDSA") });
    expect(await verify(withHeader({ alg: "HS256", kid: key.kid, typ: "charter-bundle+jws" }))).toMatchObject({ reason: "malformed" });
    expect(await verify(await signBundle(key, payload, { typ: "JWT" }))).toMatchObject({ reason: "malformed", message: expect.stringContaining("typ") });
    expect(await verify(await signBundle(key, payload, { jwk: stranger.jwk }))).toMatchObject({ reason: "malformed", message: expect.stringContaining('"jwk"') });
    expect(await verify(await signBundle(key, payload, { jku: "https://evil.example/jwks" }))).toMatchObject({ reason: "malformed", message: expect.stringContaining('"jku"') });
  });

  it("unknown-key: signed by a key that is not pinned, even when it comes with a valid-looking JWKS", async () => {
    const jws = await signBundle(stranger, payloadFor({ org: "acme", version: 1 }, NOW));
    expect(await verify(jws)).toMatchObject({ ok: false, reason: "unknown-key", message: expect.stringContaining(stranger.kid) });
    // Fetched keys alone are never trusted: the stranger's key is served, but its fingerprint is not the pinned one.
    expect(await reasonOf(jws, { trust: { fingerprints: [key.fingerprint], candidates: { keys: [stranger.jwk, key.jwk] } } })).toBe("unknown-key");
  });

  it("unknown-key: a fetched key that reuses the pinned kid but is a different key", async () => {
    const jws = await signBundle(stranger, payloadFor({ org: "acme", version: 1 }, NOW), { kid: key.kid });
    const impostor = { ...stranger.jwk, kid: key.kid };
    expect(await reasonOf(jws, { trust: { fingerprints: [key.fingerprint], candidates: { keys: [impostor] } } })).toBe("unknown-key");
  });

  it("signature: the payload changed by one byte after signing", async () => {
    const jws = await signBundle(key, payloadFor({ org: "acme", version: 7 }, NOW));
    expect(await verify(tamperOneByte(jws, "7", "8"))).toMatchObject({ ok: false, reason: "signature" });
  });

  it("signature: a pinned kid whose signature was made by another key", async () => {
    const jws = await signBundle(stranger, payloadFor({ org: "acme", version: 1 }, NOW), { kid: key.kid });
    expect(await reasonOf(jws)).toBe("signature");
  });

  it("malformed: a correctly signed payload that is not the bundle format", async () => {
    expect(await verify(await signBundle(key, { org: "acme", version: "1" }))).toMatchObject({ reason: "malformed", message: expect.stringContaining("payload") });
    expect(await reasonOf(await signBundle(key, { ...payloadFor({ org: "acme", version: 1 }, NOW), format: 2 }))).toBe("malformed");
  });

  it("org: a bundle of another org signed by a pinned key", async () => {
    const r = await verify(await signBundle(key, payloadFor({ org: "globex", version: 9 }, NOW)));
    expect(r).toEqual({ ok: false, reason: "org", message: 'bundle is for org "globex", this host belongs to "acme"' });
  });

  it("expired: past expiresAt by more than the clock skew", async () => {
    const expiresAt = new Date(NOW.getTime() - 6 * 60_000).toISOString();
    const r = await verify(await signBundle(key, payloadFor({ org: "acme", version: 1, expiresAt }, NOW)));
    expect(r).toMatchObject({ ok: false, reason: "expired", message: expect.stringContaining(expiresAt) });
  });

  it("rollback: a version below the last installed one", async () => {
    const r = await verify(await signBundle(key, payloadFor({ org: "acme", version: 4 }, NOW)), { lastInstalledVersion: 5 });
    expect(r).toEqual({ ok: false, reason: "rollback", message: "bundle has version 4, older than the installed version 5" });
  });

  it("sha256: the text does not match the signed digest", async () => {
    const jws = await signBundle(key, payloadFor({ org: "acme", version: 1, sha256: sha256Hex("something else") }, NOW));
    expect(await reasonOf(jws)).toBe("sha256");
  });

  it("invalid-requirements: signed text that Codex would refuse, with the first error's line", async () => {
    const toml = '# no read-only\nallowed_sandbox_modes = ["workspace-write"]\n';
    const r = await verify(await signBundle(key, payloadFor({ org: "acme", version: 1, requirementsToml: toml }, NOW)));
    expect(r).toMatchObject({ ok: false, reason: "invalid-requirements", message: expect.stringContaining("line 2") });
  });
});

describe("verifyBundle checks in the DESIGN.md order", () => {
  it("reports org before expiry, expiry before rollback, rollback before sha256, sha256 before Codex validation", async () => {
    const past = new Date(NOW.getTime() - 86_400_000).toISOString();
    const bad = "allowed_sandbox_modes = 1\n";
    const everything = { requirementsToml: bad, sha256: sha256Hex("other") };
    expect(await reasonOf(await signBundle(key, payloadFor({ org: "globex", version: 1, expiresAt: past, ...everything }, NOW)), { lastInstalledVersion: 2 })).toBe("org");
    expect(await reasonOf(await signBundle(key, payloadFor({ org: "acme", version: 1, expiresAt: past, ...everything }, NOW)), { lastInstalledVersion: 2 })).toBe("expired");
    expect(await reasonOf(await signBundle(key, payloadFor({ org: "acme", version: 1, ...everything }, NOW)), { lastInstalledVersion: 2 })).toBe("rollback");
    expect(await reasonOf(await signBundle(key, payloadFor({ org: "acme", version: 2, ...everything }, NOW)), { lastInstalledVersion: 2 })).toBe("sha256");
    expect(await reasonOf(await signBundle(key, payloadFor({ org: "acme", version: 2, requirementsToml: bad }, NOW)), { lastInstalledVersion: 2 })).toBe("invalid-requirements");
  });

  it("never looks at the payload of a bundle whose signature fails: a wrong-org, expired payload still reports signature", async () => {
    const jws = await signBundle(key, payloadFor({ org: "globex", version: 1, expiresAt: new Date(0).toISOString() }, NOW));
    expect(await reasonOf(tamperOneByte(jws, "g", "h"))).toBe("signature");
  });
});

describe("parseJwks", () => {
  it("keeps only public Ed25519 signing keys with a kid and drops private members", () => {
    const jwks = parseJwks({
      keys: [
        { kty: "OKP", crv: "Ed25519", x: "abc", kid: "k1", d: "secret", alg: "EdDSA", use: "sig" },
        { kty: "OKP", crv: "X25519", x: "abc", kid: "k2" },
        { kty: "RSA", n: "x", e: "AQAB", kid: "k3" },
        { kty: "OKP", crv: "Ed25519", x: "abc" },
        { kty: "OKP", crv: "Ed25519", x: "abc", kid: "k5", use: "enc" },
      ],
    });
    expect(jwks.keys).toEqual([{ kty: "OKP", crv: "Ed25519", x: "abc", kid: "k1" }]);
    expect(() => parseJwks([{ kty: "OKP" }])).toThrow(/not a JWKS/);
  });
});
