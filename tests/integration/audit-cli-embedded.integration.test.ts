import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { main } from "../../cli/main";
import { createDb } from "../../lib/db";
import { charterDatabase, freePort } from "../../lib/db/embedded";
import { recordAuditNow } from "../../lib/audit";
import { grantRuntimeRole } from "../../lib/db/roles";
import { testRequest } from "../support/request";
import { runPrisma } from "../../scripts/prisma.mjs";

const dir = mkdtempSync(path.join(os.tmpdir(), "charter-cli-embedded-"));
// As root, PostgreSQL runs as the `postgres` user, which must reach the cluster below this directory.
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("charter audit verify without DATABASE_URL verifies the embedded cluster of the data directory, starting and stopping it", async () => {
  const saved = { DATABASE_URL: process.env.DATABASE_URL, CHARTER_DATA_DIR: process.env.CHARTER_DATA_DIR, CHARTER_PG_PORT: process.env.CHARTER_PG_PORT };
  delete process.env.DATABASE_URL;
  process.env.CHARTER_DATA_DIR = dir;
  process.env.CHARTER_PG_PORT = String(await freePort());
  try {
    // What `npm start` leaves behind: a persistent cluster with a migrated `charter` database, then stopped.
    const first = await charterDatabase(dir);
    expect(runPrisma(["migrate", "deploy"], { env: { ...process.env, DATABASE_URL: first.ownerUrl }, quiet: true })).toBe(0);
    await grantRuntimeRole(first.ownerUrl, first.url);
    const db = createDb(first.url);
    await recordAuditNow(db, { orgId: null, actor: { type: "anonymous", label: "someone" }, action: "auth.signin_failed", target: { type: "user", id: "u1" }, meta: { method: "local", reason: "bad_password" }, request: testRequest });
    await db.$disconnect();
    await first.embedded!.stop();

    const out: string[] = [];
    const err: string[] = [];
    const code = await main(["audit", "verify"], { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(err).toEqual([`charter audit: note: no anchor file at ${path.join(dir, "audit-anchor.json")}: cut or wiped chains cannot be detected.`]);
    expect(out).toEqual(["global: 1 event, chain intact (MACs valid)"]);
    expect(code).toBe(0);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});
