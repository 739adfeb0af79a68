import { expect, test } from "@playwright/test";
import { expectAccessible, signIn } from "./fixtures";

test("what agents will actually enforce: the draft as the system file, a cloud fragment on top, and the source of every value", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  await page.goto("/o/acme/requirements");
  await page.getByRole("link", { name: "What agents will actually enforce →" }).click();
  await expect(page.getByRole("heading", { name: "What agents will actually enforce" })).toBeVisible();

  const table = page.getByTestId("effective-table");
  const row = (key: string) => table.getByRole("row").filter({ has: page.getByRole("cell", { name: key, exact: true }) });
  await expect(row("allowed_sandbox_modes")).toContainText("/etc/codex/requirements.toml (this draft)");

  // A cloud fragment that pins sandbox modes and tries to set a local-only key.
  await page.getByRole("button", { name: "Add a layer" }).click();
  const editor = page.getByRole("textbox", { name: "cloud fragment 1 (TOML)" });
  await editor.click();
  await page.keyboard.insertText('allowed_sandbox_modes = ["read-only"]\nallowed_login_methods = ["chatgpt"]\n');
  await expect(row("allowed_sandbox_modes")).toContainText('["read-only"]');
  await expect(row("allowed_sandbox_modes")).toContainText("cloud fragment 1");
  await expect(row("allowed_approvals_reviewers")).toContainText("(this draft)");
  await expect(row("allowed_login_methods")).toHaveCount(0);
  await expect(page.getByText(/allowed_login_methods/).first()).toBeVisible();
  await expectAccessible(page);
});
