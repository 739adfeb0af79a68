import { expect, test } from "@playwright/test";
import { DEMO_OWNER_EMAIL, expectAccessible, signIn } from "./fixtures";
import { RUN } from "./org-flows";

test("signed-out visitors of the console are sent to sign-in, and come back after it", async ({ page }) => {
  await page.goto("/o/acme/requirements");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fo%2Facme%2Frequirements$/);
  await expect(page.getByRole("heading", { name: "Sign in to Charter" })).toBeVisible();
  await expectAccessible(page);
});

test("a wrong password is refused with a clear message and no session", async ({ page, context }) => {
  await signIn(page, "not-the-password");
  await expect(page.getByText("Incorrect email or password.")).toHaveAttribute("role", "alert");
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByLabel("Email")).toHaveValue(DEMO_OWNER_EMAIL);
  expect((await context.cookies()).some((c) => c.name.includes("session-token"))).toBe(false);
  await page.goto("/o/acme/requirements");
  await expect(page).toHaveURL(/\/signin/);
});

test("the right password reaches the console shell with the org, the navigation and the highlighted draft", async ({ page, context }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\/requirements$/);
  await expect(page.getByTestId("org-name")).toHaveText("Acme Corp");
  const nav = page.getByRole("navigation", { name: "Console" });
  for (const area of ["Requirements", "Versions", "Sandbox", "Agents", "Audit", "Settings"]) {
    await expect(nav.getByRole("link", { name: area })).toBeVisible();
  }
  await expect(nav.getByRole("link", { name: "Requirements" })).toHaveAttribute("aria-current", "page");
  // The owner edits: the draft is in the TOML editor, highlighted, with the engine's verdict beside it.
  const draft = page.getByRole("textbox", { name: "requirements.toml", exact: true });
  await expect(draft).toContainText('allowed_approvals_reviewers = ["auto_review", "user"]');
  await expect(draft.locator("span", { hasText: "[features]" }).first()).toBeVisible();
  await expect(page.getByTestId("validation-summary")).toContainText("Codex would load this file");
  await expectAccessible(page);

  const cookie = (await context.cookies()).find((c) => c.name.endsWith("authjs.session-token"));
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");

  await nav.getByRole("link", { name: "Versions" }).click();
  await expect(page).toHaveURL(/\/o\/acme\/versions$/);
  await expect(page.getByRole("heading", { name: "Versions", level: 1 })).toBeVisible();
  await expect(page.getByText(/Every published requirements\.toml of Acme Corp/)).toBeVisible();
});

test("the landing page sends a signed-in user to their org", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\/requirements$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/o\/acme\/requirements$/);
});

test("an org the user does not belong to is a 404, not a leak", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\/requirements$/);
  const response = await page.goto("/o/globex/requirements");
  expect(response?.status()).toBe(404);
  await expect(page.getByText("Acme Corp")).toHaveCount(0);
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\/requirements$/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/o/acme/requirements");
  await expect(page).toHaveURL(/\/signin/);
});

test("a session cookie copied before sign-out no longer opens the console after it", async ({ page, context, browser }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\/requirements$/);
  const copied = (await context.cookies()).filter((c) => c.name.includes("authjs.session-token"));
  expect(copied.length).toBeGreaterThan(0);

  // While the session lives, the copy works in another browser.
  const thief = await browser.newContext();
  await thief.addCookies(copied);
  const stolen = await thief.newPage();
  await stolen.goto("/o/acme/requirements");
  await expect(stolen.getByTestId("org-name")).toHaveText("Acme Corp");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);

  // The copy still carries a valid, unexpired JWT, but its server-side session is gone.
  await stolen.goto("/o/acme/requirements");
  await expect(stolen).toHaveURL(/\/signin/);
  await expect(stolen.getByRole("heading", { name: "Sign in to Charter" })).toBeVisible();
  await thief.close();
});

test("after 10 failed sign-ins for an email the next attempt is refused with how long to wait", async ({ page }) => {
  // An unknown, unique email: unknown emails are throttled too, and no other test signs in with it.
  const email = `unknown@${RUN}.example`;
  for (let i = 0; i < 10; i++) {
    await signIn(page, `wrong-${i}`, email);
    await expect(page.getByText("Incorrect email or password.")).toBeVisible();
  }
  await signIn(page, "wrong-again", email);
  await expect(page.getByText(/^Too many failed sign-ins for this account\. Try again in 15 minutes\.$/)).toHaveAttribute("role", "alert");
  await expect(page).toHaveURL(/\/signin/);
  await expectAccessible(page);
});
