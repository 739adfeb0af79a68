import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "../../lib/db";
import { dropDatabase, dropRole, withClient, withDatabase } from "../../lib/db/admin";
import { charterDatabase } from "../../lib/db/embedded";
import { grantRuntimeRole, runtimeRoleProblems, urlAs } from "../../lib/db/roles";
import { verifyOrg } from "../../lib/audit";
import type { OrgContext } from "../../lib/auth/actor";
import { getDraft, publishDraft, saveDraft } from "../../lib/policies";
import { runPrisma } from "../../scripts/prisma.mjs";
import { makeOrgWithMember } from "./helpers";
import { testRequest } from "../support/request";

// Your own PostgreSQL, set up as README "Database roles" says: an owner role that is no superuser (with CREATEROLE)
// owns the database; CHARTER_MIGRATION_URL logs in as it, DATABASE_URL as the app's runtime role, which Charter creates.
// Then what `npm start` does (scripts/start.ts): read both URLs, migrate as the owner, grant the runtime role, check it.
const tag = `${process.pid}_${Date.now().toString(36)}`;
const database = `charter_ext_${tag}`;
const ownerRole = `charter_owner_${tag}`;
const appRole = `charter_app_${tag}`;
const password = () => randomBytes(12).toString("base64url");

let ownerUrl = "";
let appUrl = "";
let app: Db;
let owner: Db;
let dataDir = "";

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error("expected the statement to fail");
}

beforeAll(async () => {
  const server = inject("serverUrl"); // the database administrator
  const ownerPassword = password();
  await withClient(withDatabase(server, "postgres"), async (c) => {
    await c.query(`CREATE ROLE "${ownerRole}" LOGIN CREATEROLE NOSUPERUSER PASSWORD ${c.escapeLiteral(ownerPassword)}`);
    await c.query(`CREATE DATABASE "${database}" OWNER "${ownerRole}"`);
  });
  const base = withDatabase(server, database);
  dataDir = mkdtempSync(path.join(os.tmpdir(), "charter-ext-"));
  const saved = { url: process.env.DATABASE_URL, migration: process.env.CHARTER_MIGRATION_URL };
  process.env.DATABASE_URL = urlAs(base, appRole, password());
  process.env.CHARTER_MIGRATION_URL = urlAs(base, ownerRole, ownerPassword);
  try {
    const found = await charterDatabase(dataDir);
    expect(found.embedded).toBeUndefined();
    ({ url: appUrl, ownerUrl } = found);
  } finally {
    process.env.DATABASE_URL = saved.url;
    if (saved.migration === undefined) delete process.env.CHARTER_MIGRATION_URL;
    else process.env.CHARTER_MIGRATION_URL = saved.migration;
  }
  expect(runPrisma(["migrate", "deploy"], { env: { ...process.env, DATABASE_URL: ownerUrl }, quiet: true })).toBe(0);
  await grantRuntimeRole(ownerUrl, appUrl);
  app = createDb(appUrl);
  owner = createDb(ownerUrl);
}, 120_000);

