import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { DEMO_OWNER_EMAIL } from "../../lib/seed";
import { E2E_PASSWORD } from "../../playwright.config";

export { DEMO_OWNER_EMAIL, E2E_PASSWORD };

export async function signIn(page: Page, password = E2E_PASSWORD, email = DEMO_OWNER_EMAIL) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Fails on any serious or critical accessibility violation of the current page. */
export async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}
