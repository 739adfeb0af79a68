import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { DecisionRelay } from "../../packages/agent/src/relay";
import { RUNS } from "../support/codex-telemetry";
import { collectDecisions, createContractorsGroup, publishToCanaryRing, replayPastedPolicy, saveBase, sendThroughRelay } from "./console-steps";
import { signIn } from "./fixtures";
import { RUN, createOrgViaUi, inviteViaUi, joinAsNewUser } from "./org-flows";

// The console on any screen: every page at 1440 px and 390 px, in the light and the dark theme (following the
// system), with axe-core at zero violations, and nothing wider than the screen down to 360 px. Then the pieces that make it usable:
// the collapsible navigation, the skip link, arrow keys in tabs, branded not-found pages with a real 404, a favicon,
// print margins with page numbers, and an approver approving a change request on a phone.
const API = "/api/v1/orgs/acme";

/** axe-core's findings; `colours` runs only its colour rules (for the second theme of a page: the themes differ in colour only). */
async function axeViolations(page: Page, colours = false): Promise<string[]> {
  const axe = new AxeBuilder({ page });
  const { violations } = await (colours ? axe.withRules(["color-contrast", "link-in-text-block"]) : axe).analyze();
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * How far the page is wider than the screen, naming the innermost elements that stick out (so a failure says what to
 * fix), or null when it fits.
 */
async function overflow(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const wide = document.documentElement.scrollWidth - window.innerWidth;
    if (wide <= 0) return null;
    const clipped = (el: Element) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== "visible") return true;
      return false;
    };
    const out = (el: Element) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !clipped(el);
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.getAttribute("data-testid") ? `[data-testid=${el.getAttribute("data-testid")}]` : ""}.${[...el.classList].slice(0, 4).join(".")}`;
    const innermost = [...document.body.querySelectorAll("*")].filter((el) => out(el) && ![...el.children].some(out));
    return `${wide} px wider than the screen: ${innermost.slice(0, 3).map(name).join(", ")}`;
  });
}

/** Sets up what the pages show: two versions, an open change request with a changed policy text, a sandbox run. */
async function fixtures(page: Page) {
  const api = page.request;
  const draft = await api.get(`${API}/draft`);
  const original = (await draft.json()).toml as string;
  let etag = draft.headers()["etag"];
  const put = async (toml: string) => {
    const res = await api.put(`${API}/draft`, { data: toml, headers: { "Content-Type": "text/plain", "If-Match": etag } });
    expect(res.status()).toBe(200);
    etag = res.headers()["etag"];
  };
  const tag = `# layout ${RUN}`;
  await put(`${tag}\nallowed_sandbox_modes = ["read-only"]\nguardian_policy_config = """\n## Always deny\n- Force-pushing to main.\n"""\n`);
  const a = (await (await api.post(`${API}/publish`, { data: { note: "Layout baseline" } })).json()).number as number;
  await put(`${tag}\nallowed_sandbox_modes = ["read-only"]\nguardian_policy_config = """\n## Allow anything the agent asks, including force-pushing to main\n- Force-pushing to main.\n"""\n`);
  const cr = (await (await api.post(`${API}/changes`, { data: { title: `Layout ${RUN}`, note: "looser" } })).json()).number as number;
  await put(original);
  return { a, cr };
}

/**
 * The pages that need an organisation's fleet, groups, rollouts and decisions, in an organisation of their own (a
 * rollout blocks other publishes; collecting decisions changes the draft): one host checked in, one group, a rollout
 * in rings, real Codex decisions through the host relay and a replay of them. Returns the page paths.
 */
