import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";
import { SAMPLE_REQUIREMENTS } from "../../lib/seed";
import { makeTestKey, payloadFor, signBundle, tamperOneByte, type TestKey } from "../bundle-fixtures";
import { serveJws, startMirror, type Mirror } from "../bundle-mirror";
import { agent, installPackedAgent } from "../agent-package";
import { codexBinary, codexLoads } from "../codex-binary";
import { signIn } from "./fixtures";
import { publishing } from "./publishing";

// A pull as a host runs it — the packed agent (`npm pack` of packages/agent installed into an empty folder), in a child
// process — against the running Charter (real publish, real agent token, real signed bundle), and against a local
// mirror that serves tampered variants. Every failure must leave the installed file byte for byte as it was and name
// its reason in one line. (The repository's `charter pull` runs the same code: tests/unit/bundles/pull.test.ts.)
test.describe.configure({ mode: "serial" });

const API = "/api/v1/orgs/acme";
const dir = mkdtempSync(join(tmpdir(), "charter-pull-e2e-"));
const out = join(dir, "etc", "codex", "requirements.toml");
const stateDir = join(dir, "state");
const charterTrust = join(dir, "charter-keys.json");
/** Charter's keys plus the test's own key: org/expiry cases are signed by a pinned key so only that check fails. */
const mixedTrust = join(dir, "charter-and-test-keys.json");

let context: BrowserContext;
let page: Page;
let api: APIRequestContext;
let baseURL: string;
let token = "";
let tokenName = "";
let originalDraft = "";
let published: { number: number; toml: string };
let testKey: TestKey;
let stranger: TestKey;
let mirror: Mirror;
let policy: ReturnType<typeof publishing>;

async function pull(args: string[], env: Record<string, string> = { CHARTER_TOKEN: token }, target = { out, stateDir }) {
  const r = await agent(["pull", "--org", "acme", "--out", target.out, "--state-dir", target.stateDir, "--timeout", "10", ...args], env);
  expect(`${r.stdout}${r.stderr}`).not.toContain(token); // the token is never printed
  return r;
}

