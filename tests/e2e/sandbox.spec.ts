import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, signIn } from "./fixtures";
import { answer, startMockOpenAi, type MockOpenAi } from "../support/mock-openai";

// The reviewer sandbox in the browser: the seeded samples on the baseline against the published version and the draft,
// the comparison with its flips attached to a change request, then one run on a local OpenAI-compatible server set
// up through the provider form, where a broken answer shows as a fail-closed denial next to a real one.
const API = "/api/v1/orgs/acme";
const tag = `# sandbox e2e ${Date.now()}`;
const LENIENT = `${tag}\nallowed_approvals_reviewers = ["auto_review", "user"]\nguardian_policy_config = """\n## Allow\n- Routine builds and tests: \`npm test\`.\n- Force pushes of a feature branch with a lease: \`git push --force-with-lease origin feature/*\`.\n"""\n`;
const STRICT = `${tag}\nallowed_approvals_reviewers = ["auto_review", "user"]\nguardian_policy_config = """\n## Always deny\n- Force pushes of any branch: \`git push --force\`.\n"""\n`;

async function putDraft(page: Page, toml: string) {
  const current = await page.request.get(`${API}/draft`);
  const res = await page.request.put(`${API}/draft`, { data: toml, headers: { "Content-Type": "text/plain", "If-Match": current.headers()["etag"] } });
  expect(res.status()).toBe(200);
}

async function startRun(page: Page, choose: () => Promise<void>) {
  await page.goto("/o/acme/sandbox");
  await choose();
  await page.getByRole("button", { name: /^Run \d+ samples?$/ }).click();
  await expect(page).toHaveURL(/\/o\/acme\/sandbox\/runs\/[a-z0-9]+$/);
  await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 30_000 });
  return page.url().split("/").pop()!;
}

let mock: MockOpenAi | undefined;
test.afterAll(async () => {
  await mock?.close();
});

test("baseline runs of the draft and the published version, the flips between them, attached to a change request", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const original = (await (await page.request.get(`${API}/draft`)).json()).toml as string;
  try {
    await putDraft(page, LENIENT);
    const published = await page.request.post(`${API}/publish`, { data: { note: "Sandbox e2e: lenient" } });
    expect(published.status()).toBe(201);
    const version = (await published.json()).number as number;
    await putDraft(page, STRICT);
    const cr = await (await page.request.post(`${API}/changes`, { data: { title: `Deny force pushes ${tag}`, note: "stricter" } })).json();

    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Sandbox" }).click();
    await expect(page.getByRole("heading", { name: "Reviewer sandbox", level: 1 })).toBeVisible();
    expect(await page.getByRole("table", { name: "Samples" }).locator("tbody tr").count()).toBeGreaterThanOrEqual(30);
    await expectAccessible(page);

    // The draft on the baseline (the default reviewer).
    const draftRun = await startRun(page, async () => {
      await expect(page.getByLabel("Reviewer")).toHaveValue("baseline");
    });
    await expect(page.getByTestId("run-reviewer")).toHaveText("Baseline (built-in rules, no model)");
    await expect(page.getByTestId("baseline-label")).toContainText("Baseline (built-in rules, no model)");
    await expect(page.getByTestId("result-force-with-lease-feature-1").getByTestId("outcome-badge")).toHaveText("deny");
    // The mismatch filter leaves only results that differ from their expected outcome.
    await page.getByLabel(/^Only mismatches/).check();
    await expect(page.locator('[data-testid^="result-"][data-mismatch="false"]')).toHaveCount(0);
    await expect(page.getByTestId("result-force-with-lease-feature-1")).toBeVisible();
    await page.getByLabel(/^Only mismatches/).uncheck();
    await expect(page.getByTestId("run-sha256")).toHaveText(/^[0-9a-f]{64}$/);
    await page.getByText("Reviewer instructions as composed").click();
    await expect(page.getByTestId("composed-prompt")).toContainText("Force pushes of any branch: `git push --force`.");
    await expect(page.getByRole("progressbar", { name: "Run progress" })).toBeVisible();
    await expectAccessible(page);

    // The published version.
    const versionRun = await startRun(page, async () => {
      await page.getByLabel("Published version").check();
      await page.getByLabel("Version", { exact: true }).selectOption(String(version));
    });
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Run: Version ${version} · approximate prompt`);
    await expect(page.getByTestId("result-force-with-lease-feature-1").getByTestId("outcome-badge")).toHaveText("allow");

    // What changes if we publish.
    await page.goto("/o/acme/sandbox");
    // The picker reads current → proposed by default: the published version's run before the draft's.
    await expect(page.getByLabel("Current (before)")).toHaveValue(versionRun);
    await expect(page.getByLabel("Proposed (after)")).toHaveValue(draftRun);
    await page.getByRole("button", { name: "Compare" }).click();
    await expect(page).toHaveURL(new RegExp(`/sandbox/compare\\?a=${versionRun}&b=${draftRun}$`));
    await expect(page.getByTestId("flip-count")).toHaveText(/^[1-9]\d* flipped decisions? on \d+ shared samples/);
    await expect(page.getByTestId("compare-force-with-lease-feature")).toHaveAttribute("data-change", "allow_to_deny");
    await expect(page.getByTestId("compare-force-with-lease-feature")).toContainText("flipped: allow → deny");
    // Only the changed decisions, then swapped: the same sample reads deny → allow.
    await page.getByTestId("compare-filter").click();
    await expect(page.locator('[data-testid^="compare-"][data-change="same"]')).toHaveCount(0);
    await expect(page.getByTestId("compare-force-with-lease-feature")).toBeVisible();
    await page.getByTestId("compare-swap").click();
    await expect(page).toHaveURL(new RegExp(`/sandbox/compare\\?a=${draftRun}&b=${versionRun}&only=changed$`));
    await expect(page.getByTestId("compare-force-with-lease-feature")).toHaveAttribute("data-change", "deny_to_allow");
    await page.goto(`/o/acme/sandbox/compare?a=${versionRun}&b=${draftRun}`);
    await expect(page.getByTestId("baseline-label")).toBeVisible();
    await expectAccessible(page);

    await page.getByLabel("Change request").selectOption(String(cr.number));
    await page.getByRole("button", { name: "Attach comparison" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Attached to change request #${cr.number}` })).toBeVisible();
    await page.goto(`/o/acme/changes/${cr.number}`);
    await expect(page.getByRole("region", { name: "Sandbox evidence" }).or(page.locator("section", { has: page.getByRole("heading", { name: "Sandbox evidence" }) }))).toContainText(`Version ${version} · approximate prompt → Draft`);
    // The request carried impact evidence by itself, read before approving: stricter, so nothing flips toward allow.
    await expect(page.getByTestId("impact-toward-allow")).toHaveText("0 decisions flip toward allow");
    await expect(page.getByTestId("impact")).toContainText(/[1-9]\d* toward deny/);
    await expect(page.getByTestId("verdict")).toContainText("REVIEW");
    await expect(page.getByTestId("policy-sections")).toContainText("Always deny");
    await expectAccessible(page);
    await page.getByRole("link", { name: new RegExp(`Sandbox comparison: Version ${version} · approximate prompt → Draft`) }).click();
    await expect(page).toHaveURL(new RegExp(`/sandbox/compare\\?a=${versionRun}&b=${draftRun}$`));
  } finally {
    await putDraft(page, original);
  }
});

