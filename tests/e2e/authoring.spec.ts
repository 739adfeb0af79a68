import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, signIn } from "./fixtures";
import { RUN, createOrgViaUi, inviteViaUi, joinAsNewUser } from "./org-flows";

// The console's main room, end to end, in an org of its own: edit → an invalid value shown in place → fix → change
// request → approval by a second user → publish → diff → restore; and a concurrent edit that meets the conflict view.

const ORG = `authoring-${RUN}`;

/** Replaces the whole TOML editor text by typing, as a person would. */
async function replaceToml(page: Page, text: string) {
  const editor = page.getByRole("textbox", { name: "requirements.toml", exact: true });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

async function setApprovals(page: Page, n: number) {
  await page.goto(`/o/${ORG}/settings`);
  await page.getByLabel("Approvals required to publish").fill(String(n));
  await page.getByRole("region", { name: "Publishing" }).getByRole("button", { name: "Save" }).click();
  await expect(page.getByText(/^(Saved\.|Nothing changed\.)$/)).toBeVisible();
}

test("an admin edits, sees an invalid value in place, fixes it, gets approval from a colleague, publishes, diffs and restores", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page);
  await expect(page).toHaveURL(/\/o\//);
  await createOrgViaUi(page, `Authoring ${RUN}`, ORG);

  // Baseline version 1, published directly (no approvals required yet).
  await page.goto(`/o/${ORG}/requirements`);
  await replaceToml(page, '# Baseline\nallowed_sandbox_modes = ["read-only"]\nallowed_approvals_reviewers = ["user"]\n');
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByTestId("draft-status")).toContainText("Saved · revision 1");
  await page.getByLabel("Note (required: why this change)").fill("Baseline: read-only, human review");
  await page.getByRole("button", { name: "Publish version" }).click();
  await expect(page.getByText("Published version 1.")).toBeVisible();

  await setApprovals(page, 1);

  // An invalid value: Codex refuses sandbox modes without read-only. The finding shows in the list and in place.
  await page.goto(`/o/${ORG}/requirements`);
  await replaceToml(page, '# Baseline\nallowed_sandbox_modes = ["workspace-write"]\nallowed_approvals_reviewers = ["user", "auto_review"]\n');
  await expect(page.getByTestId("validation-summary")).toContainText("Codex would refuse this file: 1 error");
  await expect(page.getByTestId("diagnostics")).toContainText('`allowed_sandbox_modes` must include "read-only"');
  await expect(page.locator(".cm-lintRange-error").first()).toBeVisible();
  await expect(page.getByTestId("editor-toml").locator(".cm-lintRange-error").first()).toHaveText("allowed_sandbox_modes");

  // Fixed through the form: the TOML follows, the comment stays.
  await page.getByTestId("list-allowed_sandbox_modes").getByRole("checkbox", { name: "Allow read-only" }).check();
  const toml = page.getByRole("textbox", { name: "requirements.toml", exact: true });
  await expect(toml).toContainText('allowed_sandbox_modes = ["workspace-write", "read-only"]');
  await expect(toml).toContainText("# Baseline");
  await expect(page.getByTestId("validation-summary")).toContainText("Codex would load this file");
  await expect(page.getByTestId("verdict-badge")).toContainText("WIDENS");
  await expect(page.getByTestId("pending-changes")).toContainText("workspace-write");
  await expectAccessible(page);

  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByTestId("draft-status")).toContainText("Saved · revision 2");
  await page.getByLabel("Title").fill("Let agents write in the workspace");
  await page.getByLabel("Note (required: why this change)").fill("Engineers need builds to write to the repo");
  await page.getByRole("button", { name: "Open change request" }).click();
  await expect(page.getByText("Change request #1 opened.")).toBeVisible();

  // The author cannot approve; a colleague with the approver role does.
  await page.goto(`/o/${ORG}/changes/1`);
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  const approverEmail = `approver-${RUN}@acme.example`;
  const link = await inviteViaUi(page, ORG, approverEmail, "approver");
  const approver = await joinAsNewUser(browser, link, approverEmail, ORG);
  const review = await approver.newPage();
  await review.goto(`/o/${ORG}/changes/1`);
  await expect(review.getByTestId("verdict")).toContainText("WIDENS");
  await review.getByLabel(/^Comment/).fill("Fine for builds; read-only stays allowed.");
  await review.getByRole("button", { name: "Approve" }).click();
  await expect(review.getByTestId("approvals")).toContainText("Fine for builds; read-only stays allowed.");

  // Publish the approved request as version 2, then read the diff.
  await page.goto(`/o/${ORG}/changes/1`);
  await page.getByRole("button", { name: "Publish as new version" }).click();
  await expect(page.getByTestId("cr-state")).toHaveText("published");
  await page.goto(`/o/${ORG}/versions/diff?from=1&to=2`);
  await expect(page.getByText("WIDENS").first()).toBeVisible();
  await expect(page.getByText(/workspace-write/).first()).toBeVisible();
  await expect(page.getByText(/auto_review/).first()).toBeVisible();

  // Restore version 1: with approvals required it becomes a request, approved and published as version 3.
  await page.goto(`/o/${ORG}/versions/1`);
  await page.getByLabel("Why restore it?").fill("Back to read-only while we review");
  await page.getByRole("button", { name: "Propose restore" }).click();
  await expect(page.getByText(/#2/).first()).toBeVisible();
  await review.goto(`/o/${ORG}/changes/2`);
  await review.getByLabel(/^Comment/).fill("Restore approved.");
  await review.getByRole("button", { name: "Approve" }).click();
  await expect(review.getByTestId("approvals")).toContainText("Restore approved.");
  await page.goto(`/o/${ORG}/changes/2`);
  await page.getByRole("button", { name: "Publish as new version" }).click();
  await expect(page.getByTestId("cr-state")).toHaveText("published");
  await page.goto(`/o/${ORG}/versions/3`);
  await expect(page.getByText("version 1").first()).toBeVisible();
  const v3 = await (await page.request.get(`/api/v1/orgs/${ORG}/versions/3?format=toml`)).text();
  const v1 = await (await page.request.get(`/api/v1/orgs/${ORG}/versions/1?format=toml`)).text();
  expect(v3).toBe(v1);
  await approver.close();
});

