/**
 * `npm test`: every layer in one command. Lint (ESLint), unit and integration tests (vitest, real PostgreSQL), a production build,
 * then the browser tests (Playwright in Debian's chromium against `npm start`). Stops at the first failing layer.
 */
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dropDatabase, ensureDatabase, withDatabase } from "../lib/db/admin";
import { freePort } from "../lib/db/embedded";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const say = (line: string) => process.stdout.write(`\n[test] ${line}\n`);

function run(label: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  say(label);
  const started = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`${label}: FAILED (exit ${r.status ?? r.signal})`);
  say(`${label}: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Debian's chromium drives the browser tests; install it when we can, else say exactly how. */
function ensureChromium(): string {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(chromium)) return chromium;
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    say(`${chromium} is missing: installing Debian's chromium with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update"], { stdio: "inherit", env });
    spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { stdio: "inherit", env });
    if (existsSync(chromium)) return chromium;
  }
  say(
    `The browser tests need Chromium at ${chromium}. Install it with:\n` +
      `    sudo apt-get update && sudo apt-get install -y chromium\n` +
      `or point CHROMIUM_PATH at a Chromium or Chrome binary.`,
  );
  process.exit(1);
}

async function main() {
  const chromium = ensureChromium();
  const bin = (pkg: string, file: string) => path.join(root, "node_modules", pkg, file);
  const vitest = bin("vitest", "vitest.mjs");
  const next = bin("next", "dist/bin/next");
  const playwright = bin("@playwright/test", "cli.js");

  run("lint (eslint)", [bin("eslint", "bin/eslint.js"), "."]);
  run("unit + integration tests (vitest)", [vitest, "run"]);
  run("production build (next build)", [next, "build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" });

  // Browser tests get fresh state: a new embedded cluster, or a new database on the DATABASE_URL server.
  const port = await freePort();
  const dataDir = path.join(os.tmpdir(), `charter-e2e-${process.pid}`);
  const env: NodeJS.ProcessEnv = { ...process.env, CHROMIUM_PATH: chromium, E2E_PORT: String(port), E2E_PG_PORT: String(await freePort()), E2E_OIDC_PORT: String(await freePort()), E2E_DATA_DIR: dataDir };
  const e2eDb = `charter_e2e_${process.pid}`;
  if (process.env.DATABASE_URL) {
    await ensureDatabase(process.env.DATABASE_URL, e2eDb);
    env.E2E_DATABASE_URL = withDatabase(process.env.DATABASE_URL, e2eDb);
  }
  try {
    run("browser tests (Playwright, chromium)", [playwright, "test"], env);
  } finally {
    if (process.env.DATABASE_URL) await dropDatabase(process.env.DATABASE_URL, e2eDb);
    rmSync(dataDir, { recursive: true, force: true });
  }
  say("all test layers passed");
}

main().catch((err: Error) => {
  say(err.message);
  process.exit(1);
});
