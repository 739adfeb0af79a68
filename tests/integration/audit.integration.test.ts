import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { freePort } from "../../lib/db/embedded";
import {
  eventHash,
  exportAudit,
  GENESIS_HASH,
  listAuditActions,
  listChains,
  queryAudit,
  recordAuditNow,
  verifyChain,
  verifyOrg,
  CSV_COLUMNS,
  type AuditEventView,
  type AuditInput,
  type ChainedFields,
} from "../../lib/audit";
import { orgContext } from "../../lib/orgs";
import { main } from "../../cli/main";
import { runtimeRoleProblems } from "../../lib/db/roles";
import { makeOrgWithMember, resetDb, useOwnerDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

const db = useTestDb();
// The database's owner: what migrations run as, and what an attacker with write access to the tables holds.
const owner = useOwnerDb();
beforeEach(() => resetDb(db));

const TOKEN = "chr_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2H1g0F9e";

async function orgWithCtx(role: "owner" | "auditor" | "viewer" = "owner") {
  const m = await makeOrgWithMember(db, role);
  return { ...m, ctx: await orgContext(db, m.actor, m.org.slug, role === "viewer" ? "org:read" : "audit:export") };
}

// Loosely typed on purpose: recordAudit still checks each event against its schema when the test writes it.
function event(orgId: string | null, over: Record<string, unknown> = {}): AuditInput {
  return { orgId, actor: { type: "user", id: "u1", label: "alice@acme.example" }, action: "org.settings_updated", target: { type: "organization", id: orgId }, request: testRequest, ...over } as AuditInput;
}

async function record(orgId: string | null, n: number, over: Record<string, unknown> = {}) {
  for (let i = 0; i < n; i++) await recordAuditNow(db, event(orgId, over));
}

/** Runs SQL with the append-only trigger switched off, as an attacker with table-owner rights could. */
async function tamper(sql: string, ...values: unknown[]) {
  await owner.$transaction([
    owner.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"'),
    owner.$executeRawUnsafe(sql, ...values),
    owner.$executeRawUnsafe('ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only"'),
  ]);
}

/** The hashed fields of a stored row (what an attacker would recompute a hash over). */
function chained(row: ChainedFields & { id: bigint; hash: string; mac: string | null }): ChainedFields {
  const { id: _id, hash: _hash, mac: _mac, ...fields } = row;
  return fields;
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "no error";
  } catch (err) {
    return String((err as Error).message ?? err);
  }
}

async function collect(it: AsyncIterable<string>) {
  let text = "";
  for await (const chunk of it) text += chunk;
  return text;
}

