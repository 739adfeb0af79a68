import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../lib/db";
import { ensureDatabase } from "../../lib/db/admin";
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from "../../lib/db/embedded";
import type { OrgContext } from "../../lib/auth/actor";
import { createAgentToken, revokeAgentToken } from "../../lib/agents";
import { createBundleServer, type BundleServer } from "../../lib/bundles/serve";
import { checkHealth } from "../../lib/health";
import { publishDraft, saveDraft } from "../../lib/policies";
import { runPrisma } from "../../scripts/prisma.mjs";
import { makeOrgWithMember } from "./helpers";
import { testRequest } from "../support/request";

// A Postgres of this file's own, so it can be stopped: the run's shared database must stay up for the other files.
let tmp: string;
let pg: EmbeddedServer;
let db: Db;
let bundles: BundleServer;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "charter-outage-"));
  pg = await startEmbeddedPostgres({ dir: tmp, port: await freePort(), persistent: false });
  await ensureDatabase(pg.adminUrl, "outage");
  if (runPrisma(["migrate", "deploy"], { env: { ...process.env, DATABASE_URL: pg.urlFor("outage") }, quiet: true }) !== 0) throw new Error("migrate deploy failed");
  db = createDb(pg.urlFor("outage"));
}, 120_000);

afterAll(async () => {
  await bundles?.close();
  await db?.$disconnect().catch(() => {});
  await pg?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const get = async (token: string, etag?: string) => {
  const res = await bundles.handle(new Request("http://x/api/v1/agent/bundle", { headers: { authorization: `Bearer ${token}`, ...(etag ? { "if-none-match": etag } : {}) } }));
  return { status: res.status, etag: res.headers.get("etag"), body: await res.text() };
};

describe("the bundle endpoint through a database outage", () => {
  it("keeps serving the last signed bundle and 304s to tokens it has seen, holds revocations made before, and health says degraded", async () => {
    const { org, actor } = await makeOrgWithMember(db, "owner");
    const ctx: OrgContext = { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
    await saveDraft(db, ctx, { toml: 'allowed_sandbox_modes = ["read-only"]\n', baseRevision: 0 }, testRequest);
    await publishDraft(db, ctx, { note: "v1" }, testRequest);
    const seen = await createAgentToken(db, ctx, { name: "seen" }, testRequest);
    const revoked = await createAgentToken(db, ctx, { name: "revoked" }, testRequest);
    const never = await createAgentToken(db, ctx, { name: "never used" }, testRequest);
    // No token is trusted from cache for even a millisecond: every request would ask the database.
    bundles = createBundleServer(db, { tokenTtlMs: 0, negativeTtlMs: 0, pollMs: 60_000, flushMs: 60_000, log: () => {} });

    const before = await get(seen.secret);
    expect(before.status).toBe(200);
    expect((await get(revoked.secret)).status).toBe(200);
    await revokeAgentToken(db, ctx, revoked.token.id, testRequest);
    await bundles.poll();
    expect((await get(revoked.secret)).status).toBe(401);
    expect(bundles.outage()).toBeNull();

    await pg.stop();

    const during = await get(seen.secret);
    expect(during).toEqual(before);
    expect((await get(seen.secret, before.etag!)).status).toBe(304);
    expect([401, 503]).toContain((await get(revoked.secret)).status);
    const unknown = await get(never.secret);
    expect(unknown.status).toBe(503);
    expect(JSON.parse(unknown.body).error.code).toBe("unavailable");

    await bundles.poll();
    expect(bundles.outage()).toMatchObject({ reason: expect.stringContaining("database unreachable") });
    (globalThis as { charterBundleServer?: BundleServer }).charterBundleServer = bundles;
    try {
      const health = await checkHealth(db, 2_000);
      expect(health).toMatchObject({ status: "degraded", db: "down", reason: expect.stringContaining("last signed bundle") });
      expect(health.reason).toContain("Since ");
    } finally {
      delete (globalThis as { charterBundleServer?: BundleServer }).charterBundleServer;
    }
  }, 60_000);
});
