import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { randomBytes } from "node:crypto";
import { dropDatabase, dropRole, ensureDatabase, withDatabase } from "../../lib/db/admin";
import { grantRuntimeRole, urlAs } from "../../lib/db/roles";
import { freePort, startEmbeddedPostgres } from "../../lib/db/embedded";
import { runPrisma } from "../../scripts/prisma.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    /** The same database as its owner (the role migrations run as): for what only an owner or an attacker does. */
    ownerUrl: string;
    /** A server URL of the run's PostgreSQL (for tests that make databases of their own). */
    serverUrl: string;
  }
}

/**
 * Integration tests get a database of their own on a real PostgreSQL: on the server of DATABASE_URL when set, else on
 * a throwaway embedded PostgreSQL 17. The database is created and migrated here and dropped afterwards.
 */
export default async function setup(project: TestProject) {
  const name = `charter_test_${process.pid}_${Date.now().toString(36)}`;
  let serverUrl = process.env.DATABASE_URL;
  let tmp: string | undefined;
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  if (!serverUrl) {
    tmp = mkdtempSync(path.join(os.tmpdir(), "charter-it-"));
    embedded = await startEmbeddedPostgres({ dir: tmp, port: await freePort(), persistent: false });
    serverUrl = embedded.adminUrl;
  }
  await ensureDatabase(serverUrl, name);
  const ownerUrl = withDatabase(serverUrl, name);
  if (runPrisma(["migrate", "deploy"], { env: { ...process.env, DATABASE_URL: ownerUrl }, quiet: true }) !== 0) {
    throw new Error("prisma migrate deploy failed for the integration database");
  }
  // The tests connect as the app does: a runtime role of this run's own, not the owner (lib/db/roles.ts).
  const role = `charter_app_it_${process.pid}`;
  const databaseUrl = urlAs(ownerUrl, role, randomBytes(18).toString("base64url"));
  await grantRuntimeRole(ownerUrl, databaseUrl);
  project.provide("databaseUrl", databaseUrl);
  project.provide("ownerUrl", ownerUrl);
  project.provide("serverUrl", serverUrl);

  return async () => {
    await dropDatabase(serverUrl, name);
    await dropRole(serverUrl, role);
    await embedded?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  };
}
