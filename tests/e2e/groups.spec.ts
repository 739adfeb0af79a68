import { expect, test } from "@playwright/test";
import { createContractorsGroup, publishToCanaryRing, saveBase } from "./console-steps";
import { expectAccessible, signIn } from "./fixtures";
import { RUN, createOrgViaUi, inviteViaUi, joinAsNewUser } from "./org-flows";

// Groups and staged rollouts in the console, each in an organisation of its own (a rollout blocks other publishes).

const BASE = `allowed_approval_policies = ["on-request", "never"]\nallowed_sandbox_modes = ["read-only", "workspace-write"]\nallowed_approvals_reviewers = ["user"]\n`;

test("an admin gives a group a stricter overlay: findings name the overlay's line, each value shows its layer, and it publishes", async ({ page }) => {
  const org = `grp-${RUN}`;
  test.setTimeout(90_000);
  await signIn(page);
  await expect(page).toHaveURL(/\/o\//);
  await createOrgViaUi(page, `Groups ${RUN}`, org);
  await saveBase(page, org, BASE, "base");

  await page.goto(`/o/${org}/groups`);
  await expect(page.getByText("No groups yet")).toBeVisible();
  await createContractorsGroup(page, org);
  await expectAccessible(page);

  const editor = page.getByLabel("Overlay of group contractors");
  await editor.fill(`# contractors\nallowed_approval_policies = ["untrusted"]\n`);
  await page.getByRole("button", { name: "Preview composition" }).click();
  await expect(page.getByTestId("composition-verdict")).toHaveText(/Codex would refuse the composed file: 1 error/);
  await expect(page.getByRole("list", { name: "Findings" })).toContainText("overlay line 2 · error");

  await editor.fill(`# contractors\nallowed_approval_policies = ["on-request"]\nallowed_sandbox_modes = ["read-only", "danger-full-access"]\n`);
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Draft saved (revision 1).")).toBeVisible();
  await expect(page.getByTestId("composition-verdict")).toHaveText(/Codex would load the composed file/);
  const values = page.getByRole("table", { name: "Effective values" });
  await expect(values.getByRole("row", { name: /allowed_sandbox_modes/ })).toContainText('["read-only"]');
  await expect(values.getByRole("row", { name: /allowed_sandbox_modes/ })).toContainText('group "contractors"');
  await expect(values.getByRole("row", { name: /allowed_approvals_reviewers/ })).toContainText("base");
  await expect(page.getByRole("list", { name: "Composition notes" })).toContainText('"danger-full-access" is not allowed by the base');

  await page.getByLabel("Publish note").fill("contractors may not run unattended");
  await page.getByRole("button", { name: "Publish overlay" }).click();
  await expect(page.getByText("Published overlay version 1.")).toBeVisible();
  await expect(page.getByText("overlay v1")).toBeVisible();
  await page.goto(`/o/${org}/groups`);
  await expect(page.getByTestId("group-row-contractors")).toContainText("overlay v1");
});

test("publishing to rings shows a rollout timeline with ring host counts and gate values, and an admin pauses, resumes and rolls it back", async ({ page }) => {
  const org = `rol-${RUN}`;
  test.setTimeout(90_000);
  await signIn(page);
  await expect(page).toHaveURL(/\/o\//);
  await createOrgViaUi(page, `Rollouts ${RUN}`, org);
  await saveBase(page, org, BASE, "base");
  // Three hosts: their tokens are hosts the rings count.
  for (const name of ["h1", "h2", "h3"]) expect((await page.request.post(`/api/v1/orgs/${org}/agent-tokens`, { data: { name } })).status()).toBeLessThan(300);
  await saveBase(page, org, `${BASE}enforce_residency = "us"\n`);

  await page.goto(`/o/${org}/rollouts`);
  await expect(page.getByText("No rollouts yet")).toBeVisible();
  await publishToCanaryRing(page, org, 2);
  await expect(page.getByTestId("rollout-state")).toContainText("State: running");
  await expect(page.getByTestId("ring-0")).toContainText("canary");
  await expect(page.getByTestId("ring-0")).toContainText("3 hosts · 0 installed · 0 failed");
  await expect(page.getByTestId("ring-1")).toContainText("0 hosts");
  await expect(page.getByTestId("gate")).toContainText("Gates: wait — 0% installed, 0% failed/drifted");
  await expect(page.getByTestId("gate")).toContainText("decision rates: not collected");
  await expect(page.getByTestId("adoption-chart")).toContainText("Hosts per installed version: not reported 3.");
  await expect(page.getByRole("list", { name: "Timeline" })).toContainText("Started");
  await expectAccessible(page);

  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByTestId("rollout-state")).toContainText("State: paused");
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByTestId("rollout-state")).toContainText("State: running");
  await page.getByRole("button", { name: "Roll back" }).click();
  await expect(page.getByTestId("rollout-state")).toContainText("State: rolled back");
  await expect(page.getByTestId("rollout-state")).toContainText("Every host now gets version 3 (version 1's text).");
  const timeline = page.getByRole("list", { name: "Timeline" });
  await expect(timeline).toContainText("Paused");
  await expect(timeline).toContainText("Resumed");
  await expect(timeline).toContainText("Rolled back");
  await page.goto(`/o/${org}/rollouts`);
  await expect(page.getByTestId("rollout-2")).toContainText("rolled back");
});

