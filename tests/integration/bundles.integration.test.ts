import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from "jose";
import type { Role } from "../../lib/db";
import type { OrgContext, UserActor } from "../../lib/auth/actor";
import { AppError } from "../../lib/errors";
import { getDraft, publishChangeRequest, publishDraft, restoreVersion, saveDraft, createChangeRequest, decideChangeRequest } from "../../lib/policies";
import { updateOrgSettings } from "../../lib/orgs/settings";
import { activateNextKey, createNextKey, jwksForSlug, listSigningKeys, retireKey } from "../../lib/bundles/keys";
import { etagOf, refreshBundle } from "../../lib/bundles/build";
import { createBundleServer, ifNoneMatchHits, type BundleServer } from "../../lib/bundles/serve";
import { parseBundlePayload, BUNDLE_JWS_TYPE } from "../../lib/bundles/payload";
import { createAgentToken, fleetOverview, revokeAgentToken } from "../../lib/agents";
import { sha256Hex } from "../../lib/requirements/hash";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

const db = useTestDb();
const servers: BundleServer[] = [];
beforeEach(() => resetDb(db));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const V1 = `allowed_approval_policies = ["on-request"]\nallowed_sandbox_modes = ["read-only", "workspace-write"]\nallowed_approvals_reviewers = ["user"]\n`;
const V2 = `allowed_approval_policies = ["on-request"]\nallowed_sandbox_modes = ["read-only"]\nallowed_approvals_reviewers = ["user"]\n`;

function ctxOf(org: { id: string; slug: string; name: string }, actor: UserActor, role: Role): OrgContext {
  return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role };
}

async function owner() {
  const { org, actor } = await makeOrgWithMember(db, "owner");
  return ctxOf(org, actor, "owner");
}

async function publish(ctx: OrgContext, toml: string, note = "test") {
  const draft = await getDraft(db, ctx);
  await saveDraft(db, ctx, { toml, baseRevision: draft?.revision ?? 0 }, testRequest);
  return publishDraft(db, ctx, { note }, testRequest);
}

async function verifyWithJwks(jws: string, slug: string) {
  const jwks = (await jwksForSlug(db, slug)) as unknown as JSONWebKeySet;
  const { payload, protectedHeader } = await compactVerify(jws, createLocalJWKSet(jwks));
  return { payload: parseBundlePayload(JSON.parse(new TextDecoder().decode(payload))), header: protectedHeader };
}

function server(opts: Parameters<typeof createBundleServer>[1] = {}) {
  const s = createBundleServer(db, { pollMs: 100, flushMs: 60_000, log: () => {}, ...opts });
  servers.push(s);
  return s;
}

const get = (s: BundleServer, token: string | null, headers: Record<string, string> = {}) =>
  s.handle(new Request("http://charter.test/api/v1/agent/bundle", { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } }));