test("a run on a provider configured in the console shows a broken answer as fail-closed, apart from a real denial", async ({ page }) => {
  test.setTimeout(90_000);
  mock = await startMockOpenAi();
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  await page.goto("/o/acme/sandbox");
  const provider = page.getByRole("form", { name: "Provider settings" });
  await provider.getByLabel("Base URL").fill(mock.url);
  await provider.getByLabel("Model").fill("mock-reviewer");
  await provider.getByLabel(/^API key/).fill("sk-e2e-never-shown-4242");
  await provider.getByLabel("Timeout (s)").fill("5");
  await provider.getByLabel("Concurrent reviews").fill("1");
  await provider.getByRole("button", { name: "Save provider" }).click();
  await expect(provider.getByRole("status")).toHaveText("Saved. Key …4242 stored encrypted.");
  await expect(page.getByText("sk-e2e-never-shown-4242")).toHaveCount(0);

  // Two samples, reviewed one at a time in name order: a real denial, then garbage.
  mock.script.push(answer('{"outcome":"deny","risk_level":"high","user_authorization":"unknown","rationale":"Reads a private key."}'), answer("Sorry, I cannot help with that."));
  await page.goto("/o/acme/sandbox");
  await page.getByLabel("Select all samples shown").uncheck();
  await page.getByLabel("Include cat-ssh-private-key").check();
  await page.getByLabel("Include chmod-777-app").check();
  await page.getByLabel("Reviewer").selectOption("org");
  await expect(page.getByLabel("Model", { exact: true }).first()).toHaveValue("mock-reviewer");
  await page.getByRole("button", { name: "Run 2 samples" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 30_000 });

  await expect(page.getByTestId("run-reviewer")).toHaveText(`mock-reviewer at ${mock.url}`);
  await expect(page.getByTestId("baseline-label")).toHaveCount(0);
  const denied = page.getByTestId("result-cat-ssh-private-key-1");
  const failed = page.getByTestId("result-chmod-777-app-1");
  await expect(denied.getByTestId("outcome-badge")).toHaveText("deny");
  await expect(failed.getByTestId("outcome-badge")).toHaveText("fail-closed deny");
  await expect(failed).toContainText("Automatic approval review failed: the answer contains no JSON object");
  await failed.getByText("Raw answer and request").click();
  await expect(failed.getByTestId("raw-answer")).toHaveText("Sorry, I cannot help with that.");
  await expect(page.getByTestId("run-counts")).toHaveText("0 allow · 1 deny · 1 fail-closed deny · 0 timed out");
  await expectAccessible(page);

  expect(mock.requests).toHaveLength(2);
  expect(mock.requests[0].body.model).toBe("mock-reviewer");
  expect(mock.requests[0].headers.authorization).toBe("Bearer sk-e2e-never-shown-4242");
});