async function realBundle(): Promise<string> {
  const res = await api.get("/api/v1/agent/bundle", { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/jose");
  return res.text();
}

/** Runs a pull through the mirror and asserts the refusal: exit 1, one stderr line naming `reason`, file unchanged. */
async function expectKept(reason: RegExp, args = ["--server", mirror.url, "--trust", mixedTrust]) {
  const before = readFileSync(out);
  const state = readFileSync(join(stateDir, "pull-acme.json"));
  const r = await pull(args);
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(reason);
  expect(lines[0]).toContain(`— kept ${out} unchanged`);
  expect(readFileSync(out).equals(before)).toBe(true);
  expect(readFileSync(join(stateDir, "pull-acme.json")).equals(state)).toBe(true);
  return lines[0];
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

  // An agent token, created by the owner in the console as an admin would.
  tokenName = `pull-e2e-${Date.now()}`;
  await page.goto("/o/acme/agents");
  await page.getByLabel("Host or token name").fill(tokenName);
  await page.getByRole("button", { name: "Create agent token" }).click();
  token = await page.getByLabel(`Secret of agent token ${tokenName}`).inputValue();
  expect(token).toMatch(/^cha_/);

  published = await policy.publish(`# charter pull e2e ${Date.now()}\n${SAMPLE_REQUIREMENTS}`, "charter pull e2e");
  await policy.servedVersion(token, published.number);

  // The pinned keys reach the host out of band; here a copy of the JWKS taken now stands for that channel.
  const jwks = (await (await api.get(`${API}/keys`)).json()) as { keys: object[] };
  expect(jwks.keys.length).toBeGreaterThan(0);
  testKey = await makeTestKey();
  stranger = await makeTestKey();
  writeFileSync(charterTrust, JSON.stringify(jwks));
  writeFileSync(mixedTrust, JSON.stringify({ keys: [...jwks.keys, testKey.jwk] }));
  mirror = await startMirror();
});

test.afterAll(async () => {
  await mirror?.close();
  if (policy && originalDraft) await policy.restoreDraft(originalDraft);
  await context?.close();
});

test("a host with only the packed agent installs the published version byte for byte, then hears 304 'up to date'", async () => {
  test.setTimeout(120_000);
  const r = await pull(["--server", baseURL, "--trust", charterTrust]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.trim()).toMatch(new RegExp(`^charter-agent pull: installed version ${published.number} of acme to ${out} `));
  expect(readFileSync(out, "utf8")).toBe(published.toml);

  const again = await pull(["--server", baseURL, "--trust", charterTrust]);
  expect(again.code).toBe(0);
  expect(again.stdout.trim()).toBe(`charter-agent pull: up to date: version ${published.number} of acme at ${out}`);

  // Opt-in: the real Codex 0.169 binary (installed by scripts/codex-oracle.ts) loads the installed file.
  const codex = codexBinary();
  if ("bin" in codex) {
    const loaded = codexLoads(codex.bin, out);
    expect(loaded.ok, loaded.output).toBe(true);
    test.info().annotations.push({ type: "codex", description: "Codex 0.169 loaded the installed requirements.toml" });
  } else {
    test.info().annotations.push({ type: "codex", description: `not checked against the Codex binary: ${codex.unavailable}` });
  }
});

test("--trust-fingerprint pins the key by thumbprint and uses Charter's JWKS only to find it", async () => {
  const { keys } = JSON.parse(readFileSync(charterTrust, "utf8")) as { keys: { kid: string }[] };
  const r = await pull(["--server", baseURL, "--trust-fingerprint", keys.map((k) => k.kid).join(","), "--check"], { CHARTER_TOKEN: token }, { out: join(dir, "fp", "requirements.toml"), stateDir: join(dir, "fp-state") });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain(`verified version ${published.number} of acme`);
  // A fingerprint that matches none of the served keys refuses even Charter's own, genuine bundle.
  await expectKept(/^charter-agent pull: refused: unknown-key: bundle is signed by key ".+", whose fingerprint is not pinned/, ["--server", baseURL, "--trust-fingerprint", stranger.fingerprint]);
});

test("a newer version installs; a mirror replaying the older, genuinely signed bundle is refused as rollback", async () => {
  const older = await realBundle();
  const newer = await policy.publish(`${published.toml}\n# newer ${Date.now()}\n`, "charter pull e2e: newer");
  await policy.servedVersion(token, newer.number);
  const r = await pull(["--server", baseURL, "--trust", charterTrust]);
  expect(r.code, r.stderr).toBe(0);
  expect(readFileSync(out, "utf8")).toBe(newer.toml);
  mirror.handle(serveJws(older));
  await expectKept(new RegExp(`^charter-agent pull: refused: rollback: bundle has version ${published.number}, older than the installed version ${newer.number}`));
  published = newer;
});

test("payload changed by one byte: refused (signature)", async () => {
  mirror.handle(serveJws(tamperOneByte(await realBundle(), "e", "f")));
  await expectKept(/^charter-agent pull: refused: signature: /);
});

test("signed by an unknown key: refused (unknown-key)", async () => {
  mirror.handle(serveJws(await signBundle(stranger, payloadFor({ org: "acme", version: published.number + 1 }))));
  await expectKept(new RegExp(`^charter-agent pull: refused: unknown-key: bundle is signed by key "${stranger.kid}"`));
});

test("another org's bundle signed by a pinned key: refused (org)", async () => {
  mirror.handle(serveJws(await signBundle(testKey, payloadFor({ org: "globex", version: published.number + 1 }))));
  await expectKept(/^charter-agent pull: refused: org: bundle is for org "globex", this host belongs to "acme"/);
});

test("an expired bundle signed by a pinned key: refused (expired)", async () => {
  const expiresAt = new Date(Date.now() - 3_600_000).toISOString();
  mirror.handle(serveJws(await signBundle(testKey, payloadFor({ org: "acme", version: published.number + 1, expiresAt }))));
  await expectKept(new RegExp(`^charter-agent pull: refused: expired: .*expired at ${expiresAt}`));
});

test("an older version signed by a pinned key: refused (rollback)", async () => {
  mirror.handle(serveJws(await signBundle(testKey, payloadFor({ org: "acme", version: 1 }))));
  await expectKept(/^charter-agent pull: refused: rollback: bundle has version 1, older than the installed version/);
});

test("a truncated body: refused (malformed)", async () => {
  const jws = await realBundle();
  mirror.handle(serveJws(jws.slice(0, jws.length - 20)));
  await expectKept(/^charter-agent pull: refused: malformed: .*truncated/);
});

test("HTTP 500 from the server: failed (http)", async () => {
  mirror.handle((_req, res) => res.writeHead(500, { "Content-Type": "application/json" }).end('{"error":{"code":"internal","message":"Something went wrong."}}'));
  await expectKept(/^charter-agent pull: failed: http: bundle: server answered HTTP 500: Something went wrong\./);
});

test("server down: failed (unreachable)", async () => {
  const down = await startMirror();
  await down.close();
  await expectKept(/^charter-agent pull: failed: unreachable: bundle: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/, ["--server", down.url, "--trust", mixedTrust]);
});

test("a revoked agent token: Charter refuses it and the host keeps its file (unauthorized)", async () => {
  await page.goto("/o/acme/agents");
  await page.getByRole("button", { name: `Revoke agent token ${tokenName}` }).click();
  await page.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(page.getByTestId(`agent-${tokenName}`)).toContainText("revoked");
  // Revocations reach the bundle endpoint's token cache within one poll interval.
  await expect.poll(async () => (await api.get("/api/v1/agent/bundle", { headers: { Authorization: `Bearer ${token}` } })).status(), { timeout: 10_000 }).toBe(401);
  await expectKept(/^charter-agent pull: failed: unauthorized: bundle: server refused the agent token \(HTTP 401/, ["--server", baseURL, "--trust", charterTrust]);
});