test("a concurrent edit from a second browser gets the conflict view, never an overwrite", async ({ page, browser }) => {
  const ORG = `conflict-${RUN}`;
  await signIn(page);
  await expect(page).toHaveURL(/\/o\//);
  await createOrgViaUi(page, `Conflict ${RUN}`, ORG);
  await page.goto(`/o/${ORG}/requirements`);
  await replaceToml(page, 'allowed_sandbox_modes = ["read-only"]\nallowed_approvals_reviewers = ["user"]\n');
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByTestId("draft-status")).toContainText("Saved · revision 1");

  const other = await browser.newContext();
  const second = await other.newPage();
  await signIn(second);
  await expect(second).toHaveURL(/\/o\//);
  await second.goto(`/o/${ORG}/requirements`);
  await expect(second.getByTestId("draft-status")).toContainText("Saved");

  // The second browser saves first.
  await second.getByTestId("list-allowed_approvals_reviewers").getByRole("checkbox", { name: "Allow auto_review" }).check();
  await second.getByRole("button", { name: "Save draft" }).click();
  await expect(second.getByTestId("draft-status")).toContainText("Saved · revision");

  // The first browser, still on the old revision, saves its own change and meets the conflict view.
  await replaceToml(page, '# Mine\nallowed_sandbox_modes = ["read-only"]\nallowed_approvals_reviewers = ["user"]\nallowed_web_search_modes = ["cached"]\n');
  await page.getByRole("button", { name: "Save draft" }).click();
  const conflict = page.getByTestId("conflict-view");
  await expect(conflict).toBeVisible();
  await expect(conflict.getByRole("heading", { name: "Someone saved this draft while you were editing" })).toBeVisible();
  await expect(conflict.getByRole("textbox", { name: "Their version" })).toContainText("auto_review");
  await expect(conflict.getByRole("textbox", { name: "Your version" })).toContainText("# Mine");
  await expectAccessible(page);

  // Theirs is intact on the server until the merge is saved on top of it.
  const before = await (await page.request.get(`/api/v1/orgs/${ORG}/draft`)).json();
  expect(before.toml).toContain("auto_review");
  await conflict.getByRole("button", { name: "Save merged version" }).click();
  await expect(page.getByTestId("draft-status")).toContainText("Saved · revision");
  const after = await (await page.request.get(`/api/v1/orgs/${ORG}/draft`)).json();
  expect(after.toml).toContain("# Mine");
  expect(after.revision).toBe(before.revision + 1);
  await other.close();
});

test("unsaved changes survive a reload", async ({ page }) => {
  page.on("dialog", (dialog) => void dialog.accept()); // the "leave with unsaved changes?" prompt
  const ORG = `reload-${RUN}`;
  await signIn(page);
  await expect(page).toHaveURL(/\/o\//);
  await createOrgViaUi(page, `Reload ${RUN}`, ORG);
  await page.goto(`/o/${ORG}/requirements`);
  await replaceToml(page, '# Not saved yet\nallowed_sandbox_modes = ["read-only"]\n');
  await expect(page.getByTestId("draft-status")).toContainText("Unsaved changes");
  await page.reload();
  await expect(page.getByText("Restored unsaved changes from this browser.")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "requirements.toml", exact: true })).toContainText("# Not saved yet");
  await page.getByRole("button", { name: "Discard them" }).click();
  await expect(page.getByTestId("draft-status")).toContainText("Saved");
});
