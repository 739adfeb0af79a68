import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import type { JSONWebKeySet } from "jose";
import { keyFingerprint, type JWK } from "../../lib/bundles/verify";
import { expectAccessible, signIn } from "./fixtures";
import { RUN } from "./org-flows";

// The fleet over real HTTP against `npm start`: an admin creates an enrolment secret on the Agents page, hosts enrol
// and check in through the real endpoints (as charter-agent does), and the page shows every state they are in, with
// counts, filters, the adoption chart and each host's history. The server runs with CHARTER_FLEET_SILENT_HOURS small
// enough (playwright.config.ts) that a host turns silent during the test.
const API = "/api/v1/orgs/acme";
const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);

async function publish(api: APIRequestContext): Promise<number> {
  const draft = await api.get(`${API}/draft`);
  const etag = draft.headers()["etag"];
  const text = `# fleet e2e ${RUN}\nallowed_sandbox_modes = ["read-only"]\nallowed_approvals_reviewers = ["user"]\n`;
  const saved = await api.put(`${API}/draft`, { data: text, headers: { "Content-Type": "text/plain", "If-Match": etag } });
  expect(saved.status()).toBe(200);
  const published = await api.post(`${API}/publish`, { data: { note: `fleet e2e ${RUN}` } });
  expect(published.status()).toBe(201);
  // Put the draft back: later specs (signin) read the seeded draft in the editor.
  const original = ((await draft.json()) as { toml: string }).toml;
  expect((await api.put(`${API}/draft`, { data: original, headers: { "Content-Type": "text/plain", "If-Match": saved.headers()["etag"] } })).status()).toBe(200);
  return ((await published.json()) as { number: number }).number;
}