afterAll(async () => {
  await app?.$disconnect();
  await owner?.$disconnect();
  const server = inject("serverUrl");
  await dropDatabase(server, database);
  await dropRole(server, appRole);
  await dropRole(server, ownerRole);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("an external PostgreSQL with a migration URL and a runtime URL", () => {
  it("migrates as the owner, which is no superuser, and the app connects as a role of its own", async () => {
    const [me] = await app.$queryRawUnsafe<{ role: string; super: boolean }[]>("SELECT current_user::text AS role, rolsuper AS super FROM pg_roles WHERE rolname = current_user");
    expect(me).toEqual({ role: appRole, super: false });
    const [table] = await owner.$queryRawUnsafe<{ owner: string }[]>(`SELECT tableowner::text AS owner FROM pg_tables WHERE tablename = 'AuditEvent'`);
    expect(table.owner).toBe(ownerRole);
    expect(await runtimeRoleProblems(appUrl)).toEqual([]);
    // Granting again (every start does) changes nothing and does not fail.
    await grantRuntimeRole(ownerUrl, appUrl);
    expect(await runtimeRoleProblems(appUrl)).toEqual([]);
  });

  it("runs the app as the runtime role: a draft saved and published, its audit events chained and verified", async () => {
    const { org, actor } = await makeOrgWithMember(app, "owner");
    const ctx: OrgContext = { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
    const toml = 'allowed_sandbox_modes = ["read-only"]\n';
    await saveDraft(app, ctx, { toml, baseRevision: (await getDraft(app, ctx))?.revision ?? 0 }, testRequest);
    expect(await publishDraft(app, ctx, { note: "first" }, testRequest)).toMatchObject({ number: 1 });
    expect(await app.bundle.count({ where: { orgId: org.id } })).toBe(1);
    const actions = (await app.auditEvent.findMany({ where: { chain: org.id }, orderBy: { seq: "asc" }, select: { action: true } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["policy.draft.saved", "policy.published"]));
    expect((await verifyOrg(app, org.id)).ok).toBe(true);
  });

  it("the runtime role cannot switch the audit log's triggers off, drop them, or delete, change or truncate audit rows", async () => {
    const { org } = await makeOrgWithMember(app, "owner");
    await app.organization.update({ where: { id: org.id }, data: { name: "Renamed" } });
    const rows = await app.auditEvent.count();
    expect(rows).toBeGreaterThan(0);
    const notOwner = /must be owner of (table|relation) AuditEvent/;
    expect(await errorOf(app.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER ALL'))).toMatch(notOwner);
    expect(await errorOf(app.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"'))).toMatch(notOwner);
    expect(await errorOf(app.$executeRawUnsafe('DROP TRIGGER "AuditEvent_append_only" ON "AuditEvent"'))).toMatch(notOwner);
    expect(await errorOf(app.$executeRawUnsafe('ALTER TABLE "AuditEvent" OWNER TO CURRENT_USER'))).toMatch(notOwner);
    expect(await errorOf(app.$executeRawUnsafe("SET session_replication_role = replica"))).toContain('permission denied to set parameter "session_replication_role"');
    expect(await errorOf(app.$executeRawUnsafe('DELETE FROM "AuditEvent"'))).toContain("permission denied for table AuditEvent");
    expect(await errorOf(app.$executeRawUnsafe(`UPDATE "AuditEvent" SET action = 'x'`))).toContain("permission denied for table AuditEvent");
    expect(await errorOf(app.$executeRawUnsafe('TRUNCATE "AuditEvent"'))).toContain("permission denied for table AuditEvent");
    expect(await errorOf(app.$executeRawUnsafe(`GRANT "${ownerRole}" TO CURRENT_USER`))).toMatch(/permission denied|must have admin option/);
    expect(await app.auditEvent.count()).toBe(rows);
  });

  it("start refuses the two URLs when they name different databases, and the grant refuses the same role twice", async () => {
    const saved = { url: process.env.DATABASE_URL, migration: process.env.CHARTER_MIGRATION_URL };
    process.env.DATABASE_URL = appUrl;
    process.env.CHARTER_MIGRATION_URL = withDatabase(ownerUrl, "elsewhere");
    try {
      await expect(charterDatabase(dataDir)).rejects.toThrow(/must name the same database/);
    } finally {
      process.env.DATABASE_URL = saved.url;
      if (saved.migration === undefined) delete process.env.CHARTER_MIGRATION_URL;
      else process.env.CHARTER_MIGRATION_URL = saved.migration;
    }
    await expect(grantRuntimeRole(ownerUrl, ownerUrl)).rejects.toThrow(/both "charter_owner_/);
  });
});

describe("a runtime role made by the database administrator", () => {
  it("works with an owner that may not create roles once the administrator lets the owner hand it the Decision table", async () => {
    const server = inject("serverUrl");
    const [db, o, a] = [`${database}_dba`, `${ownerRole}_dba`, `${appRole}_dba`];
    const [op, ap] = [password(), password()];
    // As README says: CREATE ROLE charter_app LOGIN PASSWORD '…', and GRANT charter_app TO the owner.
    await withClient(withDatabase(server, "postgres"), async (c) => {
      await c.query(`CREATE ROLE "${o}" LOGIN NOSUPERUSER NOCREATEROLE PASSWORD ${c.escapeLiteral(op)}`);
      await c.query(`CREATE ROLE "${a}" LOGIN PASSWORD ${c.escapeLiteral(ap)}`);
      await c.query(`CREATE DATABASE "${db}" OWNER "${o}"`);
    });
    try {
      const base = withDatabase(server, db);
      const [dbOwnerUrl, dbAppUrl] = [urlAs(base, o, op), urlAs(base, a, ap)];
      expect(runPrisma(["migrate", "deploy"], { env: { ...process.env, DATABASE_URL: dbOwnerUrl }, quiet: true })).toBe(0);
      // Without the membership the start stops and says what to run (it used to fail on "permission denied to alter role").
      await expect(grantRuntimeRole(dbOwnerUrl, dbAppUrl)).rejects.toThrow(`GRANT "${a}" TO "${o}"`);
      await withClient(withDatabase(server, "postgres"), (c) => c.query(`GRANT "${a}" TO "${o}"`));
      await grantRuntimeRole(dbOwnerUrl, dbAppUrl);
      expect(await runtimeRoleProblems(dbAppUrl)).toEqual([]);
      // The administrator's password still logs in: the owner did not (and could not) change it.
      await withClient(dbAppUrl, async (c) => expect((await c.query("SELECT current_user::text AS me")).rows[0].me).toBe(a));
    } finally {
      await dropDatabase(server, db);
      await dropRole(server, a);
      await dropRole(server, o);
    }
  }, 120_000);
});
