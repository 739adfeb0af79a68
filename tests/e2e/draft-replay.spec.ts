import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { DecisionRelay } from "../../packages/agent/src/relay";
import { RUNS, logBodies } from "../support/codex-telemetry";
import { expectAccessible, signIn } from "./fixtures";
import { RUN, createOrgViaUi } from "./org-flows";

// The Requirements editor's publish panel shows, for a saved draft whose Auto-review policy changed, the replay of that
// text on the org's real decisions: real Codex output (tests/fixtures/codex-telemetry) goes through the host relay to
// Charter, the admin edits the policy, saves, replays from the panel and sees which real decisions flip.

const PUBLISHED = 'allowed_approvals_reviewers = ["auto_review", "user"]\nguardian_policy_config = """\n# Rules\nAsk before risky work.\n"""\n';
// The baseline reviewer applies a rule naming the command in a code span: the allowed write outside the workspace
// (one of the fixtures' two distinct actions) would now be denied.
const STRICTER = "# Rules\nNever approve writes to the hooks directory outside the sandbox: `touch /opt/codex-hooks/outside`.\n";

/** A new org with version 1 published and the fixtures' four real decisions uploaded by a relay. */
async function orgWithDecisions(page: Page, baseURL: string, org: string) {
  await createOrgViaUi(page, `Draft replay ${org}`, org);
  const api = page.request;
  const token = await api.post(`/api/v1/orgs/${org}/agent-tokens`, { data: { name: "laptop" } });
  expect(token.status()).toBe(201);
  // Long enough that the captured fixtures stay inside retention whenever this runs.
  expect((await api.put(`/api/v1/orgs/${org}/decisions/settings`, { data: { collect: false, relayPort: 4318, retentionDays: 3650, mask: { patterns: [], jsonPaths: [] } } })).status()).toBe(200);
  const draft = await api.get(`/api/v1/orgs/${org}/draft`);
  expect((await api.put(`/api/v1/orgs/${org}/draft`, { data: PUBLISHED, headers: { "Content-Type": "text/plain", "If-Match": draft.headers()["etag"] } })).status()).toBe(200);
  expect((await api.post(`/api/v1/orgs/${org}/publish`, { data: { note: "base" } })).status()).toBe(201);

  const stateDir = mkdtempSync(path.join(os.tmpdir(), "charter-e2e-draft-replay-"));
  const relay = new DecisionRelay({ server: new URL(baseURL), token: ((await token.json()) as { secret: string }).secret, org, stateDir, log: () => {} }, { port: 0, tickMs: 200, spool: { segmentMs: 0 } });
  await relay.start();
  try {
    for (const run of RUNS) {
      for (const body of logBodies(run)) {
        const res = await fetch(`http://127.0.0.1:${relay.port}/v1/logs`, { method: "POST", headers: { "content-type": "application/json" }, body: Uint8Array.from(body.bytes) });
        expect(res.status).toBe(200);
      }
    }
    await expect.poll(() => relay.status().uploaded, { timeout: 15_000 }).toBe(4);
  } finally {
    await relay.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

for (const width of [1440, 390]) {
  test(`the publish panel replays the saved draft's policy on real decisions and shows the flips, at ${width} px`, async ({ page, baseURL }) => {
    test.setTimeout(90_000);
    page.on("dialog", (dialog) => void dialog.accept());
    await page.setViewportSize({ width, height: 900 });
    const org = `replay-${width}-${RUN}`;
    await signIn(page);
    await expect(page).toHaveURL(/\/o\//);
    await orgWithDecisions(page, baseURL!, org);

    await page.goto(`/o/${org}/requirements`);
    const publish = page.getByRole("region", { name: "Publish" });
    // The published policy, unchanged: no replay on the panel.
    await expect(publish.getByTestId("verdict-badge")).toContainText("PASS");
    await expect(publish.getByTestId("draft-replay")).toHaveCount(0);

    await page.getByRole("tab", { name: "Auto-review policy" }).click();
    const policy = page.getByRole("textbox", { name: "Auto-review policy (markdown)" });
    await policy.click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(STRICTER);
    await expect(publish.getByTestId("verdict-badge")).toContainText("REVIEW");
    await page.getByRole("button", { name: "Save draft" }).click();
    await expect(page.getByTestId("draft-status")).toHaveText("Saved · revision 2");

    // No replay of this text yet: the panel offers one, through the sandbox's queue and progress view.
    const replay = publish.getByTestId("draft-replay");
    await expect(replay.getByTestId("draft-replay-none")).toContainText("The saved revision 2 changes the Auto-review policy");
    await replay.getByRole("button", { name: "Replay on real decisions" }).click();
    const summary = replay.getByTestId("decision-replay");
    await expect(summary.getByTestId("replay-toward-deny")).toHaveText("1 of 2 real decisions flip toward deny", { timeout: 20_000 });
    await expect(summary.getByTestId("replay-toward-allow")).toHaveText("0 of 2 real decisions flip toward allow");
    await expect(summary.getByTestId("draft-replay-source")).toContainText("Draft (revision 2)");
    await expectAccessible(page);

    // Reloaded, the finished replay of exactly this text is shown at once; unsaved typing keeps it (it refers to the
    // saved revision) and says so.
    await page.reload();
    await expect(summary.getByTestId("replay-toward-deny")).toHaveText("1 of 2 real decisions flip toward deny");
    await page.getByRole("tab", { name: "Auto-review policy" }).click();
    await policy.click();
    await page.keyboard.press("ControlOrMeta+End");
    await page.keyboard.insertText("More rules.");
    await expect(page.getByTestId("draft-status")).toHaveText("Unsaved changes");
    await expect(replay).toContainText("Refers to the saved revision 2; save to replay your newest text.");
    await expect(summary.getByTestId("replay-toward-deny")).toHaveText("1 of 2 real decisions flip toward deny");
    await page.emulateMedia({ colorScheme: "dark" });
    await expectAccessible(page);
    await page.emulateMedia({ colorScheme: "light" });

    await summary.getByRole("link", { name: "See which decisions flip" }).click();
    const flips = page.getByRole("table", { name: "Flips" });
    await expect(flips.getByRole("row")).toHaveCount(2);
    await expect(flips).toContainText("touch /opt/codex-hooks/outside/escalated.txt");
  });
}
