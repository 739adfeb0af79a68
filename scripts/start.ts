/**
 * `npm start`: database (embedded PostgreSQL 17 under .charter/ unless DATABASE_URL is set), migrations, demo seed,
 * production build when sources changed, then scripts/server.ts (Next.js plus the bundle fast path) on PORT. `--dev`
 * serves Next.js in development mode instead of a build.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb } from "../lib/db";
import { charterDatabase } from "../lib/db/embedded";
import { grantRuntimeRole, runtimeRoleProblems } from "../lib/db/roles";
import { DEMO_OWNER_EMAIL, seedDemo } from "../lib/seed";
import { bannerLines, saveInitialPassword } from "../lib/first-start";
import { runPrisma } from "./prisma.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dev = process.argv.includes("--dev");
const dataDir = path.resolve(process.env.CHARTER_DATA_DIR ?? path.join(root, ".charter"));
const port = Number(process.env.PORT ?? 3000);
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");

const say = (line: string) => process.stdout.write(`[charter] ${line}\n`);

async function main() {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT must be a TCP port number, got "${process.env.PORT}"`);
  mkdirSync(dataDir, { recursive: true });

  const { url: databaseUrl, ownerUrl, embedded, description } = await charterDatabase(dataDir).catch((err: Error) => {
    say(err.message);
    process.exit(1);
  });
  say(`Using ${description}.`);

  let shuttingDown = false;
  let server: ChildProcess | undefined;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    server?.kill("SIGTERM");
    await embedded?.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    // Migrations as the tables' owner; the app as a role that cannot switch off the audit log's triggers (lib/db/roles.ts).
    if (runPrisma(["migrate", "deploy"], { env: { ...process.env, DATABASE_URL: ownerUrl }, quiet: true }) !== 0) {
      throw new Error("Database migrations failed (output above).");
    }
    if (ownerUrl !== databaseUrl) await grantRuntimeRole(ownerUrl, databaseUrl);
    const roleProblems = await runtimeRoleProblems(databaseUrl);
    if (roleProblems.length) {
      say(`WARNING: the app's database role could rewrite the audit log (${roleProblems.join("; ")}). Set DATABASE_URL to a role of the app's own and CHARTER_MIGRATION_URL to the owner (README, Database roles).`);
    }
    const db = createDb(databaseUrl);
    const seed = await seedDemo(db, { password: process.env.CHARTER_SEED_PASSWORD });
    await db.$disconnect();

    // CHARTER_DATA_DIR: the server keeps the audit anchor there (lib/audit/anchor.ts).
    const env = { ...process.env, DATABASE_URL: databaseUrl, CHARTER_DATA_DIR: dataDir, AUTH_SECRET: authSecret(), CHARTER_MASTER_KEY: masterKeyFromEnvOrFile(), NEXT_TELEMETRY_DISABLED: "1" };
    if (!dev && needsBuild()) {
      say("Building the console (production build)…");
      const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, env, stdio: "inherit" });
      if (build.status !== 0) throw new Error("next build failed (output above).");
    }
    server = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "server.ts"), ...(dev ? ["--dev"] : [])], {
      cwd: root,
      env,
      stdio: ["ignore", "inherit", "inherit"],
    });
    server.on("exit", (code) => {
      if (!shuttingDown) {
        say(`The web server stopped (exit ${code}).`);
        void shutdown(code ?? 1);
      }
    });
    await waitForHealth(`http://127.0.0.1:${port}/api/health`);
    printBanner(seed.ownerPassword);
  } catch (err) {
    say(err instanceof Error ? err.message : String(err));
    await shutdown(1);
  }
}

/**
 * CHARTER_MASTER_KEY (seals private signing keys and provider API keys) from the environment, else one generated once
 * into the data directory, with a warning: in production the key belongs in a secret store, not beside the data.
 */
function masterKeyFromEnvOrFile(): string {
  if (process.env.CHARTER_MASTER_KEY) return process.env.CHARTER_MASTER_KEY;
  const file = path.join(dataDir, "master-key");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600 });
  say(`WARNING: CHARTER_MASTER_KEY is not set; using the generated key in ${path.relative(process.cwd(), file)}. Production must set its own.`);
  return readFileSync(file, "utf8").trim();
}

/** AUTH_SECRET from the environment, else one generated once and kept in the data directory. */
function authSecret(): string {
  if (process.env.AUTH_SECRET) return process.env.AUTH_SECRET;
  const file = path.join(dataDir, "auth-secret");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

const SOURCES = ["app", "components", "lib", "proxy.ts", "next.config.ts", "postcss.config.mjs", "package.json", "tsconfig.json"];

/** A build is needed when there is none, or any source file is newer than it. */
function needsBuild(): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const newer = (p: string): boolean => {
    if (!existsSync(p)) return false;
    const s = statSync(p);
    if (s.isDirectory()) return readdirSync(p).some((name) => name !== "generated" && newer(path.join(p, name)));
    return s.mtimeMs > built;
  };
  return SOURCES.some((s) => newer(path.join(root, s)));
}

async function waitForHealth(url: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Charter did not become healthy at ${url} within 60 s.`);
}

function printBanner(password: string | undefined) {
  // A password given in CHARTER_SEED_PASSWORD is already known to whoever set it: only a generated one is saved.
  const file = password && !process.env.CHARTER_SEED_PASSWORD ? saveInitialPassword(dataDir, DEMO_OWNER_EMAIL, password) : undefined;
  const lines = bannerLines(port, DEMO_OWNER_EMAIL, file && path.relative(process.cwd(), file), `npm run reset-password -- ${DEMO_OWNER_EMAIL}`);
  const width = Math.max(...lines.map((l) => l.length));
  process.stdout.write(`\n┌${"─".repeat(width + 2)}┐\n${lines.map((l) => `│ ${l.padEnd(width)} │`).join("\n")}\n└${"─".repeat(width + 2)}┘\n\n`);
}

void main();
