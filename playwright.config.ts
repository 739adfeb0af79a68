import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { OIDC_ALLOWED_DOMAIN, OIDC_BUTTON, OIDC_CLIENT, oidcIssuer } from "./tests/e2e/oidc-settings";

// The browser tests run against `npm start` itself (scripts/start.ts): a production build on a throwaway embedded
// PostgreSQL (or the database named by E2E_DATABASE_URL), seeded with a known password.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_PASSWORD = "e2e-Password-4-tests";
// The test OpenID Connect provider (tests/e2e/oidc-server.ts) that Charter's single sign-on is pointed at.
export const E2E_OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? E2E_PORT + 2000);
const dataDir = process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `charter-e2e-${E2E_PORT}`);

export default defineConfig({
  testDir: "tests/e2e",
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: [
    {
      command: "npx tsx tests/e2e/oidc-server.ts",
      url: `${oidcIssuer(E2E_OIDC_PORT)}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "pipe",
      env: { E2E_OIDC_PORT: String(E2E_OIDC_PORT), E2E_CHARTER_ORIGIN: `http://127.0.0.1:${E2E_PORT}` },
    },
    {
      command: "npx tsx scripts/start.ts",
      url: `http://127.0.0.1:${E2E_PORT}/api/health`,
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: "pipe",
      gracefulShutdown: { signal: "SIGINT", timeout: 10_000 },
      env: {
        PORT: String(E2E_PORT),
        HOST: "127.0.0.1",
        CHARTER_DATA_DIR: dataDir,
        CHARTER_PG_PORT: process.env.E2E_PG_PORT ?? String(E2E_PORT + 1000),
        CHARTER_SEED_PASSWORD: E2E_PASSWORD,
        // Never the developer's own DATABASE_URL: only a database made for this run.
        DATABASE_URL: process.env.E2E_DATABASE_URL ?? "",
        CHARTER_OIDC_ISSUER: oidcIssuer(E2E_OIDC_PORT),
        CHARTER_OIDC_CLIENT_ID: OIDC_CLIENT.id,
        CHARTER_OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
        CHARTER_OIDC_ALLOWED_DOMAINS: OIDC_ALLOWED_DOMAIN,
        CHARTER_OIDC_NAME: OIDC_BUTTON,
        // 36 s: tests/e2e/fleet.spec.ts watches a host turn silent (every other test reads a host within seconds).
        CHARTER_FLEET_SILENT_HOURS: "0.01",
        // Never a Codex prompt captured on this machine (~/.cache/charter-codex): runs use the labelled approximate prompt.
        CHARTER_CODEX_DIR: path.join(dataDir, "no-codex-cache"),
      },
    },
  ],
});
