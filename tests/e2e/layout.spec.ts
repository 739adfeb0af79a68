import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures";
import { RUN, inviteViaUi, joinAsNewUser } from "./org-flows";

// The console on any screen: every page at 1440 px and 390 px, in the light and the dark theme (following the
// system), with axe-core at zero violations and nothing wider than the screen. Then the pieces that make it usable:
// the collapsible navigation, the skip link, arrow keys in tabs, branded not-found pages with a real 404, a favicon,
// print margins with page numbers, and an approver approving a change request on a phone.
const API = "/api/v1/orgs/acme";

async function axeViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
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

test("every page at 1440 px and 390 px, light and dark: zero axe violations, nothing wider than the screen", async ({ page }) => {
  test.setTimeout(600_000);
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const { a, cr } = await fixtures(page);
  const pages = [
    "/o/acme/requirements",
    "/o/acme/requirements/effective",
    "/o/acme/versions",
    `/o/acme/versions/${a}`,
    `/o/acme/versions/diff?from=0&to=${a}`,
    "/o/acme/changes",
    `/o/acme/changes/${cr}`,
    "/o/acme/sandbox",
    "/o/acme/agents",
    "/o/acme/audit",
    "/o/acme/settings",
    "/o/acme/reports/compliance",
    "/orgs/new",
    "/o/acme/changes/999",
  ];
  const problems: string[] = [];
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const path of pages) {
        await page.goto(path);
        await expect(page.locator("main h1").first()).toBeVisible();
        for (const v of await axeViolations(page)) problems.push(`${colorScheme} ${width}px ${path}: ${v}`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (wide > 0) problems.push(`${colorScheme} ${width}px ${path}: ${wide} px wider than the screen`);
      }
    }
  }
  expect(problems).toEqual([]);
});

test("the sign-in page is accessible in both themes at both widths", async ({ page }) => {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto("/signin");
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    }
  }
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

test("an approver approves a change request on a phone", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const { cr } = await fixtures(page);
  const email = `phone-approver-${RUN}@acme.example`;
  const link = await inviteViaUi(page, "acme", email, "approver");
  const context = await joinAsNewUser(browser, link, email, "acme");
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`/o/acme/changes/${cr}`);
  await expect(phone.getByTestId("verdict")).toContainText("REVIEW");
  await expect(phone.getByTestId("impact-toward-allow")).toBeVisible();
  await phone.getByLabel(/^Comment/).fill("Read the changed section; fine for the test org.");
  const approve = phone.getByRole("button", { name: "Approve" });
  await approve.scrollIntoViewIfNeeded();
  await approve.click();
  await expect(phone.getByTestId("approvals")).toContainText("Read the changed section");
  expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await context.close();
});
