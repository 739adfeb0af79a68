import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { DecisionRelay } from "../../packages/agent/src/relay";
import { RUNS } from "../support/codex-telemetry";
import { collectDecisions, replayPastedPolicy, sendThroughRelay } from "./console-steps";
import { expectAccessible, signIn } from "./fixtures";

// The whole loop in a real browser against `npm start`: real Codex output (tests/fixtures/codex-telemetry) goes
// through the host relay to Charter and shows up on the Decisions page; a stricter policy is replayed on it.

test.describe.configure({ mode: "serial" });

let context: BrowserContext;
let page: Page;
let token = "";
let relay: DecisionRelay;
let webhookSecret = "";
let stateDir = "";
// The org's SIEM: one local receiver for the signed webhook (/hook) and the OTLP/HTTP logs export (/v1/logs).
let siem: http.Server;
let siemUrl = "";
const received = { hook: [] as { headers: http.IncomingHttpHeaders; body: string }[], otlp: [] as { headers: http.IncomingHttpHeaders; body: string }[] };
// The fixtures were captured on 2026-11-27; the page's window is set to that day.
const DAY = "/o/acme/decisions?from=2026-11-27T00%3A00&to=2026-11-28T00%3A00";

test.beforeAll(async ({ browser }, info) => {
  context = await browser.newContext({ baseURL: String(info.project.use.baseURL) });
  page = await context.newPage();
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const name = `decisions-e2e-${Date.now()}`;
  await page.goto("/o/acme/agents");
  await page.getByLabel("Host or token name").fill(name);
  await page.getByRole("button", { name: "Create agent token" }).click();
  token = await page.getByLabel(`Secret of agent token ${name}`).inputValue();
  expect(token).toMatch(/^cha_/);
  stateDir = mkdtempSync(path.join(os.tmpdir(), "charter-e2e-relay-"));
  siem = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      (req.url === "/v1/logs" ? received.otlp : received.hook).push({ headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => siem.listen(0, "127.0.0.1", r));
  siemUrl = `http://127.0.0.1:${(siem.address() as { port: number }).port}`;
});

test.afterAll(async () => {
  await page?.request.delete("/api/v1/orgs/acme/webhook");
  await page?.request.delete("/api/v1/orgs/acme/decisions/otlp-export");
  await new Promise((r) => siem?.close(r));
  await relay?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  await context?.close();
});

test("an admin switches collection on: the draft gains Codex's [otel] section pointing at the relay", async () => {
  await collectDecisions(page, "acme", 4399);
  const draft = await (await page.request.get("/api/v1/orgs/acme/draft")).json();
  expect(draft.toml).toContain('[otel]\nlog_guardian_assessments = true\nexporter = { otlp-http = { endpoint = "http://127.0.0.1:4399/v1/logs", protocol = "json" } }');
});

test("an owner points the org's SIEM webhook and OTLP export at a receiver", async () => {
  const hook = await page.request.put("/api/v1/orgs/acme/webhook", { data: { url: `${siemUrl}/hook`, enabled: true } });
  expect(hook.status()).toBe(200);
  webhookSecret = (await hook.json()).secret;
  await page.goto("/o/acme/decisions");
  const form = page.getByRole("form", { name: "OTLP export" });
  await form.getByLabel("Logs endpoint (OTLP/HTTP)").fill(`${siemUrl}/v1/logs`);
  await form.getByLabel(/^Headers/).fill("Authorization: Bearer e2e-siem-credential");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved.");
  await expect(form.getByLabel(/^Headers/)).toHaveValue("");
  await expect(form).toContainText("saved: Authorization");
  await expectAccessible(page);
});

test("a host's real Codex output goes through the relay and shows up on the Decisions page", async ({ baseURL }) => {
  relay = new DecisionRelay({ server: new URL(baseURL!), token, org: "acme", stateDir, log: () => {} }, { port: 0, tickMs: 500, spool: { segmentMs: 0 } });
  await relay.start();
  await sendThroughRelay(relay.port, RUNS);
  await expect.poll(() => relay.status().uploaded, { timeout: 15_000 }).toBe(4);

  await page.goto(DAY);
  await expect(page.getByTestId("decisions-total-decisions")).toHaveText("4");
  await expect(page.getByTestId("decisions-total-denied")).toHaveText("2");
  await expect(page.getByTestId("decisions-total-deny-rate")).toHaveText("50.0 %");
  await expect(page.getByRole("img", { name: /Decisions per hour: 11-27 10h: 2 allowed, 2 denied/ })).toBeVisible();
  const table = page.getByRole("table", { name: "Decisions" });
  await expect(table.getByRole("row")).toHaveCount(5);
  await expect(table).toContainText("touch /opt/codex-hooks/outside/escalated.txt");
  await expectAccessible(page);

  await page.getByRole("link", { name: "high" }).first().click();
  await expect(page.getByTestId("decisions-total-decisions")).toHaveText("2");

  await page.goto(DAY + "&status=deny");
  await table.getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "Decision on exec_command" })).toBeVisible();
  await expect(page.getByText("MOCK-RATIONALE: writing outside the workspace was not requested.")).toBeVisible();
  await expect(page.getByTestId("decision-arguments")).toContainText('"sandbox_permissions": "require_escalated"');
  await expectAccessible(page);
});

