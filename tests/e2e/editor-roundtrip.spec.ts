import { expect, test, type Page } from "@playwright/test";
import { parse } from "smol-toml";
import { signIn } from "./fixtures";
import { RUN, createOrgViaUi } from "./org-flows";

// The round-trip property in a real browser: random keystrokes at random cursor positions (start, end, after the last
// newline, multi-byte text) in the Auto-review policy editor and random clicks on the form's list controls. After every
// keystroke the policy editor, the TOML and the draft kept in the browser agree, nothing typed is lost, and after
// saving and reloading the same text comes back. Seeded, so a failure names a reproducible run.

const START = 'allowed_approval_policies = ["on-request"]\nallowed_sandbox_modes = ["read-only"]\nguardian_policy_config = \'\'\'\n## Always deny\n- Force-pushing to main.\n\'\'\'\n';
// No "\n": CodeMirror turns an inserted newline character into its Enter command (list continuation in markdown),
// which a person gets by pressing Enter. Typing after the last newline is covered by the text ending in one, and
// newlines at random positions by the unit property test (tests/unit/requirements/edit-roundtrip.test.ts).
const PIECES = ["x", " ", "é", "中", "😀", "'", "'''", '"', '"""', "\\", "#", "- Deny.", "\t"];

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The policy editor's text, line by line as CodeMirror renders it (the test policy is short: every line is drawn). */
const policyText = (page: Page) =>
  page.getByTestId("editor-markdown").locator(".cm-line").evaluateAll((lines) => lines.map((l) => l.textContent ?? "").join("\n"));

/** The TOML this browser holds: the unsaved draft it keeps for reloads, or the saved one when nothing is unsaved. */
async function browserToml(page: Page, org: string, saved: string): Promise<string> {
  const raw = await page.evaluate((key) => localStorage.getItem(key), `charter:draft:${org}`);
  return raw ? (JSON.parse(raw) as { toml: string }).toml : saved;
}

for (const [width, seed] of [[1440, 7], [390, 8]] as const) {
  test(`policy keystrokes and form clicks round-trip through the TOML at ${width} px (seed ${seed})`, async ({ page }) => {
    test.setTimeout(120_000);
    page.on("dialog", (dialog) => void dialog.accept());
    await page.setViewportSize({ width, height: 900 });
    const ORG = `roundtrip-${width}-${RUN}`;
    await signIn(page);
    await expect(page).toHaveURL(/\/o\//);
    await createOrgViaUi(page, `Round trip ${width} ${RUN}`, ORG);
    await page.goto(`/o/${ORG}/requirements`);
    const toml = page.getByRole("textbox", { name: "requirements.toml", exact: true });
    await toml.click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.insertText(START);
    await page.getByRole("button", { name: "Save draft" }).click();
    await expect(page.getByTestId("draft-status")).toContainText("Saved · revision 1");
    const saved = START;

    const r = rng(seed);
    let model = "## Always deny\n- Force-pushing to main.\n";
    let cursor = 0;
    const policyTab = page.getByRole("tab", { name: "Auto-review policy" });
    const formTab = page.getByRole("tab", { name: "Common keys" });
    await policyTab.click();
    const policy = page.getByRole("textbox", { name: "Auto-review policy (markdown)" });
    await policy.click();
    await page.keyboard.press("ControlOrMeta+Home");

    for (let step = 0; step < 30; step++) {
      const move = r();
      if (move < 0.3) {
        await page.keyboard.press("ControlOrMeta+End");
        cursor = model.length;
      } else if (move < 0.4) {
        await page.keyboard.press("ControlOrMeta+Home");
        cursor = 0;
      } else if (move < 0.7) {
        // A few characters left (a surrogate pair is one step, as for a person).
        const steps = 1 + Math.floor(r() * 4);
        for (let i = 0; i < steps && cursor > 0; i++) {
          await page.keyboard.press("ArrowLeft");
          cursor -= cursor >= 2 && /[\udc00-\udfff]/.test(model[cursor - 1]) ? 2 : 1;
        }
      }
      const typed = PIECES[Math.floor(r() * PIECES.length)];
      await page.keyboard.insertText(typed);
      model = model.slice(0, cursor) + typed + model.slice(cursor);
      cursor += typed.length;

      await expect.poll(() => policyText(page), { message: `policy editor after step ${step}` }).toBe(model);
      await expect.poll(async () => (parse(await browserToml(page, ORG, saved)) as { guardian_policy_config?: string }).guardian_policy_config, { message: `TOML after step ${step}` }).toBe(model);
      await expect(page.getByRole("alert").filter({ hasText: "cannot edit safely" })).toHaveCount(0);

      // Now and then a list control on the form: the TOML follows, the policy text stays.
      if (r() < 0.2) {
        await formTab.click();
        const option = ["untrusted", "on-failure", "never"][Math.floor(r() * 3)];
        const box = page.getByTestId("list-allowed_approval_policies").getByRole("checkbox", { name: `Allow ${option}` });
        const wasChecked = await box.isChecked();
        await box.click();
        await expect(box).toBeChecked({ checked: !wasChecked });
        const shown = await page.getByTestId("list-allowed_approval_policies").locator("li").evaluateAll((items) =>
          items.filter((li) => (li.querySelector("input") as HTMLInputElement).checked).map((li) => li.querySelector("code")!.textContent),
        );
        await expect.poll(async () => (parse(await browserToml(page, ORG, saved)) as { allowed_approval_policies?: string[] }).allowed_approval_policies).toEqual(shown);
        await policyTab.click();
        await policy.click();
        await page.keyboard.press("ControlOrMeta+End");
        cursor = model.length;
      }
    }

    await page.getByRole("button", { name: "Save draft" }).click();
    await expect(page.getByTestId("draft-status")).toContainText("Saved · revision 2");
    await page.reload();
    await expect(page.getByTestId("draft-status")).toContainText("Saved · revision 2");
    await page.getByRole("tab", { name: "Auto-review policy" }).click();
    await expect.poll(() => policyText(page)).toBe(model);
    const server = (await (await page.request.get(`/api/v1/orgs/${ORG}/draft`)).json()) as { toml: string };
    expect((parse(server.toml) as { guardian_policy_config?: string }).guardian_policy_config).toBe(model);
  });
}