async function fleetPages(page: Page, baseURL: string): Promise<string[]> {
  const org = `layout-${RUN}`;
  const api = `/api/v1/orgs/${org}`;
  await createOrgViaUi(page, `Layout ${RUN}`, org);
  const base = `allowed_approval_policies = ["on-request", "never"]\nallowed_sandbox_modes = ["read-only", "workspace-write"]\n`;
  await saveBase(page, org, base, "layout base");

  // A host that checked in (its token is the one the decision relay uploads with).
  const tokenRes = await page.request.post(`${api}/agent-tokens`, { data: { name: "layout-host" } });
  expect(tokenRes.status()).toBe(201);
  const token = (await tokenRes.json()).secret as string;
  const checkin = await page.request.post("/api/v1/agent/checkin", {
    headers: { Authorization: `Bearer ${token}`, "User-Agent": "charter-agent/0.2.0" },
    data: { hostname: "layout-host", os: "linux", arch: "x64", agentVersion: "0.2.0", codexVersion: "0.171.0", state: "pending", installedVersion: null, installedSha256: null, diskSha256: null, lastCheckAt: new Date().toISOString(), lastError: null, events: [] },
  });
  expect(checkin.status()).toBe(200);
  await page.goto(`/o/${org}/agents`);
  const host = (await page.getByTestId("host-layout-host").getByRole("link").first().getAttribute("href"))!;

  // A group.
  await page.goto(`/o/${org}/groups`);
  await createContractorsGroup(page, org);

  // Decisions: collection on, real Codex output through the relay, one replay.
  await collectDecisions(page, org);
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "charter-e2e-layout-relay-"));
  const relay = new DecisionRelay({ server: new URL(baseURL), token, org, stateDir, log: () => {} }, { port: 0, tickMs: 500, spool: { segmentMs: 0 } });
  try {
    await relay.start();
    await sendThroughRelay(relay.port, RUNS.filter((r) => r !== "0.171.0-min"));
    await expect.poll(() => relay.status().uploaded, { timeout: 15_000 }).toBe(3);
  } finally {
    await relay.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
  const day = `/o/${org}/decisions?from=2026-11-27T00%3A00&to=2026-11-28T00%3A00`;
  await page.goto(day);
  const decision = (await page.getByRole("table", { name: "Decisions" }).getByRole("link").first().getAttribute("href"))!;
  await replayPastedPolicy(page, "Never approve routine work that asks to run outside the sandbox.");
  await expect(page.getByRole("status")).toContainText("real decisions replayed", { timeout: 20_000 });
  const replayPath = new URL(page.url()).pathname;

  // A rollout in rings (last: it blocks other publishes of this organisation).
  await saveBase(page, org, `${base}enforce_residency = "us"\n`);
  await page.goto(`/o/${org}/rollouts`);
  await publishToCanaryRing(page, org, 2);

  return [host, `/o/${org}/groups`, `/o/${org}/groups/contractors`, `/o/${org}/rollouts`, `/o/${org}/rollouts/2`, day, decision, replayPath];
}

test("every page at 1440 px and 390 px, light and dark: zero axe violations; nothing wider than the screen down to 360 px", async ({ page, baseURL }) => {
  test.setTimeout(900_000);
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const { a, cr } = await fixtures(page);
  await page.goto(`/o/acme/changes/${cr}`);
  const compare = (await page.getByRole("link", { name: "Compare current → proposed, sample by sample" }).getAttribute("href"))!;
  const run = `/o/acme/sandbox/runs/${new URL(compare, baseURL).searchParams.get("a")}`;
  const pages = [
    "/o/acme/requirements",
    "/o/acme/requirements/effective",
    "/o/acme/versions",
    `/o/acme/versions/${a}`,
    `/o/acme/versions/diff?from=0&to=${a}`,
    "/o/acme/changes",
    `/o/acme/changes/${cr}`,
    "/o/acme/sandbox",
    compare,
    run,
    "/o/acme/agents",
    "/o/acme/audit",
    "/o/acme/settings",
    "/o/acme/reports/compliance",
    "/orgs/new",
    "/o/acme/changes/999",
    ...(await fleetPages(page, baseURL!)),
  ];
  const problems: string[] = [];
  const check = async (path: string, colorScheme: "light" | "dark", width: number, axe: "all" | "colours" | null) => {
    await page.emulateMedia({ colorScheme });
    if (axe) for (const v of await axeViolations(page, axe === "colours")) problems.push(`${colorScheme} ${width}px ${path}: ${v}`);
    const wide = await overflow(page);
    if (wide) problems.push(`${colorScheme} ${width}px ${path}: ${wide}`);
  };
  // Each page is loaded once per width of the issue, and checked there in both themes (the theme follows the system
  // live: every axe rule in the light theme, its colour rules in the dark one); on a phone it is then narrowed to
  // 360 px, the narrowest phone, where only the width is checked.
  for (const width of [390, 1440]) {
    for (const path of pages) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(path);
      await expect(page.locator("main h1").first()).toBeVisible();
      await check(path, "light", width, "all");
      await check(path, "dark", width, "colours");
      if (width !== 390) continue;
      await page.setViewportSize({ width: 360, height: 900 });
      await check(path, "dark", 360, null);
      await check(path, "light", 360, null);
    }
  }
  expect(problems).toEqual([]);
});