describe("signing keys", () => {
  it("stores the private key sealed: the column holds neither the PKCS#8 bytes nor the private JWK", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    const [row] = await db.signingKey.findMany({ where: { orgId: ctx.org.id } });
    expect(row.state).toBe("active");
    expect(row.privateKeySealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    const { privateKeyOf } = await import("../../lib/bundles/keys");
    const key = privateKeyOf(row);
    const pkcs8 = key.export({ format: "der", type: "pkcs8" });
    const d = (key.export({ format: "jwk" }) as { d: string }).d;
    const column = JSON.stringify(row);
    for (const secret of [pkcs8.toString("base64"), pkcs8.toString("base64url"), pkcs8.toString("hex"), d]) expect(column).not.toContain(secret);
    expect(JSON.stringify(row.publicJwk)).not.toContain('"d"');
  });

  it("will not open a sealed key moved to another org's row", async () => {
    const a = await owner();
    const b = await owner();
    await publish(a, V1);
    const row = await db.signingKey.findFirstOrThrow({ where: { orgId: a.org.id } });
    const { privateKeyOf } = await import("../../lib/bundles/keys");
    expect(() => privateKeyOf({ ...row, orgId: b.org.id })).toThrow();
  });

  it("rotates next → active → retired, re-signs the current bundle with the new key and keeps the old key in the JWKS until its bundles expire", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    const first = (await jwksForSlug(db, ctx.org.slug)).keys;
    expect(first).toHaveLength(1);

    const next = await createNextKey(db, ctx, testRequest);
    expect(next.state).toBe("next");
    expect((await jwksForSlug(db, ctx.org.slug)).keys.map((k) => k.kid)).toEqual([first[0].kid, next.kid]);
    await expect(createNextKey(db, ctx, testRequest)).rejects.toMatchObject({ code: "conflict" });

    const before = await db.bundle.findFirstOrThrow({ where: { orgId: ctx.org.id } });
    const { activated, retired } = await activateNextKey(db, ctx, testRequest);
    expect({ activated, retired }).toEqual({ activated: next.kid, retired: first[0].kid });
    const after = await db.bundle.findFirstOrThrow({ where: { orgId: ctx.org.id } });
    expect(after.kid).toBe(next.kid);
    expect(after.versionNumber).toBe(before.versionNumber);
    expect(decodeProtectedHeader(after.jws).kid).toBe(next.kid);

    // The retired key still verifies bundles hosts or caches may hold, until their expiry.
    const keys = await listSigningKeys(db, ctx);
    const old = keys.find((k) => k.kid === first[0].kid)!;
    expect(old).toMatchObject({ state: "retired", published: true });
    expect(old.servedUntil!.getTime()).toBe(before.expiresAt.getTime());
    expect((await jwksForSlug(db, ctx.org.slug)).keys.map((k) => k.kid)).toEqual([next.kid, first[0].kid]);
    // After that expiry it drops out of the JWKS.
    const { publishedKeys } = await import("../../lib/bundles/keys");
    expect((await publishedKeys(db, ctx.org.id, new Date(before.expiresAt.getTime() + 1))).map((k) => k.kid)).toEqual([next.kid]);

    await expect(retireKey(db, ctx, next.kid, testRequest)).rejects.toMatchObject({ code: "conflict" }); // the active key needs a successor
    await retireKey(db, ctx, first[0].kid, testRequest); // ends the overlap early (a leaked key)
    expect((await jwksForSlug(db, ctx.org.slug)).keys.map((k) => k.kid)).toEqual([next.kid]);

    const audit = await db.auditEvent.findMany({ where: { orgId: ctx.org.id, action: { startsWith: "signing_key." } }, orderBy: { seq: "asc" } });
    expect(audit.map((e) => e.action)).toEqual(["signing_key.created", "signing_key.created", "signing_key.activated", "signing_key.retired"]);
    expect(JSON.stringify(audit.map((e) => [e.diff, e.meta]))).not.toMatch(/privateKeySealed|v1\.[\w-]{16}\./);
  });

  it("lets only owners rotate keys", async () => {
    const ctx = await owner();
    const admin: OrgContext = { ...ctx, role: "admin" };
    await expect(createNextKey(db, admin, testRequest)).rejects.toMatchObject({ code: "forbidden" });
    await expect(activateNextKey(db, admin, testRequest)).rejects.toMatchObject({ code: "forbidden" });
    expect(await db.signingKey.count()).toBe(0);
  });

  it("answers not_found for the JWKS of an unknown org and an empty set before the first key", async () => {
    const ctx = await owner();
    expect(await jwksForSlug(db, ctx.org.slug)).toEqual({ keys: [] });
    await expect(jwksForSlug(db, "no-such-org")).rejects.toBeInstanceOf(AppError);
  });
});

