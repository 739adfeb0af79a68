import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures";
import { RUN, createOrgViaUi } from "./org-flows";

// The editor says one consistent thing: a save notice disappears as soon as the text changes again, a draft Codex would
// refuse is saved with a warning and gets no verdict, a syntax error points at the line with the mistake; and a restore
// makes the draft equal the restored version after confirming that unpublished work will be replaced.

async function replaceToml(page: Page, text: string) {
  const editor = page.getByRole("textbox", { name: "requirements.toml", exact: true });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

for (const width of [1440, 390]) {
  test(`status, warnings and verdict agree with the text at ${width} px`, async ({ page }) => {
    test.setTimeout(90_000);
    page.on("dialog", (dialog) => void dialog.accept());
    await page.setViewportSize({ width, height: 900 });
    const ORG = `status-${width}-${RUN}`;
    await signIn(page);
    await expect(page).toHaveURL(/\/o\//);
    await createOrgViaUi(page, `Status ${width} ${RUN}`, ORG);
    await page.goto(`/o/${ORG}/requirements`);
    const status = page.getByTestId("draft-status");

    await replaceToml(page, 'allowed_sandbox_modes = ["read-only"]\n');
    await expect(status).toHaveText("Unsaved changes");
    await page.getByRole("button", { name: "Save draft" }).click();
    await expect(page.getByText("Saved as revision 1.")).toBeVisible();
    await expect(status).toHaveText("Saved · revision 1");
    // Typing again: the notice about revision 1 goes, the status says unsaved; never both at once.
    await page.keyboard.insertText("# more\n");
    await expect(status).toHaveText("Unsaved changes");
    await expect(page.getByText("Saved as revision 1.")).toHaveCount(0);

    // A file Codex would refuse: no verdict, and saving it warns.
    await replaceToml(page, 'allowed_sandbox_modes = ["workspace-write"]\n');
    await expect(page.getByTestId("validation-summary")).toContainText("Codex would refuse this file");
    await expect(page.getByTestId("verdict-badge")).toHaveText("NO VERDICT: Codex would refuse this file");
    await page.getByRole("button", { name: "Save draft" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Saved as revision 2, but Codex would refuse this file (1 error)" })).toBeVisible();

    // An array left open is reported on its own line, not on the next one.
    await replaceToml(page, 'allowed_sandbox_modes = ["read-only"\nallowed_web_search_modes = ["cached"]\n');
    await expect(page.getByTestId("diagnostics")).toContainText("1:37");
    await expect(page.getByTestId("diagnostics")).toContainText("TOML syntax error");
  });
}

for (const width of [1440, 390]) test(`restore makes the draft equal the restored version, after confirming that unpublished work is replaced, at ${width} px`, async ({ page }) => {
  test.setTimeout(90_000);
  page.on("dialog", (dialog) => void dialog.accept());
  await page.setViewportSize({ width, height: 900 });
  const ORG = `restore-${width}-${RUN}`;
  await signIn(page);
  await expect(page).toHaveURL(/\/o\//);
  await createOrgViaUi(page, `Restore ${RUN}`, ORG);
  const V1 = '# v1\nallowed_sandbox_modes = ["read-only"]\n';
  const V2 = '# v2\nallowed_sandbox_modes = ["read-only", "workspace-write"]\n';
  await page.goto(`/o/${ORG}/requirements`);
  for (const [text, note] of [[V1, "first"], [V2, "wider"]]) {
    await replaceToml(page, text);
    await page.getByRole("button", { name: "Save draft" }).click();
    await expect(page.getByTestId("draft-status")).toContainText("Saved · revision");
    await page.getByLabel("Note (required: why this change)").fill(note);
    await page.getByRole("button", { name: "Publish version" }).click();
    await expect(page.getByText(/^Published version \d\./)).toBeVisible();
  }
  // Unpublished work in the draft.
  await replaceToml(page, `${V2}allowed_web_search_modes = ["cached"]\n`);
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByTestId("draft-status")).toContainText("Saved · revision 3");

  await page.goto(`/o/${ORG}/versions/1`);
  await page.getByLabel("Why restore it?").fill("The widening was a mistake");
  await page.getByRole("button", { name: "Restore as new version" }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText("The draft has unpublished changes (revision 3)");
  await confirm.getByRole("button", { name: "Restore and replace the draft" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Restored version 1 as version 3." })).toContainText("The draft now equals version 1's text");

  const draft = (await (await page.request.get(`/api/v1/orgs/${ORG}/draft`)).json()) as { toml: string; revision: number };
  expect(draft.toml).toBe(V1);
  await page.goto(`/o/${ORG}/requirements`);
  await expect(page.getByTestId("draft-status")).toContainText("Saved · revision 4");
  await expect(page.getByRole("textbox", { name: "requirements.toml", exact: true })).toContainText("# v1");
});
