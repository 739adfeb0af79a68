import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";
import { SAMPLE_REQUIREMENTS } from "../../lib/seed";
import { agent, installPackedAgent, startAgent } from "../agent-package";
import { signIn } from "./fixtures";
import { publishing } from "./publishing";

// The host agent as a host with only Node gets it — `npm pack` of packages/agent installed into an empty folder —
// against the running Charter: a real publish, a real host token, the org's real key fingerprint. pull → local edit →
// drift repaired by `run` → status; then the whole enrolment flow, with a stand-in Codex that refuses one version,
// as the fleet API (what the Agents page shows) sees it.
test.describe.configure({ mode: "serial" });

const API = "/api/v1/orgs/acme";
const dir = mkdtempSync(join(tmpdir(), "charter-agent-e2e-"));
const out = join(dir, "etc", "codex", "requirements.toml");
const stateDir = join(dir, "state");

let context: BrowserContext;
let page: Page;
let api: APIRequestContext;
let baseURL: string;
let token = "";
let fingerprint = "";
let originalDraft = "";
let published: { number: number; toml: string };

let policy: ReturnType<typeof publishing>;

/** Publishes `toml` as the next version and waits until the bundle endpoint serves it. */
async function publish(toml: string, note: string) {
  const version = await policy.publish(toml, note);
  await policy.servedVersion(token, version.number);
  return version;
}

test.beforeAll(async ({ browser }, info) => {
  test.setTimeout(120_000);
  installPackedAgent();
  baseURL = String(info.project.use.baseURL);
  context = await browser.newContext({ baseURL });
  page = await context.newPage();
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  api = page.request;
  policy = publishing(api);
  originalDraft = (await policy.draft()).toml;

  const name = `agent-e2e-${Date.now()}`;
  await page.goto("/o/acme/agents");
  await page.getByLabel("Host or token name").fill(name);
  await page.getByRole("button", { name: "Create agent token" }).click();
  token = await page.getByLabel(`Secret of agent token ${name}`).inputValue();
  expect(token).toMatch(/^cha_/);

  published = await publish(`# charter-agent e2e ${Date.now()}\n${SAMPLE_REQUIREMENTS}`, "charter-agent e2e");

  // The fingerprint an admin copies from Charter (the active key's RFC 7638 thumbprint is its kid).
  const jwks = (await (await api.get(`${API}/keys`)).json()) as { keys: { kid: string }[] };
  fingerprint = jwks.keys[0].kid;
});

test.afterAll(async () => {
  if (policy && originalDraft) await policy.restoreDraft(originalDraft);
  await context?.close();
});

const common = () => ["--server", baseURL, "--org", "acme", "--trust-fingerprint", fingerprint, "--out", out, "--state-dir", stateDir, "--timeout", "10"];

test("the packed agent pulls the published version byte for byte, then hears 304", async () => {
  const r = await agent(["pull", ...common()], { CHARTER_TOKEN: token });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.trim()).toMatch(new RegExp(`^charter-agent pull: installed version ${published.number} of acme to ${out} `));
  expect(readFileSync(out, "utf8")).toBe(published.toml);
  expect(`${r.stdout}${r.stderr}`).not.toContain(token);

  const again = await agent(["pull", ...common()], { CHARTER_TOKEN: token });
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout.trim()).toBe(`charter-agent pull: up to date: version ${published.number} of acme at ${out}`);
});

test("run repairs a local edit at once and status shows the host current again", async () => {
  const run = startAgent(["run", ...common(), "--interval", "30", "--drift-check", "0.1"], { CHARTER_TOKEN: token });
  try {
    await run.waitFor(new RegExp(`up to date: version ${published.number}`));
    const mark = run.output().length;
    writeFileSync(out, "# edited by hand on the host\n");
    await run.waitFor(new RegExp(`repaired drift: ${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} was changed; restored version ${published.number}`), mark);
    await run.waitFor(new RegExp(`up to date: version ${published.number}`), mark);
  } finally {
    expect(await run.stop()).toBe(0);
  }
  expect(readFileSync(out, "utf8")).toBe(published.toml);
  expect(run.output()).not.toContain(token);

  const status = await agent(["status", "--json", "--org", "acme", "--out", out, "--state-dir", stateDir]);
  expect(status.code, status.stderr).toBe(0);
  expect(JSON.parse(status.stdout)).toMatchObject({ state: "current", installedVersion: published.number, matches: true, lastError: null, os: process.platform });
});