describe("bundles are built in the publish transaction", () => {
  it("publishing a draft signs a bundle whose payload is the version and whose signature verifies with the served JWKS", async () => {
    const ctx = await owner();
    const v = await publish(ctx, V1);
    const bundle = await db.bundle.findUniqueOrThrow({ where: { orgId_versionNumber: { orgId: ctx.org.id, versionNumber: v.number } } });
    const { payload, header } = await verifyWithJwks(bundle.jws, ctx.org.slug);
    expect(header).toMatchObject({ alg: "EdDSA", typ: BUNDLE_JWS_TYPE, kid: bundle.kid });
    expect(payload).toMatchObject({ format: 1, org: ctx.org.slug, version: 1, requirementsToml: V1, sha256: sha256Hex(V1) });
    expect(Date.parse(payload.expiresAt) - Date.parse(payload.issuedAt)).toBe(168 * 3_600_000);
    // Hosts stop revalidating at half-life, when the server re-signs (refreshBundle): a 304 cannot hold them longer.
    expect(Date.parse(payload.refreshAfter!) - Date.parse(payload.issuedAt)).toBe(84 * 3_600_000);
    expect(bundle.etag).toBe(etagOf(bundle.jws));
    expect(bundle.etag).toMatch(/^"[0-9a-f]{64}"$/);
  });

  it("restoring and publishing a change request each get their own signed bundle", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    await publish(ctx, V2);
    const restored = await restoreVersion(db, ctx, 1, { note: "back" }, testRequest);
    expect(restored.kind).toBe("version");
    const b3 = await db.bundle.findUniqueOrThrow({ where: { orgId_versionNumber: { orgId: ctx.org.id, versionNumber: 3 } } });
    expect((await verifyWithJwks(b3.jws, ctx.org.slug)).payload).toMatchObject({ version: 3, requirementsToml: V1 });

    await updateOrgSettings(db, ctx, { approvalsRequired: 1 }, testRequest);
    const draft = await getDraft(db, ctx);
    await saveDraft(db, ctx, { toml: V2, baseRevision: draft!.revision }, testRequest);
    const cr = await createChangeRequest(db, ctx, { title: "narrow", note: "n" }, testRequest);
    const approverUser = await db.user.create({ data: { email: "approver@bundles.test" } });
    await db.membership.create({ data: { orgId: ctx.org.id, userId: approverUser.id, role: "approver" } });
    const approver: OrgContext = { ...ctx, actor: { type: "user", userId: approverUser.id, email: approverUser.email, name: null }, role: "approver" };
    await decideChangeRequest(db, approver, cr.number, "approve", { comment: "ok" }, testRequest);
    const v4 = await publishChangeRequest(db, ctx, cr.number, testRequest);
    const b4 = await db.bundle.findUniqueOrThrow({ where: { orgId_versionNumber: { orgId: ctx.org.id, versionNumber: v4.number } } });
    expect((await verifyWithJwks(b4.jws, ctx.org.slug)).payload).toMatchObject({ version: 4, requirementsToml: V2 });
  });

  it("a publish that fails leaves neither a version nor a bundle", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    await expect(publishDraft(db, ctx, { note: "again" }, testRequest)).rejects.toMatchObject({ code: "conflict" }); // unchanged text
    expect(await db.bundle.count({ where: { orgId: ctx.org.id } })).toBe(1);
  });

  it("re-signs the current version (same number, later expiry) once less than half its lifetime is left", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    const b = await db.bundle.findFirstOrThrow({ where: { orgId: ctx.org.id } });
    expect(await refreshBundle(db, ctx.org.id, new Date(b.issuedAt.getTime() + 1000))).toBe(false);
    const later = new Date(b.issuedAt.getTime() + (b.expiresAt.getTime() - b.issuedAt.getTime()) * 0.6);
    expect(await refreshBundle(db, ctx.org.id, later)).toBe(true);
    const c = await db.bundle.findFirstOrThrow({ where: { orgId: ctx.org.id } });
    expect(c.versionNumber).toBe(1);
    expect(c.expiresAt.getTime()).toBeGreaterThan(b.expiresAt.getTime());
    expect(c.etag).not.toBe(b.etag);
  });
});

