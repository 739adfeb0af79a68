import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures";
import { RUN, createOrgViaUi } from "./org-flows";

// The editor checks the draft as each Codex version the org's fleet runs: every known version until hosts report
// theirs, or the versions an owner ticks in settings. 0.169.0 refuses the network set in both places; 0.171.0 loads it.
const ONLY_171 = 'allowed_approval_policies = ["on-request"]\n[network_proxy]\nhttp_port = 3128\n[permissions.network]\nhttp_port = 3128\n';

async function replaceToml(page: Page, text: string) {
  const editor = page.getByRole("textbox", { name: "requirements.toml", exact: true });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

async function chooseVersions(page: Page, org: string, versions: string[]) {
  await page.goto(`/o/${org}/settings`);
  const section = page.getByRole("region", { name: "Codex versions" });
  for (const v of ["0.169.0", "0.171.0"]) await section.getByLabel(`Codex ${v}`).setChecked(versions.includes(v));
  await section.getByRole("button", { name: "Save" }).click();
  await expect(section.getByRole("status")).toHaveText("Saved.");
}

test("the editor's verdict follows the Codex versions of the fleet, chosen in settings", async ({ page }) => {
  test.setTimeout(90_000);
  const ORG = `fleetver-${RUN}`;
  await signIn(page);
  await expect(page).toHaveURL(/\/o\//);
  await createOrgViaUi(page, `Fleet versions ${RUN}`, ORG);

  await page.goto(`/o/${ORG}/requirements`);
  await expect(page.getByTestId("fleet-versions")).toContainText("Checked as Codex 0.169.0, Codex 0.171.0: no host has reported its Codex version yet");
  await replaceToml(page, ONLY_171);
  await expect(page.getByTestId("version-verdicts")).toContainText("Codex 0.169.0: refuses (1 error)");
  await expect(page.getByTestId("version-verdicts")).toContainText("Codex 0.171.0: loads");

  await chooseVersions(page, ORG, ["0.171.0"]);
  await page.goto(`/o/${ORG}/requirements`);
  await expect(page.getByTestId("fleet-versions")).toContainText("Checked as Codex 0.171.0: the versions chosen in settings.");
  await replaceToml(page, ONLY_171);
  await expect(page.getByTestId("validation-summary")).toHaveText("Codex would load this file");
  await expect(page.getByTestId("diagnostics-0.169.0")).toHaveCount(0);
});
