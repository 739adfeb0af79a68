import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";
import { SAMPLE_REQUIREMENTS } from "../../lib/seed";
import { agent, installPackedAgent, startAgent } from "../agent-package";
import { signIn } from "./fixtures";

// The host agent as a host with only Node gets it — `npm pack` of packages/agent installed into an empty folder —
// against the running Charter: a real publish, a real host token, the org's real key fingerprint. pull → local edit →
// drift repaired by `run` → status.
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

async function draft() {
  const res = await api.get(`${API}/draft`);
  expect(res.status()).toBe(200);
  return { etag: res.headers()["etag"], toml: ((await res.json()) as { toml: string }).toml };
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
  originalDraft = (await draft()).toml;

  const name = `agent-e2e-${Date.now()}`;
  await page.goto("/o/acme/agents");
  await page.getByLabel("Host or token name").fill(name);
  await page.getByRole("button", { name: "Create agent token" }).click();
  token = await page.getByLabel(`Secret of agent token ${name}`).inputValue();
  expect(token).toMatch(/^cha_/);

  const toml = `# charter-agent e2e ${Date.now()}\n${SAMPLE_REQUIREMENTS}`;
  const { etag } = await draft();
  expect((await api.put(`${API}/draft`, { data: toml, headers: { "Content-Type": "text/plain", "If-Match": etag } })).status()).toBe(200);
  const res = await api.post(`${API}/publish`, { data: { note: "charter-agent e2e" } });
  expect(res.status()).toBe(201);
  published = { number: ((await res.json()) as { number: number }).number, toml };
  // The bundle endpoint serves from memory; a publish reaches it within one freshness poll.
  await expect
    .poll(async () => (await api.get("/api/v1/agent/bundle", { headers: { Authorization: `Bearer ${token}` } })).headers()["x-charter-version"])
    .toBe(String(published.number));

  // The fingerprint an admin copies from Charter (the active key's RFC 7638 thumbprint is its kid).
  const jwks = (await (await api.get(`${API}/keys`)).json()) as { keys: { kid: string }[] };
  fingerprint = jwks.keys[0].kid;
});

test.afterAll(async () => {
  if (api && originalDraft) {
    const now = await draft();
    if (now.toml !== originalDraft) await api.put(`${API}/draft`, { data: originalDraft, headers: { "Content-Type": "text/plain", "If-Match": now.etag } });
  }
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