test("enroll → pull → a version the host's Codex refuses is rolled back and reported → a newer one installs, as the fleet sees it", async () => {
  test.setTimeout(90_000);
  const hostDir = mkdtempSync(join(tmpdir(), "charter-agent-enrolled-"));
  const hostOut = join(hostDir, "etc", "codex", "requirements.toml");
  const hostState = join(hostDir, "state");
  // A stand-in for the host's Codex: refuses requirements carrying the marker, like a Codex version that rejects a key.
  mkdirSync(join(hostDir, "bin"));
  const codex = join(hostDir, "bin", "codex");
  writeFileSync(
    codex,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "codex-cli 0.169.0"; exit 0; fi\nif grep -q refused-by-this-codex "${hostOut}"; then echo "error: unknown field \\\`refused_by_this_codex\\\`" >&2; exit 1; fi\necho ok\n`,
    { mode: 0o755 },
  );
  const env = { CHARTER_CODEX: codex };
  const local = ["--out", hostOut, "--state-dir", hostState];

  const created = await api.post(`${API}/enrollment-secrets`, { data: { name: `agent-e2e-${Date.now()}`, group: "e2e-laptops", maxUses: 1, expiresInHours: 1 } });
  expect(created.status()).toBe(201);
  const { secret } = (await created.json()) as { secret: string };

  const enrolled = await agent(["enroll", "--server", baseURL, "--org", "acme", "--trust-fingerprint", fingerprint, "--state-dir", hostState], { ...env, CHARTER_ENROLL_SECRET: secret });
  expect(enrolled.code, enrolled.stderr).toBe(0);
  expect(`${enrolled.stdout}${enrolled.stderr}`).not.toContain(secret);
  const hostId = /as host (\S+);/.exec(enrolled.stdout)![1];
  // The secret was single-use: a second host cannot enrol with it.
  const again = await agent(["enroll", "--server", baseURL, "--org", "acme", "--trust-fingerprint", fingerprint, "--state-dir", join(hostDir, "other")], { CHARTER_ENROLL_SECRET: secret });
  expect(again.code).toBe(1);
  expect(again.stderr).toContain("refused the enrolment secret");

  const host = async () => {
    const res = await api.get(`${API}/hosts`);
    expect(res.status()).toBe(200);
    return ((await res.json()) as { hosts: { id: string; state: string; installedVersion: number | null; lastError: string | null; codexVersion: string | null; group: string | null }[] }).hosts.find((h) => h.id === hostId);
  };

  const first = await agent(["pull", ...local], env);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stdout).toContain(`installed version ${published.number} of acme`);
  expect(first.stdout).toContain("Codex loads it");
  await expect.poll(host).toMatchObject({ state: "current", installedVersion: published.number, codexVersion: "codex-cli 0.169.0", group: "e2e-laptops" });

  const refused = await publish(`${published.toml}\n# refused-by-this-codex ${Date.now()}\n`, "charter-agent e2e: refused by the host's Codex");
  const r = await agent(["pull", ...local], env);
  expect(r.code).toBe(1);
  expect(r.stderr.trim()).toBe(`charter-agent pull: failed: codex refused: error: unknown field \`refused_by_this_codex\` — kept ${hostOut} unchanged`);
  expect(readFileSync(hostOut, "utf8")).toBe(published.toml); // the last good file is back
  await expect.poll(host).toMatchObject({ state: "failed", lastError: expect.stringMatching(/^codex refused: error: unknown field/) });
  const status = JSON.parse((await agent(["status", "--json", ...local], env)).stdout);
  expect(status).toMatchObject({ state: "failed", installedVersion: published.number, codexRefused: { version: refused.number } });

  published = await publish(`${published.toml}\n# accepted ${Date.now()}\n`, "charter-agent e2e: accepted again");
  const fixed = await agent(["pull", ...local], env);
  expect(fixed.code, fixed.stderr).toBe(0);
  expect(readFileSync(hostOut, "utf8")).toBe(published.toml);
  await expect.poll(host).toMatchObject({ state: "current", installedVersion: published.number, lastError: null });
});