test("with approvals required, an overlay goes through a change request: the composed file's verdict and diff, a colleague's approval, then it ships", async ({ page, browser }) => {
  const org = `ocr-${RUN}`;
  test.setTimeout(120_000);
  await signIn(page);
  await expect(page).toHaveURL(/\/o\//);
  await createOrgViaUi(page, `Overlay changes ${RUN}`, org);
  await saveBase(page, org, BASE, "base");
  expect((await page.request.post(`/api/v1/orgs/${org}/groups`, { data: { name: "contractors", priority: 10 } })).status()).toBe(201);
  expect((await page.request.patch(`/api/v1/orgs/${org}/settings`, { data: { approvalsRequired: 1 } })).status()).toBe(200);

  await page.goto(`/o/${org}/groups/contractors`);
  await expect(page.getByRole("button", { name: "Publish overlay" })).toHaveCount(0);
  await page.getByLabel("Overlay of group contractors").fill(`# contractors\nallowed_sandbox_modes = ["read-only"]\n`);
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Draft saved (revision 1).")).toBeVisible();
  await page.getByLabel("Change request title").fill("Contractors read only");
  await page.getByLabel("Change request note").fill("no writes outside the sandbox");
  await page.getByRole("button", { name: "Open change request" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${org}/groups/contractors/changes/1$`));
  await expect(page.getByTestId("cr-state")).toHaveText("open");
  const composed = page.getByTestId("composed-1");
  await expect(composed.getByTestId("composed-validation")).toHaveText("Codex would load the composed file.");
  await expect(composed.getByTestId("verdict").first()).toContainText("PASS");
  await expect(composed).toContainText("workspace-write");
  await expect(page.getByTestId("blockers")).toContainText("Needs 1 more approval (0 of 1).");
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await expectAccessible(page);

  // A newer overlay draft updates the open request (as a base request is updated from the draft).
  await page.goto(`/o/${org}/groups/contractors`);
  await page.getByLabel("Overlay of group contractors").fill(`# contractors\nallowed_sandbox_modes = ["read-only"]\nallowed_approval_policies = ["on-request"]\n`);
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Draft saved (revision 2).")).toBeVisible();
  await page.goto(`/o/${org}/groups/contractors/changes/1`);
  await page.getByRole("button", { name: "Update from overlay draft" }).click();
  await expect(page.getByRole("region", { name: "Proposed overlay" })).toContainText('allowed_approval_policies = ["on-request"]');
  await expect(page.getByTestId("blockers")).toContainText("Needs 1 more approval (0 of 1).");

  // A colleague with the approver role approves; the author publishes it as the group's overlay version 1.
  const approverEmail = `ocr-approver-${RUN}@acme.example`;
  const link = await inviteViaUi(page, org, approverEmail, "approver");
  const approver = await joinAsNewUser(browser, link, approverEmail, org);
  const review = await approver.newPage();
  await review.goto(`/o/${org}/groups/contractors/changes/1`);
  await review.getByLabel(/^Comment/).fill("Read-only is right for contractors.");
  await review.getByRole("button", { name: "Approve" }).click();
  await expect(review.getByTestId("approvals")).toContainText("Read-only is right for contractors.");
  await approver.close();

  await page.goto(`/o/${org}/groups/contractors/changes/1`);
  await expect(page.getByTestId("blockers")).toHaveCount(0);
  await page.getByRole("button", { name: "Publish overlay" }).click();
  await expect(page.getByTestId("cr-state")).toHaveText("published");
  await page.goto(`/o/${org}/groups/contractors`);
  await expect(page.getByText("overlay v1")).toBeVisible();
  await expect(page.getByRole("list", { name: "Overlay change requests" })).toContainText("#1 Contractors read only");
});
