import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { DEMO_OWNER_EMAIL, E2E_PASSWORD, expectAccessible, signIn } from "./fixtures";
import { OIDC_BUTTON } from "./oidc-settings";

const sessionCookie = async (context: BrowserContext) => (await context.cookies()).find((c) => c.name.endsWith("authjs.session-token"));

/** The real authorization-code flow: Charter's button, the provider's login page, its consent page, back to Charter. */
async function signInWithSso(page: Page, login: string) {
  await page.goto("/signin");
  await page.getByRole("button", { name: `Continue with ${OIDC_BUTTON}` }).click();
  // The provider's own pages (oidc-provider's built-in login and consent).
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/interaction\//);
  await page.getByPlaceholder("Enter any login").fill(login);
  await page.getByPlaceholder("and password").fill("provider-side-password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
}

test("the sign-in page offers single sign-on beside the password form", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByRole("button", { name: `Continue with ${OIDC_BUTTON}` })).toBeVisible();
  await expect(page.getByLabel("Password")).toBeVisible();
  await expectAccessible(page);
});

test("an existing user signs in through the identity provider and lands in their org with an httpOnly 8-hour session", async ({ page, context }) => {
  await signInWithSso(page, "owner@acme.example");
  await expect(page).toHaveURL(/\/o\/acme\/requirements$/);
  await expect(page.getByTestId("org-name")).toHaveText("Acme Corp");

  const cookie = await sessionCookie(context);
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");
  // Plain HTTP here, so no Secure flag and no __Secure- prefix (both follow TLS; unit-tested).
  expect(cookie?.secure).toBe(false);
  const hoursLeft = ((cookie?.expires ?? 0) * 1000 - Date.now()) / 3_600_000;
  expect(hoursLeft).toBeGreaterThan(7.9);
  expect(hoursLeft).toBeLessThanOrEqual(8.01);
});

test("a first-time user of an allowed domain is created on sign-in and sees that no org has added them yet", async ({ page, context }) => {
  await signInWithSso(page, "alice@acme.example");
  await expect(page.getByRole("heading", { name: "No organisation yet" })).toBeVisible();
  await expect(page.getByText("You are signed in as alice@acme.example")).toBeVisible();
  expect(await sessionCookie(context)).toBeDefined();
});

test("a user from a domain that is not allowed is refused with a clear message and gets no session", async ({ page, context }) => {
  await signInWithSso(page, "mallory@evil.example");
  await expect(page).toHaveURL(/\/signin\?error=DomainNotAllowed/);
  await expect(page.getByTestId("signin-error")).toHaveText(/^evil\.example is not an allowed domain for single sign-on\./);
  await expect(page.getByTestId("signin-error")).toHaveAttribute("role", "alert");
  expect(await sessionCookie(context)).toBeUndefined();
  await page.goto("/o/acme/requirements");
  await expect(page).toHaveURL(/\/signin/);
  await expectAccessible(page);
});

test("signing out ends a single sign-on session: the cookie is gone and the console asks for sign-in again", async ({ page, context }) => {
  await signInWithSso(page, "owner@acme.example");
  await expect(page).toHaveURL(/\/o\/acme\/requirements$/);
  const before = await sessionCookie(context);
  expect(before).toBeDefined();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  expect(await sessionCookie(context)).toBeUndefined();
  await page.goto("/o/acme/requirements");
  await expect(page).toHaveURL(/\/signin/);

  // Both ends of the session are in the org's audit log (read back with a fresh password session).
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const latest = async (action: string) => (await (await page.request.get(`/api/v1/orgs/acme/audit?action=${action}&limit=1`)).json()).events[0];
  expect(await latest("auth.signout")).toMatchObject({ action: "auth.signout", actor: { type: "user", label: DEMO_OWNER_EMAIL } });
  const signins = (await (await page.request.get("/api/v1/orgs/acme/audit?action=auth.signin&limit=2")).json()).events;
  expect(signins.map((e: { meta: { method: string } }) => e.meta.method)).toEqual(["local", "oidc"]);
});

test("cancelling at the identity provider comes back with an explanation and no session", async ({ page, context }) => {
  await page.goto("/signin");
  await page.getByRole("button", { name: `Continue with ${OIDC_BUTTON}` }).click();
  await page.getByRole("link", { name: /cancel/i }).click();
  await expect(page).toHaveURL(/\/signin\?error=/);
  await expect(page.getByTestId("signin-error")).toContainText("did not complete the sign-in");
  expect(await sessionCookie(context)).toBeUndefined();
});

test("a client cannot make the session cookie Secure by claiming X-Forwarded-Proto: https without a trusted proxy", async ({ request }) => {
  const spoofed = { "x-forwarded-proto": "https" };
  const { csrfToken } = await (await request.get("/api/auth/csrf", { headers: spoofed })).json();
  const response = await request.post("/api/auth/callback/credentials", {
    headers: spoofed,
    form: { csrfToken, email: DEMO_OWNER_EMAIL, password: E2E_PASSWORD, callbackUrl: "/" },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(302);
  const setCookie = response.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value);
  const session = setCookie.find((c) => /^(__Secure-)?authjs\.session-token=/.test(c));
  // The name and flags Auth.js would have chosen for https are absent; the rest of the policy holds.
  expect(session).toMatch(/^authjs\.session-token=/);
  expect(session).not.toMatch(/;\s*Secure/i);
  expect(session).toMatch(/;\s*HttpOnly/i);
  expect(session).toMatch(/;\s*SameSite=Lax/i);
  const expires = Date.parse(/;\s*Expires=([^;]+)/i.exec(session ?? "")?.[1] ?? "");
  expect((expires - Date.now()) / 3_600_000).toBeGreaterThan(7.9);
});
