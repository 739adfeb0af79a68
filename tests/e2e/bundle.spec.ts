import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from "jose";
import { expectAccessible, signIn } from "./fixtures";
import { RUN } from "./org-flows";

// Signed bundles over real HTTP against `npm start`: the owner publishes through the admin API (session cookie),
// creates an agent token in the console, and a host fetches, revalidates and is cut off when the token is revoked.
const API = "/api/v1/orgs/acme";

async function draft(api: APIRequestContext) {
  const res = await api.get(`${API}/draft`);
  expect(res.status()).toBe(200);
  return { etag: res.headers()["etag"], toml: ((await res.json()) as { toml: string }).toml };
}

test("publish → agent token from the console → 200 with ETag → 304 → JWKS verifies → fleet shows the host → revoked token 401 within seconds", async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const api = page.request;

  // Publish a version of our own (a unique comment makes the text new whatever the server's history).
  const original = await draft(api);
  const text = `# bundle e2e ${RUN}\nallowed_sandbox_modes = ["read-only"]\nallowed_approvals_reviewers = ["user"]\n`;
  const put = await api.put(`${API}/draft`, { data: text, headers: { "Content-Type": "text/plain", "If-Match": original.etag } });
  expect(put.status()).toBe(200);
  const published = await api.post(`${API}/publish`, { data: { note: `bundle e2e ${RUN}` } });
  expect(published.status()).toBe(201);
  const version = ((await published.json()) as { number: number }).number;

  // An agent token, made the way an admin makes one.
  const name = `laptop-${RUN}`;
  await page.goto("/o/acme/agents");
  await page.getByLabel("Host or token name").fill(name);
  await page.getByLabel("Group (optional)").fill("e2e");
  await page.getByRole("button", { name: "Create agent token" }).click();
  const secretField = page.getByLabel(`Secret of agent token ${name}`);
  await expect(secretField).toHaveValue(/^cha_[\w-]{43}$/);
  const secret = await secretField.inputValue();

  const host = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${secret}`, "User-Agent": "charter-pull/e2e", "X-Charter-Installed-Version": String(version) } });
  try {
    // The publish is served (within about a second; the poll interval is 500 ms): wait for that, not for a time.
    await expect.poll(async () => (await host.get("/api/v1/agent/bundle")).headers()["x-charter-version"]).toBe(String(version));
    const res = await host.get("/api/v1/agent/bundle");
    expect(res.status()).toBe(200);
    const etag = res.headers()["etag"];
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(res.headers()["content-type"]).toBe("application/jose");
    expect(res.headers()["cache-control"]).toBe("public, no-cache");
    expect(res.headers()["vary"]).toMatch(/\bAuthorization\b/); // Next.js adds its own entries
    const jws = await res.text();

    // The JWKS (both addresses) serves the key that signed it, and the signature verifies with it.
    const kid = decodeProtectedHeader(jws).kid;
    for (const path of [`${API}/keys`, "/.well-known/jwks.json?org=acme"]) {
      const keys = await page.request.get(path);
      expect(keys.status()).toBe(200);
      const jwks = (await keys.json()) as JSONWebKeySet;
      expect(jwks.keys.map((k) => k.kid)).toContain(kid);
      expect(JSON.stringify(jwks)).not.toContain('"d"');
      const { payload } = await compactVerify(jws, createLocalJWKSet(jwks));
      expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ format: 1, org: "acme", version, requirementsToml: text });
    }

    const revalidated = await host.get("/api/v1/agent/bundle", { headers: { "If-None-Match": etag } });
    expect(revalidated.status()).toBe(304);
    expect(revalidated.headers()["etag"]).toBe(etag);
    expect(await revalidated.body()).toHaveLength(0);

    // The bundle fetch counts as the host's check-in once the buffer is flushed (every second): a host that only
    // fetches the bundle is current when it says it installed the current version.
    const hostRow = page.getByTestId(`host-${name}`);
    await expect(async () => {
      await page.reload();
      await expect(hostRow.locator("[data-state]")).toHaveText("current", { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await expect(hostRow).toContainText(String(version));
    await expectAccessible(page);
    const row = page.getByTestId(`agent-${name}`);

    // Revoked in the console → refused within seconds.
    await row.getByRole("button", { name: `Revoke agent token ${name}` }).click();
    await row.getByRole("button", { name: "Confirm revoke" }).click();
    await expect(row).toContainText("revoked");
    // Within seconds: revocations reach the endpoint's token cache through its freshness poll.
    await expect.poll(async () => (await host.get("/api/v1/agent/bundle")).status(), { timeout: 5_000 }).toBe(401);

    // Owners see the active key in settings.
    await page.goto("/o/acme/settings");
    const keys = page.getByRole("region", { name: "Signing keys" });
    await expect(keys.getByTestId("key-active")).toContainText(kid!.slice(0, 16));
  } finally {
    await host.dispose();
    const now = await draft(api);
    if (now.toml !== original.toml) await api.put(`${API}/draft`, { data: original.toml, headers: { "Content-Type": "text/plain", "If-Match": now.etag } });
  }
});

test("the bundle endpoint refuses a session, an admin token or no token with 401 JSON, and the JWKS of an unknown org is 404", async ({ page, request }) => {
  const none = await request.get("/api/v1/agent/bundle");
  expect(none.status()).toBe(401);
  expect((await none.json()).error.code).toBe("unauthenticated");
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  expect((await page.request.get("/api/v1/agent/bundle")).status()).toBe(401);
  expect((await request.get("/api/v1/agent/bundle", { headers: { Authorization: "Bearer chr_not-an-agent-token" } })).status()).toBe(401);
  expect((await request.get("/api/v1/orgs/no-such-org-here/keys")).status()).toBe(404);
  expect((await request.get("/.well-known/jwks.json")).status()).toBe(404);
});