test("the sign-in and invitation pages are accessible in both themes at both widths", async ({ page, browser }) => {
  test.setTimeout(120_000); // 12 page loads, 8 of them with axe
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const invitation = await inviteViaUi(page, "acme", `layout-invitee-${RUN}@acme.example`, "viewer");
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  for (const colorScheme of ["light", "dark"] as const) {
    await visitor.emulateMedia({ colorScheme });
    for (const width of [1440, 390, 360]) {
      await visitor.setViewportSize({ width, height: 900 });
      for (const path of ["/signin", invitation]) {
        await visitor.goto(path);
        await expect(visitor.locator("h1").first()).toBeVisible();
        if (width !== 360) expect(await axeViolations(visitor), `${colorScheme} ${width}px ${path}`).toEqual([]);
        expect(await visitor.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), `${colorScheme} ${width}px ${path}`).toBeLessThanOrEqual(0);
      }
    }
  }
  await visitorContext.close();
});

test("dark mode follows the system", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/o/acme/versions");
  expect(await background()).toBe("rgb(255, 255, 255)");
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await background()).not.toBe("rgb(255, 255, 255)");
});

test("at 390 px the navigation folds into a Menu button; following a link closes it", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  await page.goto("/o/acme/requirements");
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav).toBeHidden();
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await nav.getByRole("link", { name: "Versions" }).click();
  await expect(page).toHaveURL(/\/o\/acme\/versions$/);
  await expect(nav).toBeHidden();
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(nav).toBeVisible();
  await expect(menu).toBeHidden();
});

test("a skip link leads past the navigation; editor tabs follow the arrow keys", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  await page.goto("/o/acme/requirements");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();

  const common = page.getByRole("tab", { name: "Common keys" });
  await common.focus();
  await page.keyboard.press("ArrowRight");
  const policy = page.getByRole("tab", { name: "Auto-review policy" });
  await expect(policy).toBeFocused();
  await expect(policy).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("End");
  await expect(page.getByRole("tab", { name: "Reviewer prompt" })).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowRight");
  await expect(common).toBeFocused();
  await expect(common).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByRole("tab", { name: "Reviewer prompt" })).toBeFocused();
  await page.keyboard.press("Home");
  await expect(common).toHaveAttribute("aria-selected", "true");
  // Only the selected tab is in the tab order.
  await expect(common).toHaveAttribute("tabindex", "0");
  await expect(policy).toHaveAttribute("tabindex", "-1");
});

test("unknown pages are a branded not-found with a real 404; the favicon is served", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  for (const path of ["/o/acme/changes/999", "/o/acme/sandbox/runs/xyz", "/o/acme/nonsense", "/o/acme/versions/12345", "/nonsense"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByText("Charter · 404")).toBeVisible();
  }
  const missing: string[] = [];
  page.on("response", (r) => {
    if (r.status() === 404) missing.push(r.url());
  });
  await page.goto("/o/acme/requirements");
  await expect(page.getByTestId("draft-status")).toBeVisible();
  const icon = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(icon).toBeTruthy();
  expect((await page.request.get(icon!)).status()).toBe(200);
  expect(missing).toEqual([]);
});

test("the signing-key fingerprint is shown in full with a copy button", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  await fixtures(page); // publishes, so the org has a signing key
  await page.goto("/o/acme/settings");
  const fingerprint = page.getByTestId("key-fingerprint").first();
  const kid = (await fingerprint.textContent()) ?? "";
  expect(kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await page.getByRole("button", { name: `Copy the fingerprint of key ${kid.slice(0, 8)}` }).first().click();
  await expect(page.getByText("Copied").first()).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(kid);
});

test("the compliance report prints with page margins and page numbers, without the navigation", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  await page.goto("/o/acme/reports/compliance");
  const rules = await page.evaluate(() =>
    [...document.styleSheets].flatMap((s) => {
      try {
        return [...s.cssRules].map((r) => r.cssText);
      } catch {
        return [];
      }
    }),
  );
  const pageRule = rules.find((r) => r.startsWith("@page"));
  expect(pageRule).toMatch(/margin/);
  expect(pageRule).toMatch(/counter\(page\)/);
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Console" })).toBeHidden();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
});

