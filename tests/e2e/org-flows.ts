import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { signIn } from "./fixtures";

/** Unique per run: the browser tests may run against a database that earlier runs left behind. */
export const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
export const NEW_PASSWORD = "correct-horse-battery-staple";

/** As an owner on the settings page: invites `email` with `role` and returns the one-time link shown. */
export async function inviteViaUi(page: Page, org: string, email: string, role: string): Promise<string> {
  await page.goto(`/o/${org}/settings`);
  const invite = page.getByRole("region", { name: "Invite" });
  await invite.getByLabel("Email").fill(email);
  await invite.getByLabel("Role", { exact: true }).selectOption(role);
  await invite.getByRole("button", { name: "Invite", exact: true }).click();
  const link = invite.getByLabel("Invitation link");
  await expect(link).toHaveValue(/\/invite\/inv_/);
  return link.inputValue();
}

/** Opens an invitation link as a visitor without an account, creates the account and joins. */
export async function acceptWithNewAccount(page: Page, link: string, name: string, password = NEW_PASSWORD) {
  await page.goto(link);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Repeat password").fill(password);
  await page.getByRole("button", { name: "Create account and join" }).click();
  await expect(page.getByText("Your account is ready")).toBeVisible();
}

/** Invitee flow end to end: new context, join with a new account, sign in; returns the signed-in context. */
export async function joinAsNewUser(browser: Browser, link: string, email: string, org: string): Promise<BrowserContext> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await acceptWithNewAccount(page, link, email.split("@")[0]);
  await signIn(page, NEW_PASSWORD, email);
  await expect(page).toHaveURL(new RegExp(`/o/${org}/`));
  await page.close();
  return context;
}

/** As an owner: creates an API token with the given scopes and returns its one-time secret. */
export async function createTokenViaUi(page: Page, org: string, name: string, scopes: string[], expiry = "30 days"): Promise<string> {
  await page.goto(`/o/${org}/settings`);
  const section = page.getByRole("region", { name: "API tokens" });
  await section.getByLabel("Token name").fill(name);
  for (const scope of ["read", "write", "publish"]) {
    const box = section.getByRole("checkbox", { name: new RegExp(`^${scope}\\b`) });
    if (scopes.includes(scope)) await box.check();
    else await box.uncheck();
  }
  await section.getByLabel("Expires after").selectOption({ label: expiry });
  await section.getByRole("button", { name: "Create token" }).click();
  const secret = section.getByLabel(`Secret of token ${name}`);
  await expect(secret).toHaveValue(/^chr_/);
  return secret.inputValue();
}

/** Creates an organisation through /orgs/new; the creator lands on its settings as owner. */
export async function createOrgViaUi(page: Page, name: string, slug: string) {
  await page.goto("/orgs/new");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Address").fill(slug);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${slug}/settings$`));
}
