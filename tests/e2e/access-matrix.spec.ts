import { expect, request as playwrightRequest, test, type APIRequestContext, type BrowserContext } from "@playwright/test";
import { ACCESS_MATRIX, PRINCIPALS, STATUS, type Principal, type RouteRow } from "../security/access-matrix";
import { signIn } from "./fixtures";
import { createOrgViaUi, createTokenViaUi, inviteViaUi, joinAsNewUser, RUN } from "./org-flows";

// Every route of the access matrix, over real HTTP against `npm start`, as every principal. The principals are made
// the way people are: the owner invites each role, each invitee joins through /invite/<secret> with a new account,
// an outsider joins a second org the owner creates, and the owner creates one admin token per scope.
const ORG = "acme";
const OTHER_ORG = `other-${RUN}`;

const clients = {} as Record<Principal | "otherOrgToken", APIRequestContext>;
const contexts: BrowserContext[] = [];

test.beforeAll(async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const ownerContext = await browser.newContext();
  contexts.push(ownerContext);
  const page = await ownerContext.newPage();
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  clients.owner = ownerContext.request;

  for (const role of ["admin", "approver", "auditor", "viewer"] as const) {
    const email = `${role}-${RUN}@matrix.example`;
    const link = await inviteViaUi(page, ORG, email, role);
    const context = await joinAsNewUser(browser, link, email, ORG);
    contexts.push(context);
    clients[role] = context.request;
  }

  for (const scope of ["read", "write", "publish"] as const) {
    const secret = await createTokenViaUi(page, ORG, `matrix-${scope}-${RUN}`, [scope]);
    clients[`token:${scope}`] = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
  }

  // A second org: the outsider belongs to it only; its all-scopes token must not reach acme either.
  await createOrgViaUi(page, `Other ${RUN}`, OTHER_ORG);
  const outsiderEmail = `outsider-${RUN}@matrix.example`;
  const link = await inviteViaUi(page, OTHER_ORG, outsiderEmail, "owner");
  const outsider = await joinAsNewUser(browser, link, outsiderEmail, OTHER_ORG);
  contexts.push(outsider);
  clients.otherOrg = outsider.request;
  const otherSecret = await createTokenViaUi(page, OTHER_ORG, `other-all-${RUN}`, ["read", "write", "publish"]);
  clients.otherOrgToken = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${otherSecret}` } });

  clients.anonymous = await playwrightRequest.newContext({ baseURL });
  await page.close();
});

test.afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
});

async function call(client: APIRequestContext, row: RouteRow, org = ORG) {
  const { probe } = row;
  const response = await client.fetch(probe.path.replace("{org}", org), {
    method: row.method,
    headers: { ...(probe.contentType ? { "Content-Type": probe.contentType } : {}), ...probe.headers },
    data: probe.body,
    maxRedirects: 0,
  });
  return { status: response.status(), body: await response.text() };
}

/** Whether a status is what the matrix's outcome means for this row. */
function matches(row: RouteRow, outcome: string, status: number): boolean {
  if (outcome !== "allow") return status === STATUS[outcome as keyof typeof STATUS];
  if (row.allowStatus) return row.allowStatus.includes(status);
  if (row.method === "GET" || row.method === "HEAD") return status === 200;
  // Mutating probes send a body that passes the guard but fails validation: anything but a refusal or a crash.
  return status < 500 && ![401, 403, 404].includes(status);
}

const routes = ACCESS_MATRIX.filter((r): r is RouteRow => r.kind === "route");

for (const row of routes) {
  test(`${row.method} ${row.probe.path} answers every principal as the matrix says (${row.requires})`, async () => {
    const mismatches: string[] = [];
    for (const principal of PRINCIPALS) {
      const { status, body } = await call(clients[principal], row);
      const outcome = row.expect[principal];
      if (!matches(row, outcome, status)) mismatches.push(`${principal}: expected ${outcome}, got ${status} ${body.slice(0, 160)}`);
      // Not found means not found: an outsider's 404 carries nothing of the org.
      if (principal === "otherOrg" && outcome === "not_found" && /Acme Corp/.test(body)) mismatches.push(`otherOrg: 404 body names the org`);
    }
    expect(mismatches).toEqual([]);
  });
}

test("another org's token, with every scope, gets 404 on every org route of acme", async () => {
  const mismatches: string[] = [];
  for (const row of routes.filter((r) => r.probe.path.includes("{org}") && r.requires !== "public")) {
    const { status } = await call(clients.otherOrgToken, row);
    if (status !== 404) mismatches.push(`${row.method} ${row.probe.path}: ${status}`);
  }
  expect(mismatches).toEqual([]);
});

test("an outsider gets 404 on acme's console pages, never its data", async () => {
  for (const area of ["requirements", "settings", "audit"]) {
    const response = await clients.otherOrg.get(`/o/${ORG}/${area}`, { maxRedirects: 0 });
    expect(response.status(), area).toBe(404);
    expect(await response.text()).not.toContain("owner@acme.example");
  }
});
