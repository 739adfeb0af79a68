import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, inject, it } from "vitest";
import { advanceAnchor, auditKey, eventHash, readAnchor, recordAudit, recordAuditNow, startAnchorKeeper, verifyChain, verifyOptionsFromEnv, type AnchorFile, type AuditInput, type ChainedFields } from "../../lib/audit";
import { auditCommand } from "../../cli/audit";
import { testRequest } from "../support/request";
import { makeOrgWithMember, resetDb, useOwnerDb, useTestDb } from "./helpers";

// The app's own connection writes; the attacker holds the database owner's (can switch the append-only trigger off).
const db = useTestDb();
const owner = useOwnerDb();
beforeEach(() => resetDb(db));

const dir = mkdtempSync(path.join(os.tmpdir(), "charter-anchor-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const key = auditKey()!;

async function orgWithEvents(count: number) {
  const { org } = await makeOrgWithMember(db, "owner");
  await append(org.id, count);
  return org;
}

function append(orgId: string, count: number) {
  return (async () => {
    for (let i = 0; i < count; i++) await recordAuditNow(db, settingsChanged(orgId, i));
  })();
}

function settingsChanged(orgId: string, i: number): AuditInput {
  return { orgId, actor: { type: "user", id: "u1", label: "alice@acme.example" }, action: "org.settings_updated", target: { type: "organization", id: orgId }, diff: { name: { before: `n${i}`, after: `n${i + 1}` } }, request: testRequest };
}

/** What the attacker does, with SQL, as the table's owner: trigger off, change, trigger on. */
async function attack(sql: string, ...values: unknown[]) {
  await owner.$transaction([
    owner.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"'),
    owner.$executeRawUnsafe(sql, ...values),
    owner.$executeRawUnsafe('ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only"'),
  ]);
}

const verify = (chain: string, file: string) => verifyChain(db, chain, { key, anchor: readAnchor(file, key).chains[chain] ?? null });

async function cli(file: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = inject("databaseUrl");
  try {
    const code = await auditCommand(["verify", "--anchor", file, ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  }
}

describe("the anchor outside the database", () => {
  it("deleting the newest events is reported as truncated; once the app appends onto the shortened chain, as an anchor mismatch, and the anchor does not follow", async () => {
    const file = path.join(dir, `anchor-${++n}.json`);
    const org = await orgWithEvents(5);
    expect(await advanceAnchor(db, file, key)).toMatchObject({ advanced: [org.id], held: [] });
    expect(await verify(org.id, file)).toMatchObject({ ok: true, count: 5, checks: { macs: true, anchoredSeq: 5 } });

    await attack(`DELETE FROM "AuditEvent" WHERE "chain" = $1 AND "seq" >= 4`, org.id);
    expect(await verify(org.id, file)).toMatchObject({ ok: false, count: 3, firstBroken: { seq: 5, id: "", reason: "truncated" } });

    await append(org.id, 3);
    expect(await advanceAnchor(db, file, key)).toMatchObject({ advanced: [], held: [org.id] });
    expect(readAnchor(file, key).chains[org.id].seq).toBe(5);
    const r = await verify(org.id, file);
    expect(r).toMatchObject({ ok: false, count: 6, firstBroken: { seq: 5, reason: "anchor_mismatch" } });
    const run = await cli(file, "--org", org.slug);
    expect(run.code).toBe(1);
    expect(run.out).toContain(`${org.slug}: BROKEN at event #5: anchor mismatch`);
  });

  it("editing a row and recomputing every hash after it is a MAC mismatch at the edited row; dropping the MACs too leaves the anchor mismatch", async () => {
    const file = path.join(dir, `anchor-${++n}.json`);
    const org = await orgWithEvents(5);
    await advanceAnchor(db, file, key);

    // The attacker rewrites event #2 and re-links #2..#5 so the hash chain itself is consistent again.
    const rows = await owner.auditEvent.findMany({ where: { chain: org.id }, orderBy: { seq: "asc" } });
    let prev = rows[0].hash;
    for (const row of rows.slice(1)) {
      const { id: _id, hash: _hash, mac: _mac, ...fields } = row;
      const edited: ChainedFields = { ...fields, prevHash: prev, actorLabel: row.seq === 2 ? "someone-else@acme.example" : row.actorLabel };
      prev = eventHash(edited);
      await attack(`UPDATE "AuditEvent" SET "actorLabel" = $2, "prevHash" = $3, "hash" = $4 WHERE "id" = $1`, row.id, edited.actorLabel, edited.prevHash, prev);
    }
    // The hashes alone no longer show it.
    expect(await verifyChain(db, org.id, { key: null, anchor: null })).toMatchObject({ ok: true, count: 5 });
    expect(await verify(org.id, file)).toMatchObject({ ok: false, firstBroken: { seq: 2, reason: "mac_mismatch" } });

    // Without MACs every row looks written before MACs existed: the anchored head still differs.
    await attack(`UPDATE "AuditEvent" SET "mac" = NULL WHERE "chain" = $1`, org.id);
    expect(await verify(org.id, file)).toMatchObject({ ok: false, firstBroken: { seq: 5, reason: "anchor_mismatch" } });
    const run = await cli(file);
    expect(run.code).toBe(1);
    expect(run.out).toContain(`${org.slug}: BROKEN at event #5: anchor mismatch`);
  });

  it("wiping an org's whole chain (and the org) is reported as wiped, by verify and by the command line", async () => {
    const file = path.join(dir, `anchor-${++n}.json`);
    const org = await orgWithEvents(4);
    const other = await orgWithEvents(2);
    await advanceAnchor(db, file, key);

    await attack(`DELETE FROM "AuditEvent" WHERE "chain" = $1`, org.id);
    expect(await verify(org.id, file)).toMatchObject({ ok: false, count: 0, firstBroken: { seq: 4, reason: "wiped" } });
    expect(await verify(other.id, file)).toMatchObject({ ok: true, count: 2 });

    await owner.$executeRawUnsafe(`DELETE FROM "Organization" WHERE "id" = $1`, org.id);
    const run = await cli(file);
    expect(run.code).toBe(1);
    expect(run.out).toContain(`deleted org ${org.id}: BROKEN at event #4: wiped`);
    expect(run.out).toContain(`${other.slug}: 2 events, chain intact (MACs valid, matches its anchor at #2)`);
  });

  it("the server's keeper moves the anchor when an audit write commits, never to an event that was rolled back", async () => {
    const file = path.join(dir, `anchor-${++n}.json`);
    const logged: string[] = [];
    const keeper = startAnchorKeeper(db, inject("databaseUrl"), file, key, (l) => logged.push(l));
    try {
      const org = await orgWithEvents(2);
      await expect.poll(() => readAnchor(file, key).chains[org.id]?.seq, { timeout: 20_000 }).toBe(2);
      const rolledBack = db.$transaction(async (tx) => {
        await recordAudit(tx, settingsChanged(org.id, 99));
        throw new Error("the change failed");
      });
      await expect(rolledBack).rejects.toThrow("the change failed");
      await append(org.id, 1);
      const third = await db.auditEvent.findFirstOrThrow({ where: { chain: org.id, seq: 3 } });
      await expect.poll(() => readAnchor(file, key).chains[org.id]?.hash, { timeout: 20_000 }).toBe(third.hash);
      expect(logged).toEqual([]);
    } finally {
      await keeper.stop();
    }
  });

  it("the app's own verify (console, API) reads the anchor from CHARTER_DATA_DIR, and entries forged in the file are ignored", async () => {
    const org = await orgWithEvents(3);
    const dataDir = path.join(dir, `data-${++n}`);
    await advanceAnchor(db, path.join(dataDir, "audit-anchor.json"), key);
    const opts = verifyOptionsFromEnv(org.id, { CHARTER_MASTER_KEY: process.env.CHARTER_MASTER_KEY, CHARTER_DATA_DIR: dataDir });
    expect(opts.anchor).toMatchObject({ seq: 3 });
    await attack(`DELETE FROM "AuditEvent" WHERE "chain" = $1 AND "seq" = 3`, org.id);
    expect(await verifyChain(db, org.id, opts)).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: "truncated" } });
    // An entry made up without the key is not trusted: the file's owner cannot move an anchor back to a cut chain's head.
    const file = path.join(dataDir, "audit-anchor.json");
    const forged = JSON.parse(readFileSync(file, "utf8")) as AnchorFile;
    const head = await db.auditEvent.findFirstOrThrow({ where: { chain: org.id, seq: 2 } });
    forged.chains[org.id] = { ...forged.chains[org.id], seq: 2, hash: head.hash };
    writeFileSync(file, JSON.stringify(forged));
    expect(readAnchor(file, key).chains).toEqual({});
    writeFileSync(file, "{ not json");
    expect(readAnchor(file, key).chains).toEqual({});
  });
});