test("the SIEM receives every decision once: signed on the webhook, as OTLP log records on the export", async () => {
  const hookIds = () =>
    received.hook.filter((r) => r.headers["x-charter-event"] === "decisions.recorded").flatMap((r) => (JSON.parse(r.body).data.decisions as { id: string }[]).map((d) => d.id));
  const attrs = (r: { key: string; value: Record<string, unknown> }[]) => Object.fromEntries(r.map((a) => [a.key, Object.values(a.value)[0]]));
  const otlpRecords = () =>
    received.otlp.flatMap((r) => (JSON.parse(r.body).resourceLogs as { scopeLogs: { logRecords: { attributes: { key: string; value: Record<string, unknown> }[] }[] }[] }[]).flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((l) => attrs(l.attributes)))));
  const otlpIds = () => otlpRecords().filter((a) => a["event.name"] === "charter.decision").map((a) => String(a["decision.id"]));
  // The server's delivery loop sends within seconds of the upload.
  await expect.poll(() => hookIds().length, { timeout: 30_000 }).toBe(RUNS.length);
  await expect.poll(() => otlpIds().length, { timeout: 30_000 }).toBe(RUNS.length);
  expect(new Set(hookIds()).size).toBe(RUNS.length);
  expect(new Set(otlpIds()).size).toBe(RUNS.length);
  expect([...hookIds()].sort()).toEqual([...otlpIds()].sort());
  for (const r of received.hook) {
    const ts = String(r.headers["x-charter-timestamp"]);
    expect(r.headers["x-charter-signature"]).toBe(`sha256=${createHmac("sha256", webhookSecret).update(`${ts}.${r.body}`).digest("hex")}`);
  }
  expect(received.otlp.every((r) => r.headers.authorization === "Bearer e2e-siem-credential")).toBe(true);
  // The audit log follows on the export too, starting with the export's own creation.
  await expect.poll(() => otlpRecords().filter((a) => a["event.name"] === "charter.audit").map((a) => a["audit.action"]), { timeout: 30_000 }).toContain("decisions.otlp_export.created");
});

test("an admin replays a stricter policy on the real requests and sees exactly which would now be denied", async () => {
  await page.goto("/o/acme/decisions");
  await replayPastedPolicy(page, "Never approve routine work that asks to run outside the sandbox.");
  await expect(page.getByRole("status")).toContainText("2 real decisions replayed: 1 would now be decided differently.", { timeout: 20_000 });
  const flips = page.getByRole("table", { name: "Flips" });
  await expect(flips.getByRole("row")).toHaveCount(2);
  await expect(flips).toContainText("allow");
  await expect(flips).toContainText("deny");
  await expect(flips).toContainText("touch /opt/codex-hooks/outside/escalated.txt");
  await expectAccessible(page);
});

test("a change request that rewrites the Auto-review policy shows on its review panel how many real decisions flip", async () => {
  const api = page.request;
  const draft = await api.get("/api/v1/orgs/acme/draft");
  const original = ((await draft.json()) as { toml: string }).toml;
  // The same stricter text the replay above was given, as the draft's policy (top-level keys come before any table).
  const policy = 'guardian_policy_config = """\nNever approve routine work that asks to run outside the sandbox.\n"""\n';
  const stricter = policy + original.replace(/^guardian_policy_config = """[\s\S]*?"""\n/m, "");
  expect((await api.put("/api/v1/orgs/acme/draft", { data: stricter, headers: { "Content-Type": "text/plain", "If-Match": draft.headers()["etag"] } })).status()).toBe(200);
  const opened = await api.post("/api/v1/orgs/acme/changes", { data: { title: "Stricter Auto-review", note: "no escalations" } });
  expect(opened.status()).toBe(201);
  const { number } = (await opened.json()) as { number: number };
  try {
    await page.goto(`/o/acme/changes/${number}`);
    const panel = page.getByTestId("decision-replay");
    await expect(panel.getByRole("heading", { name: "Replay on real decisions" })).toBeVisible();
    // The replay runs through the sandbox's queue; the panel says so until it is done.
    await expect(async () => {
      await page.reload();
      await expect(panel.getByTestId("replay-toward-deny")).toHaveText("0 of 2 real decisions flip toward deny", { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    // The same flip as the replay above (the test reviewer's answer to this text), now on the request's panel.
    await expect(panel.getByTestId("replay-toward-allow")).toHaveText("1 of 2 real decisions flip toward allow");
    await expectAccessible(page);
    await panel.getByRole("link", { name: "See which decisions flip" }).click();
    const flips = page.getByRole("table", { name: "Flips" });
    await expect(flips.getByRole("row")).toHaveCount(2);
    await expect(flips).toContainText("touch /opt/codex-hooks/outside/escalated.txt");
  } finally {
    await api.post(`/api/v1/orgs/acme/changes/${number}/withdraw`);
    const now = await api.get("/api/v1/orgs/acme/draft");
    await api.put("/api/v1/orgs/acme/draft", { data: original, headers: { "Content-Type": "text/plain", "If-Match": now.headers()["etag"] } });
  }
});
