import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, signIn } from "./fixtures";

// Console flows of versioning: version list → version page → diff, change request page, compliance report. The data
// comes through the admin API (same session), and the draft is put back afterwards.
const API = "/api/v1/orgs/acme";

async function publishTwo(page: Page) {
  const api = page.request;
  const draft = await api.get(`${API}/draft`);
  const original = (await draft.json()).toml as string;
  let etag = draft.headers()["etag"];
  const put = async (toml: string) => {
    const res = await api.put(`${API}/draft`, { data: toml, headers: { "Content-Type": "text/plain", "If-Match": etag } });
    expect(res.status()).toBe(200);
    etag = res.headers()["etag"];
  };
  const tag = `# ui ${Date.now()}`;
  await put(`${tag}\nallowed_sandbox_modes = ["read-only"]\nallowed_approvals_reviewers = ["user"]\n`);
  const a = await (await api.post(`${API}/publish`, { data: { note: "UI baseline" } })).json();
  await put(`${tag}\nallowed_sandbox_modes = ["read-only", "danger-full-access"]\nallowed_approvals_reviewers = ["user"]\n`);
  const b = await (await api.post(`${API}/publish`, { data: { note: "UI widening" } })).json();
  await put(`${tag}\nallowed_sandbox_modes = ["read-only"]\nallowed_approvals_reviewers = ["user", "auto_review"]\n`);
  const cr = await (await api.post(`${API}/changes`, { data: { title: "Let Auto-review decide", note: "fewer prompts" } })).json();
  await put(original);
  return { a: a.number as number, b: b.number as number, cr: cr.number as number };
}

test("versions list, version page, diff with the WIDENS verdict, change request and printable report", async ({ page }) => {
  test.setTimeout(90_000); // five axe runs: slow on a busy machine
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const { a, b, cr } = await publishTwo(page);

  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Versions" }).click();
  await expect(page.getByRole("heading", { name: "Versions", level: 1 })).toBeVisible();
  const row = page.getByTestId(`version-row-${b}`);
  await expect(row).toContainText("UI widening");
  await expect(row).toContainText("current");
  await expect(row.getByTestId("verdict-badge")).toHaveText(/^WIDENS/);
  await expectAccessible(page);

  await page.getByLabel("Compare", { exact: true }).selectOption(String(a));
  await page.getByLabel("with", { exact: true }).selectOption(String(b));
  await page.getByRole("button", { name: "Show diff" }).click();
  await expect(page).toHaveURL(new RegExp(`/versions/diff\\?from=${a}&to=${b}$`));
  await expect(page.getByTestId("verdict")).toContainText("WIDENS");
  await expect(page.getByTestId("verdict")).toContainText("danger-full-access");
  await expect(page.getByRole("region", { name: "Unified text diff" })).toContainText('allowed_sandbox_modes = ["read-only", "danger-full-access"]');
  await expectAccessible(page);

  await page.goto(`/o/acme/versions/${a}`);
  await expect(page.getByRole("heading", { name: `Version ${a}`, level: 1 })).toBeVisible();
  await expect(page.getByTestId("version-sha256")).toHaveText(/^[0-9a-f]{64}$/);
  await expect(page.getByRole("button", { name: /Restore as new version|Propose restore/ })).toBeDisabled();
  await expectAccessible(page);

  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Changes" }).click();
  // Earlier runs on a kept database may have left requests with the same title: pick this run's by number.
  await page.locator(`a[href="/o/acme/changes/${cr}"]`).click();
  await expect(page).toHaveURL(new RegExp(`/o/acme/changes/${cr}$`));
  await expect(page.getByTestId("validation")).toHaveText(/Codex would load this policy/);
  await expect(page.getByTestId("verdict")).toContainText("auto_review");
  // The owner wrote it: no approve button, a note saying why.
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await expect(page.getByText("You wrote part of this change")).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Withdraw" }).click();
  await expect(page.getByTestId("cr-state")).toHaveText("withdrawn");

  await page.goto("/o/acme/reports/compliance");
  await expect(page.getByTestId("report-summary")).toContainText("widened agents");
  await expect(page.getByRole("heading", { name: `Version ${b} (from version ${a})` })).toBeVisible();
  await expectAccessible(page);
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Console" })).toBeHidden();
  await expect(page.getByRole("button", { name: "Print" })).toBeHidden();
});

test("a missing version or change request shows the not-found page, not an error", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  // A real 404 with the branded not-found page inside the console frame.
  for (const path of ["/o/acme/versions/999999", "/o/acme/changes/999999", "/o/acme/versions/abc"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" }), path).toBeVisible();
  }
});
