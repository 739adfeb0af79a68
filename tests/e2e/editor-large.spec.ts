import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";
import { RUN, createOrgViaUi } from "./org-flows";

// On a large file the TOML editor hands its text to the page once typing pauses (a keystroke then costs only the
// editor's own work): nothing typed may be lost on the way. A save pressed right after the last keystroke saves it,
// the status says "Unsaved changes" from the first keystroke on, the checks follow the text, and a reload restores it.

function largeToml(): string {
  let text = 'allowed_approval_policies = ["on-request", "untrusted"]\nallowed_sandbox_modes = ["read-only", "workspace-write"]\n\n';
  for (let i = 0; text.length < 96 * 1024; i++) text += `[mcp_servers.server_${i}.identity]\ncommand = "/opt/mcp/server-${i}/bin/serve"\n\n`;
  return text;
}

test("typing at the end of a large file: every keystroke is saved, checked and kept across a reload", async ({ page }) => {
  test.setTimeout(90_000);
  page.on("dialog", (dialog) => void dialog.accept());
  const ORG = `large-${RUN}`;
  await signIn(page);
  await expect(page).toHaveURL(/\/o\//);
  await createOrgViaUi(page, `Large ${RUN}`, ORG);
  // The large file is saved through the API (pasting 96 KiB into the browser is slow and not what is tested here).
  const api = `/api/v1/orgs/${ORG}/draft`;
  const text = largeToml();
  const etag = (await page.request.get(api)).headers()["etag"];
  expect((await page.request.put(api, { data: text, headers: { "Content-Type": "text/plain", "If-Match": etag } })).status()).toBe(200);
  const draft = async () => ((await (await page.request.get(api)).json()) as { toml: string }).toml;
  await page.goto(`/o/${ORG}/requirements`);
  const status = page.getByTestId("draft-status");
  const editor = page.getByRole("textbox", { name: "requirements.toml", exact: true });
  await expect(status).toHaveText("Saved · revision 1");

  // Typed key by key and saved with the keyboard at once: the save has every character.
  await editor.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type("# typed last\n");
  await page.keyboard.press("ControlOrMeta+s");
  await expect(page.getByText("Saved as revision 2.")).toBeVisible();
  await expect(status).toHaveText("Saved · revision 2");
  expect(await draft()).toBe(`${text}# typed last\n`);

  // A mistake typed at the end: unsaved at once (the save notice goes with the first keystroke), then the checks catch
  // up with the text.
  await page.keyboard.press("o");
  await expect(status).toHaveText("Unsaved changes");
  await expect(page.getByText("Saved as revision 2.")).toHaveCount(0);
  await page.keyboard.type("ops");
  await expect(page.getByTestId("validation-summary")).toContainText("Codex would refuse this file");
  await expect(page.getByTestId("verdict-badge")).toHaveText("NO VERDICT: Codex would refuse this file");

  // Not saved, but kept by this browser across a reload.
  await page.reload();
  await expect(page.getByText("Restored unsaved changes from this browser.")).toBeVisible();
  await expect(status).toHaveText("Unsaved changes");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Saved as revision 3, but Codex would refuse this file" })).toBeVisible();
  expect(await draft()).toBe(`${text}# typed last\noops`);
});
