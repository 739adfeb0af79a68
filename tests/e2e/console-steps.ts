import { expect, type Page } from "@playwright/test";
import { logBodies, toProtobuf, type Run } from "../support/codex-telemetry";

/*
 * Steps more than one spec takes (groups, layout, decisions): saving and publishing the base through the admin API
 * with the browser's session, and filling the forms of the Groups, Rollouts and Decisions pages. Each page step starts
 * on its page, so a spec can check the page first.
 */

/** Saves `toml` as the org's draft through the admin API and, given a note, publishes it. */
export async function saveBase(page: Page, org: string, toml: string, note?: string) {
  const api = `/api/v1/orgs/${org}`;
  const revision = (await (await page.request.get(`${api}/draft`)).json()).revision as number;
  expect((await page.request.put(`${api}/draft`, { headers: { "If-Match": `"${revision}"`, "Content-Type": "application/toml" }, data: toml })).status()).toBe(200);
  if (note) expect((await page.request.post(`${api}/publish`, { data: { note } })).status()).toBe(201);
}

/** On the Groups page: creates group contractors (priority 10, hosts named ext-*) and lands on its page. */
export async function createContractorsGroup(page: Page, org: string) {
  await page.getByLabel("Name", { exact: true }).fill("contractors");
  await page.getByLabel("Priority").fill("10");
  await page.getByLabel("Rule: host name pattern").fill("ext-*");
  await page.getByRole("button", { name: "Create group" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${org}/groups/contractors$`));
}

/** On the Rollouts page: publishes the draft to a canary ring of 100 % of hosts soaking 60 minutes, then everyone; lands on rollout `version`. */
export async function publishToCanaryRing(page: Page, org: string, version: number) {
  await page.getByLabel("Ring 1 name").fill("canary");
  await page.getByLabel("Ring 1 percent").fill("100");
  await page.getByLabel("Soak minutes").fill("60");
  await page.getByLabel("Note", { exact: true }).fill("residency in the US");
  await page.getByRole("button", { name: "Publish to rings" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${org}/rollouts/${version}$`));
}

/** Switches decision collection on from the Decisions page, keeping decisions long enough that the captured fixtures stay inside retention whenever this runs. */
export async function collectDecisions(page: Page, org: string, relayPort?: number) {
  await page.goto(`/o/${org}/decisions`);
  const form = page.getByRole("form", { name: "Collection settings" });
  await form.getByLabel("Collect decisions from hosts").check();
  if (relayPort !== undefined) await form.getByLabel("Relay port (loopback)").fill(String(relayPort));
  await form.getByLabel("Keep decisions (days)").fill("3650");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "now carries the [otel] section" })).toBeVisible();
}

/** Sends each run's real Codex logs to the host relay's OTLP receiver (the minimal run as protobuf, the rest as JSON). */
export async function sendThroughRelay(relayPort: number, runs: readonly Run[]) {
  for (const run of runs) {
    for (const body of logBodies(run)) {
      const protobuf = run === "0.171.0-min";
      const res = await fetch(`http://127.0.0.1:${relayPort}/v1/logs`, {
        method: "POST",
        headers: { "content-type": protobuf ? "application/x-protobuf" : "application/json" },
        body: protobuf ? Uint8Array.from(toProtobuf(body.bytes)) : Uint8Array.from(body.bytes),
      });
      expect(res.status).toBe(200);
    }
  }
}

/** On the Decisions page: replays a pasted tenant policy on the stored decisions and lands on the replay's page. */
export async function replayPastedPolicy(page: Page, policy: string) {
  const form = page.getByRole("form", { name: "Replay a policy" });
  await form.getByLabel("Policy").selectOption("pasted");
  await form.getByLabel("Tenant policy text").fill(policy);
  await form.getByRole("button", { name: "Replay" }).click();
  await expect(page).toHaveURL(/\/decisions\/replays\//);
}