test("an approver approves a change request on a phone (390 px, then approving at 360 px)", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const { cr } = await fixtures(page);
  const email = `phone-approver-${RUN}@acme.example`;
  const link = await inviteViaUi(page, "acme", email, "approver");
  const context = await joinAsNewUser(browser, link, email, "acme");
  const phone = await context.newPage();
  const fits = () => phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const approve = phone.getByRole("button", { name: "Approve" });
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`/o/acme/changes/${cr}`);
  await expect(phone.getByTestId("verdict")).toContainText("REVIEW");
  await expect(phone.getByTestId("impact-toward-allow")).toBeVisible();
  await approve.scrollIntoViewIfNeeded();
  await expect(approve).toBeInViewport();
  expect(await fits()).toBeLessThanOrEqual(0);
  await phone.setViewportSize({ width: 360, height: 740 });
  await phone.reload();
  await phone.getByLabel(/^Comment/).fill("Read the changed section; fine for the test org.");
  await approve.scrollIntoViewIfNeeded();
  await expect(approve).toBeInViewport();
  await approve.click();
  await expect(phone.getByTestId("approvals")).toContainText("Read the changed section");
  expect(await fits()).toBeLessThanOrEqual(0);
  await context.close();
});

for (const width of [1440, 390]) {
  test(`the issue's screens at ${width} px: host setup commands, never checked in, verdict with impact, compare with swap, the baseline abstaining`, async ({ page, context, baseURL }) => {
    test.setTimeout(180_000);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.setViewportSize({ width, height: 900 });
    await signIn(page);
    await expect(page).toHaveURL(/\/o\/acme\//);
    const { cr } = await fixtures(page);
    const wide = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

    // Host setup: fingerprint, JWKS URL and a complete `charter pull` command, each copied whole.
    const host = `never-${width}-${RUN}`;
    expect((await page.request.post(`${API}/agent-tokens`, { data: { name: host } })).status()).toBe(201);
    await page.goto("/o/acme/agents");
    const fingerprint = await page.getByTestId("key-fingerprint").inputValue();
    expect(fingerprint).toMatch(/^[A-Za-z0-9_-]{43}/);
    await expect(page.getByTestId("jwks-url")).toHaveValue(`${baseURL}${API}/keys`);
    await expect(page.getByTestId("pull-command")).toHaveValue(`charter pull --server ${baseURL} --org acme --trust-fingerprint ${fingerprint}`);
    await page.getByTestId("pull-command").locator("..").getByRole("button", { name: "Copy" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await page.getByTestId("pull-command").inputValue());
    // A token that never checked in is "never checked in", not silent.
    await expect(page.getByTestId(`host-${host}`).locator("[data-state]")).toHaveText("never checked in");
    expect(await wide()).toBeLessThanOrEqual(0);

    // The change request: REVIEW for the loosened policy text, and the impact evidence before approving.
    await page.goto(`/o/acme/changes/${cr}`);
    await expect(page.getByTestId("verdict")).toContainText("REVIEW");
    await expect(page.getByTestId("impact-toward-allow")).toBeVisible();
    expect(await wide()).toBeLessThanOrEqual(0);

    // Compare reads current → proposed; swap turns it round, the filter keeps changed decisions only.
    await page.getByRole("link", { name: "Compare current → proposed, sample by sample" }).click();
    await expect(page).toHaveURL(/\/sandbox\/compare\?a=\w+&b=\w+$/);
    const [a, b] = ["a", "b"].map((k) => new URL(page.url()).searchParams.get(k)!);
    await page.getByTestId("compare-swap").click();
    await expect(page).toHaveURL(new RegExp(`/sandbox/compare\\?a=${b}&b=${a}`));
    await page.getByTestId("compare-filter").click();
    await expect(page).toHaveURL(/only=changed/);
    await expect(page.locator('[data-testid^="compare-"][data-change="same"]')).toHaveCount(0);
    expect(await wide()).toBeLessThanOrEqual(0);

    // The baseline reviewer abstains where the policy needs judgement, and the run page says so.
    await page.goto(`/o/acme/sandbox/runs/${b}`);
    await expect(page.getByTestId("run-reviewer")).toHaveText("Baseline (built-in rules, no model)");
    await expect(page.getByTestId("run-counts")).toContainText("needs a model");
    await page.getByLabel(/^Only mismatches/).check();
    await expect(page.locator('[data-testid^="result-"][data-mismatch="false"]')).toHaveCount(0);
    expect(await wide()).toBeLessThanOrEqual(0);
  });
}