/** A small RFC 4180 reader, to prove the export parses back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    }
    else cell += ch;
  }
  expect(cell).toBe("");
  return rows;
}

describe("the database keeps the audit log append-only", () => {
  it("refuses UPDATE, DELETE and TRUNCATE with the trigger's error, even to the table's owner, and the row stays as written", async () => {
    const { org } = await orgWithCtx();
    const written = await recordAuditNow(db, event(org.id));
    expect(await errorOf(owner.$executeRawUnsafe(`UPDATE "AuditEvent" SET "action" = 'x' WHERE "id" = $1`, written.id))).toContain("AuditEvent is append-only: UPDATE refused");
    expect(await errorOf(owner.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "id" = $1`, written.id))).toContain("AuditEvent is append-only: DELETE refused");
    expect(await errorOf(owner.$executeRawUnsafe(`TRUNCATE "AuditEvent"`))).toContain("AuditEvent is append-only: TRUNCATE refused");
    expect(await errorOf(owner.auditEvent.update({ where: { id: written.id }, data: { action: "y" } }))).toContain("append-only");
    const after = await db.auditEvent.findUniqueOrThrow({ where: { id: written.id } });
    expect(after.action).toBe("org.settings_updated");
    expect((await verifyOrg(db, org.id)).ok).toBe(true);
  });

  it("the app's own connection is no superuser and cannot change audit rows, switch the triggers off or drop them", async () => {
    const { org } = await orgWithCtx();
    const written = await recordAuditNow(db, event(org.id));
    const [me] = await db.$queryRawUnsafe<{ super: boolean }[]>("SELECT rolsuper AS super FROM pg_roles WHERE rolname = current_user");
    expect(me.super).toBe(false);
    expect(await errorOf(db.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"'))).toMatch(/must be owner of (table|relation) AuditEvent/);
    expect(await errorOf(db.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER ALL'))).toMatch(/must be owner of (table|relation) AuditEvent/);
    expect(await errorOf(db.$executeRawUnsafe('DROP TRIGGER "AuditEvent_append_only" ON "AuditEvent"'))).toMatch(/must be owner of (table|relation) AuditEvent/);
    expect(await errorOf(db.$executeRawUnsafe("SET session_replication_role = replica"))).toContain('permission denied to set parameter "session_replication_role"');
    expect(await errorOf(db.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "id" = $1`, written.id))).toContain("permission denied for table AuditEvent");
    expect(await errorOf(db.$executeRawUnsafe(`UPDATE "AuditEvent" SET "action" = 'x' WHERE "id" = $1`, written.id))).toContain("permission denied for table AuditEvent");
    expect(await errorOf(db.$executeRawUnsafe('TRUNCATE "AuditEvent"'))).toContain("permission denied for table AuditEvent");
    expect(await errorOf(db.$executeRawUnsafe('ALTER TABLE "AuditEvent" OWNER TO CURRENT_USER'))).toMatch(/must be owner of (table|relation) AuditEvent/);
    expect(await db.auditEvent.count({ where: { chain: org.id } })).toBe(1);
    expect(await runtimeRoleProblems(inject("databaseUrl"))).toEqual([]);
    expect((await runtimeRoleProblems(inject("ownerUrl"))).join()).toMatch(/is a superuser|owns the AuditEvent table/);
  });
});

describe("writing the chain", () => {
  it("25 concurrent writers get seq 1..25 with no gap or duplicate, and the chain verifies", async () => {
    const { org } = await orgWithCtx();
    await Promise.all(Array.from({ length: 25 }, (_, i) => recordAuditNow(db, event(org.id, { diff: { i: { after: i } } }))));
    const seqs = (await db.auditEvent.findMany({ where: { chain: org.id }, select: { seq: true }, orderBy: { seq: "asc" } })).map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const result = await verifyOrg(db, org.id);
    expect(result).toMatchObject({ ok: true, count: 25, head: { seq: 25 } });
  });

  it("stores secrets redacted, in the diff, the meta and the actor label, and the hash covers the stored form", async () => {
    const { org } = await orgWithCtx();
    const row = await recordAuditNow(db, event(org.id, {
      actor: { type: "anonymous", label: `someone typing ${TOKEN}` },
      diff: { password: { before: "old", after: "x" }, name: { before: "a", after: "b" } },
      action: "auth.signin_failed",
      target: { type: "user", id: "u1" },
      meta: { method: "local", reason: "bad_password", attempt: "a1", authorization: "Bearer abc", detail: `token ${TOKEN}`, at: new Date("2026-05-06T07:08:09Z") },
    }));
    const stored = await db.auditEvent.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored.diff).toEqual({ password: { before: "[redacted]", after: "[redacted]" }, name: { before: "a", after: "b" } });
    expect(stored.meta).toEqual({ method: "local", reason: "bad_password", attempt: "a1", authorization: "[redacted]", detail: "token [redacted]", at: "2026-05-06T07:08:09.000Z" });
    expect(stored.actorLabel).toBe("someone typing [redacted]");
    expect(JSON.stringify({ ...stored, id: String(stored.id) })).not.toContain(TOKEN.slice(4));
    expect((await verifyOrg(db, org.id)).ok).toBe(true);
  });

  it("keeps one chain per org: events of org B neither shift A's seq nor break A's verification", async () => {
    const a = await orgWithCtx();
    const b = await orgWithCtx();
    await record(a.org.id, 2);
    await record(b.org.id, 3);
    await record(a.org.id, 1);
    expect((await db.auditEvent.findMany({ where: { chain: a.org.id }, orderBy: { seq: "asc" } })).map((r) => r.seq)).toEqual([1, 2, 3]);
    const firstOfB = await db.auditEvent.findFirstOrThrow({ where: { chain: b.org.id, seq: 1 } });
    expect(firstOfB.prevHash).toBe(GENESIS_HASH);
    await tamper(`UPDATE "AuditEvent" SET "actorLabel" = 'mallory@b.example' WHERE "id" = $1`, firstOfB.id);
    expect(await verifyOrg(db, a.org.id)).toMatchObject({ ok: true, count: 3 });
    expect(await verifyOrg(db, b.org.id)).toMatchObject({ ok: false, firstBroken: { seq: 1, reason: "hash_mismatch" } });
  });
});

describe("verify names the first broken link", () => {
  it("an edited row: hash mismatch at its seq", async () => {
    const { org } = await orgWithCtx();
    await record(org.id, 5);
    const victim = await db.auditEvent.findFirstOrThrow({ where: { chain: org.id, seq: 3 } });
    await tamper(`UPDATE "AuditEvent" SET "diff" = '{"role":{"before":"viewer","after":"owner"}}' WHERE "id" = $1`, victim.id);
    const result = await verifyOrg(db, org.id);
    expect(result).toEqual({
      ok: false,
      chain: org.id,
      count: 5,
      firstBroken: { seq: 3, id: victim.id.toString(), reason: "hash_mismatch", message: "hash mismatch — the row was changed after it was written" },
      checks: { macs: true, anchoredSeq: null },
    });
  });

  it("an edited row whose hash was recomputed too: its MAC no longer matches (by hashes alone, the next event no longer links to it)", async () => {
    const { org } = await orgWithCtx();
    await record(org.id, 4);
    const victim = await db.auditEvent.findFirstOrThrow({ where: { chain: org.id, seq: 2 } });
    const forgedHash = eventHash({ ...chained(victim), actorLabel: "someone-else@acme.example" });
    await tamper(`UPDATE "AuditEvent" SET "actorLabel" = 'someone-else@acme.example', "hash" = $2 WHERE "id" = $1`, victim.id, forgedHash);
    expect(await verifyChain(db, org.id, { key: null, anchor: null })).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: "prev_hash_mismatch" } });
    expect(await verifyOrg(db, org.id)).toMatchObject({ ok: false, firstBroken: { seq: 2, reason: "mac_mismatch" } });
  });

  it("a forged row inserted by hand: a made-up hash is a hash mismatch, a self-consistent one does not link", async () => {
    const { org } = await orgWithCtx();
    await record(org.id, 3);
    const head = await db.auditEvent.findFirstOrThrow({ where: { chain: org.id, seq: 3 } });
    const insert = (seq: number, prevHash: string, hash: string, createdAt: Date) =>
      db.$executeRawUnsafe(
        `INSERT INTO "AuditEvent" ("chain","seq","orgId","prevHash","hash","createdAt","actorType","actorId","actorLabel","action","targetType","targetId","requestId","ip")
         VALUES ($1,$2,$1,$3,$4,$5,'user','u1','alice@acme.example','member.removed','membership','m1','req-1','10.0.0.1')`,
        org.id, seq, prevHash, hash, createdAt,
      );
    // Plausible fields, linked to the real head, but the forger could not produce the matching hash.
    await insert(4, head.hash, "f".repeat(64), new Date());
    const forged = await db.auditEvent.findFirstOrThrow({ where: { chain: org.id, seq: 4 } });
    expect(await verifyOrg(db, org.id)).toMatchObject({ ok: false, count: 4, firstBroken: { seq: 4, id: forged.id.toString(), reason: "hash_mismatch" } });

    // In a fresh org: a forger who hashes correctly but starts a chain of their own (or links to the wrong event).
    const other = await orgWithCtx();
    await record(other.org.id, 2);
    const createdAt = new Date(Date.UTC(2026, 0, 1));
    const fields = {
      chain: other.org.id, seq: 3, orgId: other.org.id, prevHash: GENESIS_HASH, createdAt, actorType: "user", actorId: "u1",
      actorLabel: "alice@acme.example", action: "member.removed", targetType: "membership", targetId: "m1", diff: null, meta: null, requestId: "req-1", ip: "10.0.0.1",
    };
    await db.$executeRawUnsafe(
      `INSERT INTO "AuditEvent" ("chain","seq","orgId","prevHash","hash","createdAt","actorType","actorId","actorLabel","action","targetType","targetId","requestId","ip")
       VALUES ($1,3,$1,$2,$3,$4,'user','u1','alice@acme.example','member.removed','membership','m1','req-1','10.0.0.1')`,
      other.org.id, GENESIS_HASH, eventHash(fields), createdAt,
    );
    const result = await verifyOrg(db, other.org.id);
    expect(result).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: "prev_hash_mismatch" } });
    expect(result.ok === false && result.firstBroken.message).toContain("does not link to event #2");
  });

  it("a deleted row: a seq gap at the event after it", async () => {
    const { org } = await orgWithCtx();
    await record(org.id, 6);
    await tamper(`DELETE FROM "AuditEvent" WHERE "chain" = $1 AND "seq" = 4`, org.id);
    const next = await db.auditEvent.findFirstOrThrow({ where: { chain: org.id, seq: 5 } });
    expect(await verifyOrg(db, org.id)).toMatchObject({
      ok: false,
      count: 5,
      firstBroken: { seq: 5, id: next.id.toString(), reason: "seq_gap", message: "seq gap — event #4 is missing: rows were deleted" },
    });
  });

  it("a row moved into another org's chain is named, even with a recomputed hash", async () => {
    const a = await orgWithCtx();
    const b = await orgWithCtx();
    await record(a.org.id, 2);
    const row = await db.auditEvent.findFirstOrThrow({ where: { chain: a.org.id, seq: 2 } });
    const moved = { ...chained(row), orgId: b.org.id };
    await tamper(`UPDATE "AuditEvent" SET "orgId" = $2, "hash" = $3 WHERE "id" = $1`, row.id, b.org.id, eventHash(moved));
    expect(await verifyOrg(db, a.org.id)).toMatchObject({ ok: false, firstBroken: { seq: 2, reason: "wrong_chain" } });
  });

  it("an empty chain is intact with no head; the global chain verifies like any other", async () => {
    const { org } = await orgWithCtx();
    expect(await verifyOrg(db, org.id)).toEqual({ ok: true, chain: org.id, count: 0, head: null, checks: { macs: true, anchoredSeq: null } });
    await record(null, 3, { action: "auth.signin_failed", target: { type: "user", id: "u1" }, meta: { method: "local", reason: "bad_password" } });
    expect(await verifyChain(db, "global")).toMatchObject({ ok: true, count: 3, head: { seq: 3 } });
    expect((await listChains(db)).map((c) => c.chain)).toEqual([org.id, "global"]);
  });

  it("walks chains longer than one read batch", async () => {
    const { org } = await orgWithCtx();
    // Written through the normal path in one transaction each is slow; a single transaction of 1,205 appends is not.
    await db.$transaction(async (tx) => {
      const { recordAudit } = await import("../../lib/audit");
      for (let i = 0; i < 1_205; i++) await recordAudit(tx, event(org.id, { diff: { i: { after: i } } }));
    }, { timeout: 60_000 });
    expect(await verifyOrg(db, org.id)).toMatchObject({ ok: true, count: 1_205, head: { seq: 1_205 } });
    const row = await db.auditEvent.findFirstOrThrow({ where: { chain: org.id, seq: 1_100 } });
    await tamper(`UPDATE "AuditEvent" SET "ip" = '6.6.6.6' WHERE "id" = $1`, row.id);
    expect(await verifyOrg(db, org.id)).toMatchObject({ ok: false, count: 1_205, firstBroken: { seq: 1_100, reason: "hash_mismatch" } });
  }, 90_000);
});

describe("reading the log", () => {
  it("queryAudit returns only the context's org, newest first, whatever the filters say", async () => {
    const a = await orgWithCtx("auditor");
    const b = await orgWithCtx();
    await record(a.org.id, 2, { action: "token.created", target: { type: "api_token", id: "t1" } });
    await record(b.org.id, 3, { action: "token.created", target: { type: "api_token", id: "t2" }, actor: { type: "user", id: "ub", label: "bob@b.example" } });
    await record(null, 1, { action: "token.created", target: { type: "api_token", id: "t3" } });
    const page = await queryAudit(db, a.ctx, { action: "token.created", limit: 100 });
    expect(page.events.map((e) => e.seq)).toEqual([2, 1]);
    expect(page.events.every((e) => e.actor.label === "alice@acme.example")).toBe(true);
    expect((await queryAudit(db, a.ctx, { actor: "bob@b.example" })).events).toEqual([]);
    expect((await queryAudit(db, a.ctx, { actor: "ub" })).events).toEqual([]);
  });

  it("filters by actor, action, target and date range, and pages with a cursor", async () => {
    const { org, ctx } = await orgWithCtx();
    await recordAuditNow(db, event(org.id, { action: "token.created", target: { type: "api_token", id: "t1" } }));
    await recordAuditNow(db, event(org.id, { action: "token.revoked", target: { type: "api_token", id: "t1" }, actor: { type: "token", id: "tk", label: "token deploy-bot" } }));
    await recordAuditNow(db, event(org.id, { action: "member.role_changed", target: { type: "user", id: "m9" }, meta: { email: "m9@acme.example" } }));
    const seqs = async (f: Parameters<typeof queryAudit>[2]) => (await queryAudit(db, ctx, f)).events.map((e) => e.seq);
    expect(await seqs({ action: "token.revoked" })).toEqual([2]);
    expect(await seqs({ actor: "DEPLOY" })).toEqual([2]);
    expect(await seqs({ actor: "tk" })).toEqual([2]);
    expect(await seqs({ target: "api_token" })).toEqual([2, 1]);
    expect(await seqs({ target: "m9" })).toEqual([3]);
    expect(await seqs({ target: "api_token:t1", action: "token.created" })).toEqual([1]);
    expect(await seqs({ targetType: "user", targetId: "m9" })).toEqual([3]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await seqs({ from: today, to: today })).toEqual([3, 2, 1]);
    expect(await seqs({ to: "2000-01-01" })).toEqual([]);
    expect(await seqs({ from: new Date(Date.now() + 60_000) })).toEqual([]);

    const first = await queryAudit(db, ctx, { limit: 2 });
    expect(first.events.map((e) => e.seq)).toEqual([3, 2]);
    expect(first.nextCursor).toBe("2");
    const second = await queryAudit(db, ctx, { limit: 2, cursor: first.nextCursor! });
    expect(second.events.map((e) => e.seq)).toEqual([1]);
    expect(second.nextCursor).toBeNull();
    expect(await listAuditActions(db, ctx)).toEqual(["member.role_changed", "token.created", "token.revoked"]);
  });

  it("refuses bad filters with a validation error rather than guessing", async () => {
    const { ctx } = await orgWithCtx();
    await expect(queryAudit(db, ctx, { from: "last tuesday" })).rejects.toMatchObject({ name: "ZodError" });
    await expect(queryAudit(db, ctx, { limit: "0" })).rejects.toMatchObject({ name: "ZodError" });
  });
});

describe("exporting the log", () => {
  it("JSONL parses back to the same events, oldest first, and the export itself is audited", async () => {
    const { org, ctx, actor } = await orgWithCtx("auditor");
    await record(org.id, 3, { diff: { password: { before: "a", after: "x" }, role: { before: "viewer", after: "admin" } } });
    const text = await collect(await exportAudit(db, ctx, {}, "jsonl", { requestId: "req-export", ip: "192.0.2.7" }));
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l) as AuditEventView);
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3]);
    const listed = (await queryAudit(db, ctx, { limit: 100 })).events;
    expect(lines).toEqual(listed.filter((e) => e.seq <= 3).reverse());
    expect(lines[0].diff).toEqual({ password: { before: "[redacted]", after: "[redacted]" }, role: { before: "viewer", after: "admin" } });
    expect(text).not.toContain('"x"');

    const marker = listed[0];
    expect(marker).toMatchObject({
      seq: 4,
      action: "audit.exported",
      actor: { type: "user", id: actor.userId, label: actor.email },
      meta: { format: "jsonl", filter: {} },
      requestId: "req-export",
      ip: "192.0.2.7",
    });
    expect((await verifyOrg(db, org.id)).ok).toBe(true);
  });

  it("CSV has a header row, quotes awkward cells and parses back field for field", async () => {
    const { org, ctx } = await orgWithCtx();
    await recordAuditNow(db, event(org.id, {
      actor: { type: "anonymous", label: 'Eve, "the" tester\nsecond line' },
      action: "auth.signin_failed",
      diff: { name: { before: "a,b", after: 'quote "q"' } },
      target: { type: "user", id: "u1" },
      meta: { method: "local", reason: "bad password", attempt: "a1", password: "hunter2" },
      request: { requestId: "r-1", ip: "198.51.100.4" },
    }));
    await recordAuditNow(db, event(org.id, { action: "token.created", target: { type: "api_token", id: "t1" } }));
    const text = await collect(await exportAudit(db, ctx, { action: "auth.signin_failed" }, "csv", testRequest));
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(2);
    const record = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, rows[1][i]]));
    expect(record).toMatchObject({ seq: "1", actor_type: "anonymous", actor: 'Eve, "the" tester\nsecond line', action: "auth.signin_failed", request_id: "r-1", ip: "198.51.100.4" });
    expect(JSON.parse(record.diff)).toEqual({ name: { before: "a,b", after: 'quote "q"' } });
    expect(JSON.parse(record.meta)).toEqual({ method: "local", reason: "bad password", attempt: "a1", password: "[redacted]" });
    expect(text).not.toContain("hunter2");
    const stored = await db.auditEvent.findFirstOrThrow({ where: { chain: org.id, seq: 1 } });
    expect(record.hash).toBe(stored.hash);
    const marker = await db.auditEvent.findFirstOrThrow({ where: { chain: org.id, action: "audit.exported" } });
    expect(marker.meta).toEqual({ format: "csv", filter: { action: "auth.signin_failed" } });
  });

  it("streams in batches rather than one chunk, and leaves out events written after it began", async () => {
    const { org, ctx } = await orgWithCtx();
    await db.$transaction(async (tx) => {
      const { recordAudit } = await import("../../lib/audit");
      for (let i = 0; i < 1_500; i++) await recordAudit(tx, event(org.id, { diff: { i: { after: i } } }));
    }, { timeout: 60_000 });
    const chunks: string[] = [];
    const it = await exportAudit(db, ctx, {}, "jsonl", testRequest);
    for await (const chunk of it) {
      chunks.push(chunk);
      if (chunks.length === 1) await record(org.id, 1);
    }
    expect(chunks.length).toBe(2);
    const seqs = chunks.join("").trimEnd().split("\n").map((l) => (JSON.parse(l) as AuditEventView).seq);
    expect(seqs).toEqual(Array.from({ length: 1_500 }, (_, i) => i + 1));
  });

  it("an auditor can read, export and verify but the database still refuses their changes", async () => {
    const { org, ctx } = await orgWithCtx("auditor");
    expect(ctx.role).toBe("auditor");
    await record(org.id, 1);
    expect((await queryAudit(db, ctx)).events).toHaveLength(1);
    await collect(await exportAudit(db, ctx, {}, "csv", testRequest));
    expect((await verifyOrg(db, org.id)).ok).toBe(true);
    expect(await errorOf(db.auditEvent.deleteMany({ where: { orgId: org.id } }))).toContain("permission denied for table AuditEvent");
    expect(await errorOf(owner.auditEvent.deleteMany({ where: { orgId: org.id } }))).toContain("append-only");
  });
});

describe("charter audit verify", () => {
  async function cli(args: string[], env: string | null = inject("databaseUrl")) {
    const out: string[] = [];
    const err: string[] = [];
    const saved = process.env.DATABASE_URL;
    if (env === null) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = env;
    try {
      const code = await main(["audit", ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
      return { code, out, err };
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  }

  it("prints one line per chain and exits 0 when every chain is intact", async () => {
    const a = await orgWithCtx();
    const b = await orgWithCtx();
    await record(a.org.id, 2);
    await record(null, 1);
    const r = await cli(["verify"]);
    expect(r.err).toEqual(["charter audit: note: no anchor file (set CHARTER_DATA_DIR or --anchor): cut or wiped chains cannot be detected."]);
    expect(r.out).toEqual([`${a.org.slug}: 2 events, chain intact (MACs valid)`, `${b.org.slug}: 0 events, chain intact (MACs valid)`, "global: 1 event, chain intact (MACs valid)"]);
    expect(r.code).toBe(0);
  });

  it("exits 1 and names the broken event, its id and the reason", async () => {
    const { org } = await orgWithCtx();
    await record(org.id, 3);
    const row = await db.auditEvent.findFirstOrThrow({ where: { chain: org.id, seq: 2 } });
    await tamper(`UPDATE "AuditEvent" SET "action" = 'nothing.happened' WHERE "id" = $1`, row.id);
    const r = await cli(["verify", "--org", org.slug]);
    expect(r.out).toEqual([`${org.slug}: BROKEN at event #2 (id ${row.id}): hash mismatch — the row was changed after it was written`]);
    expect(r.code).toBe(1);
  });

  it("--json prints the results as one JSON document", async () => {
    const { org } = await orgWithCtx();
    await record(org.id, 1);
    const r = await cli(["verify", "--json"]);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.out.join("\n"));
    expect(parsed.ok).toBe(true);
    expect(parsed.chains).toContainEqual(expect.objectContaining({ chain: org.id, org: org.slug, ok: true, count: 1 }));
  });

  it("exits 2 with one clear line for a wrong DATABASE_URL, and without one when there is no embedded cluster either", async () => {
    const url = new URL(inject("databaseUrl"));
    url.password = "wrong-password";
    const wrongPassword = await cli(["verify"], url.toString());
    expect(wrongPassword).toMatchObject({ code: 2, out: [] });
    expect(wrongPassword.err).toEqual([expect.stringMatching(new RegExp(`^charter audit: cannot connect to the database at ${url.host}/[a-z0-9_]+: password authentication failed for user "[^"]+"$`))]);
    const closed = `postgresql://charter:x@127.0.0.1:${await freePort()}/charter`;
    const refused = await cli(["verify"], closed);
    expect(refused.code).toBe(2);
    expect(refused.err).toEqual([expect.stringMatching(/^charter audit: cannot connect to the database at 127\.0\.0\.1:\d+\/charter: connect ECONNREFUSED 127\.0\.0\.1:\d+$/)]);
    expect(await cli(["verify"], "not a url")).toMatchObject({ code: 2, err: ["charter audit: DATABASE_URL is not a PostgreSQL connection URL (postgresql://user:password@host:port/database)"] });

    const empty = mkdtempSync(path.join(os.tmpdir(), "charter-nodata-"));
    const none = await withEnv({ CHARTER_DATA_DIR: empty }, () => cli(["verify"], null));
    rmSync(empty, { recursive: true, force: true });
    expect(none.code).toBe(2);
    expect(none.err).toEqual([`charter audit: no DATABASE_URL and no embedded cluster in ${empty} (run npm start once, or set DATABASE_URL)`]);
  });

  it("exits 2 for an unknown org or an unknown option", async () => {
    const unknownOrg = await cli(["verify", "--org", "no-such-org"]);
    expect(unknownOrg.code).toBe(2);
    expect(unknownOrg.err.join("\n")).toContain('no organisation "no-such-org"');
    expect((await cli(["verify", "--bogus"])).code).toBe(2);
    expect((await cli(["rewrite"])).code).toBe(2);
  });
});

async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
