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

test("a pasted cloud config bundle adds its enterprise-managed fragments (first wins), leaves out what Codex does not apply, and shows the config under the requirements", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  await page.goto("/o/acme/requirements/effective");
  const bundle = {
    requirements_toml: {
      enterprise_managed: [
        { id: "req_1", name: "Base", contents: 'allowed_approval_policies = ["on-request"]' },
        { id: "req_2", name: "Older", contents: 'allowed_approval_policies = ["never"]' },
      ],
    },
    config_toml: {
      product_defaults: [{ id: "pd_1", name: "Defaults", contents: 'model = "gpt-5.4"' }],
      managed_layers: { baseline: [{ id: "base_1", name: "Baseline", contents: 'model = "gpt-5.4"' }], system_overlay: [] },
      enterprise_managed: [{ id: "cfg_1", name: "Org", contents: 'approval_policy = "never"\nmodel_verbosity = "high"' }],
    },
  };
  await page.getByTestId("cloud-bundle").fill(JSON.stringify(bundle));
  const table = page.getByTestId("effective-table");
  const row = (t: typeof table, key: string) => t.getByRole("row").filter({ has: page.getByRole("cell", { name: key, exact: true }) });
  await expect(row(table, "allowed_approval_policies")).toContainText('["on-request"]');
  await expect(row(table, "allowed_approval_policies")).toContainText("enterprise-managed requirements Base (req_1)");
  const config = page.getByTestId("effective-config-table");
  await expect(row(config, "model_verbosity")).toContainText("enterprise-managed (Org, cfg_1)");
  // Codex applies neither managed_layers nor product_defaults: no model, and a note for each.
  await expect(row(config, "model")).toHaveCount(0);
  await expect(page.getByTestId("cloud-bundle-notes")).toContainText("config_toml.managed_layers");
  await expect(page.getByTestId("cloud-bundle-notes")).toContainText("config_toml.product_defaults");
  await expect(row(config, "approval_policy")).toContainText('"on-request"');
  await expect(row(config, "approval_policy")).toContainText("does not allow");
  await page.getByTestId("cloud-bundle").fill("{not json");
  await expect(page.getByRole("alert").filter({ hasText: "not JSON" })).toBeVisible();
  await expectAccessible(page);
});