test("enrol hosts with a secret from the Agents page; the page shows current, behind, failed, drifted, never checked in and silent hosts", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const version = await publish(page.request);

  // An enrolment secret for any number of hosts, bound to a group; the page shows it once, inside a complete command.
  await page.goto("/o/acme/agents");
  await page.getByLabel("Secret name").fill(`fleet ${RUN}`);
  await page.getByLabel("Bind to group").fill(`e2e-${RUN}`);
  await page.getByLabel("How many hosts").selectOption("unlimited");
  await page.getByRole("button", { name: "Create enrolment secret" }).click();
  const secret = await page.getByTestId("enroll-secret").inputValue();
  expect(secret).toMatch(/^che_[\w-]{43}$/);
  const jwks = (await (await page.request.get(`${API}/keys`)).json()) as JSONWebKeySet;
  const fingerprints = jwks.keys.map((k) => keyFingerprint(k as JWK));
  await expect(page.getByTestId("key-fingerprint")).toHaveValue(fingerprints.join(","));
  await expect(page.getByTestId("jwks-url")).toHaveValue(`${baseURL}${API}/keys`);
  await expect(page.getByTestId("enroll-command")).toHaveValue(`charter-agent enroll --server ${baseURL} --org acme --trust-fingerprint ${fingerprints.join(",")} --secret ${secret}`);
  await page.getByRole("button", { name: "I have copied it" }).click();
  await expect(page.getByTestId(`enrollment-fleet ${RUN}`)).toContainText("active");

  const http = await playwrightRequest.newContext({ baseURL });
  const host = (state: string) => `${state}-${RUN}`;
  try {
    const tokens: Record<string, string> = {};
    for (const state of ["silent", "current", "behind", "failed", "drifted", "never"]) {
      const res = await http.post("/api/v1/agent/enroll", {
        data: { org: "acme", secret, host: { hostname: host(state), os: state === "failed" ? "darwin" : "linux", arch: "x64", agentVersion: "0.2.0", codexVersion: "0.169.0" } },
      });
      expect(res.status()).toBe(201);
      const body = (await res.json()) as { token: string; org: string; group: string };
      expect(body).toMatchObject({ org: "acme", group: `e2e-${RUN}` });
      tokens[state] = body.token;
    }
    const checkIn = async (state: string, report: Record<string, unknown>) => {
      const res = await http.post("/api/v1/agent/checkin", {
        headers: { Authorization: `Bearer ${tokens[state]}`, "User-Agent": "charter-agent/0.2.0" },
        data: {
          hostname: host(state), os: state === "failed" ? "darwin" : "linux", arch: "x64", agentVersion: "0.2.0", codexVersion: "0.169.0",
          state: "current", installedVersion: version, installedSha256: SHA_A, diskSha256: SHA_A, lastCheckAt: new Date().toISOString(), lastError: null, events: [],
          ...report,
        },
      });
      expect(res.status()).toBe(200);
      expect(((await res.json()) as { pollIntervalSeconds: number }).pollIntervalSeconds).toBeGreaterThanOrEqual(30);
    };
    await checkIn("silent", {});
    await checkIn("current", { events: [{ at: new Date().toISOString(), state: "installed", version }] });
    await checkIn("behind", { state: "pending", installedVersion: null, installedSha256: null, diskSha256: null });
    await checkIn("failed", {
      state: "failed",
      lastError: "codex refused: unknown variant `bogus`",
      events: [{ at: new Date().toISOString(), state: "codex_refused", version, reason: "unknown variant `bogus`" }, { at: new Date().toISOString(), state: "rolled_back" }],
    });
    await checkIn("drifted", { diskSha256: SHA_B });

    await page.reload();
    const badge = (state: string) => page.getByTestId(`host-${host(state)}`).locator("[data-state]");
    for (const state of ["current", "behind", "failed", "drifted"]) await expect(badge(state)).toHaveText(state);
    await expect(badge("never")).toHaveText("never checked in");
    await expect(page.getByTestId(`host-${host("failed")}`)).toContainText("codex refused: unknown variant `bogus`");
    for (const state of ["current", "behind", "failed", "drifted", "never"]) expect(Number(await page.getByTestId(`count-${state}`).textContent())).toBeGreaterThanOrEqual(1);
    await expect(page.getByTestId("adoption-chart")).toContainText(`v${version} (current)`);
    await expectAccessible(page);

    // Filters: by state (the count links), by OS, by hostname.
    await page.getByRole("navigation", { name: "Hosts per state" }).getByRole("link", { name: /^failed/ }).click();
    await expect(page).toHaveURL(/state=failed/);
    await expect(page.getByTestId(`host-${host("failed")}`)).toBeVisible();
    await expect(page.getByTestId(`host-${host("current")}`)).toHaveCount(0);
    await page.goto(`/o/acme/agents?group=e2e-${RUN}&os=darwin`);
    await expect(page.getByRole("table", { name: "Hosts" }).getByRole("row")).toHaveCount(2); // header + the darwin host
    await page.goto("/o/acme/agents");
    await page.getByLabel("Hostname").fill(`drifted-${RUN}`);
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page.getByRole("table", { name: "Hosts" }).getByRole("row")).toHaveCount(2);

    // The host detail page: its last report and history (the agent's own events included).
    await page.goto(`/o/acme/agents?q=failed-${RUN}`);
    await page.getByRole("link", { name: host("failed") }).click();
    await expect(page.getByRole("heading", { name: host("failed") })).toBeVisible();
    await expect(page.getByTestId("host-facts")).toContainText("codex refused: unknown variant `bogus`");
    await expect(page.getByTestId("history-row")).toHaveCount(3);
    await expect(page.getByRole("table", { name: "Check-in history" })).toContainText("codex_refused");
    await expectAccessible(page);

    // Silent: the host that checked in first stops calling; past the silent window it shows as silent, not current.
    await page.goto(`/o/acme/agents?q=silent-${RUN}`);
    await expect(async () => {
      await page.reload();
      await expect(badge("silent")).toHaveText("silent", { timeout: 1_000 });
    }).toPass({ timeout: 60_000 });
    // A host that never called is "never checked in", not silent, however long it has been.
    await page.goto(`/o/acme/agents?q=never-${RUN}`);
    await expect(badge("never")).toHaveText("never checked in");
  } finally {
    await http.dispose();
  }
});

test("enrolment and check-in refuse bad secrets, tokens and bodies with one clear error", async ({ request }) => {
  const enroll = await request.post("/api/v1/agent/enroll", { data: { org: "acme", secret: "che_" + "x".repeat(43), host: { hostname: "h", os: "linux", arch: "x64", agentVersion: "1", codexVersion: null } } });
  expect(enroll.status()).toBe(401);
  expect((await enroll.json()).error.code).toBe("unauthenticated");
  const bad = await request.post("/api/v1/agent/enroll", { data: { org: "acme" } });
  expect(bad.status()).toBe(422);
  const noToken = await request.post("/api/v1/agent/checkin", { data: {} });
  expect(noToken.status()).toBe(401);
  const big = await request.post("/api/v1/agent/checkin", { headers: { Authorization: "Bearer cha_x", "Content-Type": "application/json" }, data: "x".repeat(70_000) });
  expect(big.status()).toBe(413);
  expect((await big.json()).error.code).toBe("payload_too_large");
});