describe("the bundle endpoint", () => {
  it("serves the bundle with a strong ETag, 304 on a matching If-None-Match, and refuses missing, foreign and unknown tokens", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    const { secret } = await createAgentToken(db, ctx, { name: "laptop-1", group: "eng" }, testRequest);
    const s = server();

    const ok = await get(s, secret);
    expect(ok.status).toBe(200);
    const etag = ok.headers.get("etag")!;
    const jws = await ok.text();
    expect(etag).toBe(etagOf(jws));
    expect(ok.headers.get("content-type")).toBe("application/jose");
    expect(ok.headers.get("cache-control")).toBe("public, no-cache");
    expect(ok.headers.get("vary")).toBe("Authorization");
    expect((await verifyWithJwks(jws, ctx.org.slug)).payload.version).toBe(1);

    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const r = await get(s, secret, { "if-none-match": inm });
      expect(r.status, inm).toBe(304);
      expect(r.headers.get("etag")).toBe(etag);
      expect(await r.text()).toBe("");
    }
    expect((await get(s, secret, { "if-none-match": '"stale"' })).status).toBe(200);

    for (const bad of [null, "chr_admin-token-not-agent", "cha_unknown"]) {
      const r = await get(s, bad);
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({ error: { code: "unauthenticated" } });
      expect(r.headers.get("cache-control")).toBe("no-store");
    }
  });

  it("answers from memory: once warm, 200s and 304s make no database query", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    const { secret } = await createAgentToken(db, ctx, { name: "hot" }, testRequest);
    const touched: string[] = [];
    const counting = new Proxy(db, {
      get(target, prop, receiver) {
        if (typeof prop === "string" && !prop.startsWith("_") && prop !== "then") touched.push(prop);
        return Reflect.get(target, prop, receiver);
      },
    });
    // Timers far away: this test looks at the request path only (poll and flush are measured elsewhere).
    const s = createBundleServer(counting, { pollMs: 3_600_000, flushMs: 3_600_000, log: () => {} });
    servers.push(s);
    const etag = (await get(s, secret)).headers.get("etag")!;
    expect(touched.length).toBeGreaterThan(0); // the cold request did read the database
    touched.length = 0;
    for (let i = 0; i < 50; i++) {
      expect((await get(s, secret, i % 2 ? { "if-none-match": etag } : {})).status).toBe(i % 2 ? 304 : 200);
    }
    expect(touched).toEqual([]);
  });

  it("answers 404 before the org's first publish", async () => {
    const ctx = await owner();
    const { secret } = await createAgentToken(db, ctx, { name: "early" }, testRequest);
    const r = await get(server(), secret);
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("gives each token its own org's bundle", async () => {
    const a = await owner();
    const b = await owner();
    await publish(a, V1);
    await publish(b, V2);
    const ta = await createAgentToken(db, a, { name: "a" }, testRequest);
    const tb = await createAgentToken(db, b, { name: "b" }, testRequest);
    const s = server();
    expect((await verifyWithJwks(await (await get(s, ta.secret)).text(), a.org.slug)).payload.org).toBe(a.org.slug);
    expect((await verifyWithJwks(await (await get(s, tb.secret)).text(), b.org.slug)).payload.org).toBe(b.org.slug);
  });

  it("refuses a revoked token after its next freshness poll", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    const { token, secret } = await createAgentToken(db, ctx, { name: "to-revoke" }, testRequest);
    // The timer never fires during the test: the test runs the poll itself, so it asserts the cause, not a duration.
    const s = server({ pollMs: 3_600_000 });
    expect((await get(s, secret)).status).toBe(200);
    await revokeAgentToken(db, ctx, token.id, testRequest);
    await s.poll();
    expect((await get(s, secret)).status).toBe(401);
    await expect(revokeAgentToken(db, ctx, token.id, testRequest)).rejects.toMatchObject({ code: "conflict" });
  });

  it("a second process sees a publish made through the first at its next freshness poll", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    const { secret } = await createAgentToken(db, ctx, { name: "two-procs" }, testRequest);
    // Two independent "processes": each has its own cache and its own database client, as two replicas would.
    const { createDb } = await import("../../lib/db");
    const { inject } = await import("vitest");
    const otherDb = createDb(inject("databaseUrl"));
    const first = server({ pollMs: 3_600_000 });
    const second = createBundleServer(otherDb, { pollMs: 3_600_000, flushMs: 60_000, log: () => {} });
    servers.push(second);
    const v1etag = (await get(first, secret)).headers.get("etag");
    expect((await get(second, secret)).headers.get("etag")).toBe(v1etag);

    await publish(ctx, V2);
    await second.poll();
    expect((await get(second, secret)).headers.get("x-charter-version")).toBe("2");
    await otherDb.$disconnect();
  });

  it("buffers check-ins in memory and writes them in one batch: one row per token, latest version, client and count", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    const { token, secret } = await createAgentToken(db, ctx, { name: "ci-runner", group: "ci" }, testRequest);
    const s = server();
    await get(s, secret, { "user-agent": "charter-pull/0.1.0" });
    await get(s, secret, { "user-agent": "charter-pull/0.1.0", "x-charter-installed-version": "1" });
    expect(await db.agentCheckIn.count()).toBe(0); // nothing written per request
    expect(s.stats().pending).toBe(1);
    await s.flush();
    const row = await db.agentCheckIn.findUniqueOrThrow({ where: { tokenId: token.id } });
    expect(row).toMatchObject({ orgId: ctx.org.id, versionServed: 1, versionInstalled: 1, clientVersion: "charter-pull/0.1.0", count: 2 });
    expect((await db.agentToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt).not.toBeNull();

    await publish(ctx, V2);
    await s.poll();
    await get(s, secret, { "user-agent": "charter-pull/0.1.1" });
    await s.flush();
    expect(await db.agentCheckIn.count()).toBe(1);
    expect(await db.agentCheckIn.findUniqueOrThrow({ where: { tokenId: token.id } })).toMatchObject({ versionServed: 2, versionInstalled: 1, clientVersion: "charter-pull/0.1.1", count: 3 });
  });

  it("builds the missing bundle of a version published before bundles existed, on first request", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    await db.bundle.deleteMany({ where: { orgId: ctx.org.id } });
    const { secret } = await createAgentToken(db, ctx, { name: "old" }, testRequest);
    const r = await get(server(), secret);
    expect(r.status).toBe(200);
    expect((await verifyWithJwks(await r.text(), ctx.org.slug)).payload.version).toBe(1);
  });
});

