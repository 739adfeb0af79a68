import { expect, test } from "@playwright/test";
import { DEMO_OWNER_EMAIL, expectAccessible, signIn } from "./fixtures";

const API = "/api/v1/orgs/acme/audit";

test("the audit API answers the owner: verify, JSONL and CSV downloads, the list, and 422 for bad parameters", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const api = page.request; // carries the owner's session cookie

  const verify = await api.get(`${API}/verify`);
  expect(verify.status()).toBe(200);
  const verified = await verify.json();
  expect(verified).toMatchObject({ org: "acme", ok: true });
  expect(typeof verified.count).toBe("number");

  const jsonl = await api.get(`${API}/export?format=jsonl`);
  expect(jsonl.status()).toBe(200);
  expect(jsonl.headers()["content-type"]).toBe("application/x-ndjson; charset=utf-8");
  expect(jsonl.headers()["content-disposition"]).toMatch(/^attachment; filename="charter-audit-acme-\d{8}T\d{6}Z\.jsonl"$/);
  for (const line of (await jsonl.text()).split("\n").filter(Boolean)) expect(JSON.parse(line)).toHaveProperty("hash");

  const csv = await api.get(`${API}/export?format=csv&action=audit.exported`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(csv.headers()["content-disposition"]).toMatch(/\.csv"$/);
  const csvText = await csv.text();
  expect(csvText.split("\r\n")[0]).toBe("id,seq,time,actor_type,actor_id,actor,action,target_type,target_id,diff,meta,request_id,ip,prev_hash,hash");
  // The JSONL export above was itself audited, so the CSV of audit.exported events has at least that row.
  expect(csvText).toContain(`,${DEMO_OWNER_EMAIL},audit.exported,audit_log,`);

  const list = await api.get(`${API}?action=audit.exported&limit=5`);
  expect(list.status()).toBe(200);
  const body = await list.json();
  expect(body.events[0]).toMatchObject({ action: "audit.exported", actor: { type: "user", label: DEMO_OWNER_EMAIL }, meta: { format: "csv", filter: { action: "audit.exported" } } });
  expect(body.events[0].requestId).toBeTruthy();

  const badLimit = await api.get(`${API}?limit=lots`);
  expect(badLimit.status()).toBe(422);
  expect((await badLimit.json()).error).toMatchObject({ code: "validation_failed" });
  const badFormat = await api.get(`${API}/export?format=xml`);
  expect(badFormat.status()).toBe(422);
  expect((await badFormat.json()).error.message).toContain("format");
  const badDate = await api.get(`${API}?from=yesterday`);
  expect(badDate.status()).toBe(422);
});

test("the audit API refuses callers without a session or with an unknown token", async ({ request }) => {
  expect((await request.get(`${API}/verify`)).status()).toBe(401);
  const bogus = await request.get(`${API}/export?format=csv`, { headers: { Authorization: "Bearer chr_not-a-real-token-at-all-0000000000" } });
  expect(bogus.status()).toBe(401);
  expect((await bogus.json()).error.code).toBe("unauthenticated");
});

test("the owner reads the audit log: filter form, verification badge, events with details, filtered export links", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  // An export is an audited event, so the log has at least one row to show.
  expect((await page.request.get(`${API}/export?format=jsonl`)).status()).toBe(200);

  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Audit" }).click();
  await expect(page).toHaveURL(/\/o\/acme\/audit$/);
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await expect(page.getByTestId("chain-status")).toHaveText(/Chain intact · \d+ events?/);

  const form = page.getByRole("form", { name: "Filter events" });
  for (const label of ["Actor", "Action", "Target", "From", "To"]) await expect(form.getByLabel(label, { exact: true })).toBeVisible();
  const table = page.getByRole("table", { name: "Audit events, newest first" });
  const row = table.getByRole("row").filter({ hasText: "audit.exported" }).first();
  await expect(row).toContainText(DEMO_OWNER_EMAIL);
  await row.getByText(/format: jsonl/).click();
  await expect(row.getByText("filter", { exact: true })).toBeVisible();
  await expectAccessible(page);

  await form.getByLabel("Action", { exact: true }).selectOption("audit.exported");
  await form.getByLabel("Actor", { exact: true }).fill("owner@");
  const today = new Date().toISOString().slice(0, 10);
  await form.getByLabel("From", { exact: true }).fill(today);
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/action=audit\.exported/);
  await expect(page).toHaveURL(new RegExp(`from=${today}`));
  // The filtered table replaces the loading state; wait for its rows before reading them.
  await expect(table.locator("tbody tr td:nth-child(4)").first()).toHaveText("audit.exported");
  const actions = await table.locator("tbody tr td:nth-child(4)").allTextContents();
  expect(actions.length).toBeGreaterThan(0);
  expect(new Set(actions)).toEqual(new Set(["audit.exported"]));
  const csvLink = page.getByRole("link", { name: "CSV" });
  await expect(csvLink).toHaveAttribute("href", /\/api\/v1\/orgs\/acme\/audit\/export\?format=csv&actor=owner%40&action=audit\.exported/);
  await expect(csvLink).toHaveAttribute("download", "");
  const download = await page.request.get((await csvLink.getAttribute("href"))!);
  expect(download.status()).toBe(200);
  expect(await download.text()).toContain("audit.exported");

  await form.getByLabel("To", { exact: true }).fill("2000-01-01");
  await form.getByLabel("From", { exact: true }).fill("");
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByText("No events match these filters")).toBeVisible();
  await page.getByRole("link", { name: "Show all events" }).click();
  await expect(page).toHaveURL(/\/o\/acme\/audit$/);
  await expectAccessible(page);
});