describe("If-None-Match comparison (RFC 9110: weak comparison for GET)", () => {
  const etag = '"abc"';
  it.each([
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", W/"abc"', true],
    ["*", true],
    ['"abcd"', false],
    ["abc", false],
    ["", false],
  ])("%s → %s", (header, hit) => {
    expect(ifNoneMatchHits(header, etag)).toBe(hit);
  });
});

describe("agent tokens and the fleet", () => {
  it("stores only the hash, audits create and revoke, and lets only publishers manage tokens", async () => {
    const ctx = await owner();
    const { token, secret } = await createAgentToken(db, ctx, { name: "mdm", group: "laptops" }, testRequest);
    expect(secret).toMatch(/^cha_[\w-]{43}$/);
    const row = await db.agentToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.prefix).toBe(secret.slice(0, 12));
    await revokeAgentToken(db, ctx, token.id, testRequest);
    const events = await db.auditEvent.findMany({ where: { orgId: ctx.org.id, action: { startsWith: "agent_token." } }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["agent_token.created", "agent_token.revoked"]);
    expect(JSON.stringify(events.map((e) => [e.diff, e.meta]))).not.toContain(secret);

    const viewer: OrgContext = { ...ctx, role: "viewer" };
    await expect(createAgentToken(db, viewer, { name: "x" }, testRequest)).rejects.toMatchObject({ code: "forbidden" });
    await expect(createAgentToken(db, ctx, { name: "  " }, testRequest)).rejects.toThrow();
    const other = await owner();
    await expect(revokeAgentToken(db, other, token.id, testRequest)).rejects.toMatchObject({ code: "not_found" });
  });

  it("counts hosts per version and flags stale and silent ones", async () => {
    const ctx = await owner();
    await publish(ctx, V1);
    const current = await createAgentToken(db, ctx, { name: "current" }, testRequest);
    const behind = await createAgentToken(db, ctx, { name: "behind" }, testRequest);
    await createAgentToken(db, ctx, { name: "never" }, testRequest);
    const s = server();
    await get(s, behind.secret, { "x-charter-installed-version": "1" });
    await s.flush();
    await publish(ctx, V2);
    await s.poll();
    await get(s, current.secret, { "x-charter-installed-version": "2" });
    await s.flush();

    const fleet = await fleetOverview(db, ctx);
    expect(fleet.currentVersion).toBe(2);
    const byName = Object.fromEntries(fleet.hosts.map((h) => [h.name, h]));
    expect(byName.current).toMatchObject({ stale: false, silent: false, versionInstalled: 2 });
    expect(byName.behind).toMatchObject({ stale: true, silent: false, versionInstalled: 1 });
    expect(byName.never).toMatchObject({ stale: false, silent: true, lastCheckIn: null });
    expect(fleet.byVersion).toEqual([
      { version: 2, hosts: 1, current: true },
      { version: 1, hosts: 1, current: false },
      { version: null, hosts: 1, current: false },
    ]);
    const dayLater = new Date(Date.now() + 25 * 3_600_000);
    expect((await fleetOverview(db, ctx, dayLater)).totals.silent).toBe(3);
  });
});
