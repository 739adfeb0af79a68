import { expect, test, type Page, type Request } from "@playwright/test";
import { DEMO_OWNER_EMAIL, expectAccessible, signIn } from "./fixtures";
import { acceptWithNewAccount, createOrgViaUi, createTokenViaUi, inviteViaUi, NEW_PASSWORD, RUN } from "./org-flows";

/** Records the next server-action POST the page sends (its Next-Action id, headers and encoded arguments). */
function captureAction(page: Page): Promise<Request> {
  return page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]);
}

test("an owner invites a colleague as auditor; the colleague joins with a new account, reads Audit and Settings, and can change nothing", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const email = `auditor-${RUN}@colleague.example`;
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);

  const link = await inviteViaUi(page, "acme", email, "auditor");
  const invite = page.getByRole("region", { name: "Invite" });
  await expect(invite.getByText("This link is shown only once")).toBeVisible();
  await expect(page.getByRole("table", { name: "Pending invitations" }).getByRole("row", { name: new RegExp(email) })).toContainText("auditor");
  await expectAccessible(page);

  // The colleague: no account yet, so the link offers to create one for exactly the invited address.
  const colleague = await browser.newContext();
  const cpage = await colleague.newPage();
  await cpage.goto(link);
  await expect(cpage.getByRole("heading", { name: "Join Acme Corp" })).toBeVisible();
  await expect(cpage.getByTestId("invited-role")).toHaveText("auditor");
  await expectAccessible(cpage);
  await acceptWithNewAccount(cpage, link, "Colleague Auditor");
  await cpage.getByRole("link", { name: "Sign in", exact: true }).click();
  await cpage.getByLabel("Email").fill(email);
  await cpage.getByLabel("Password").fill(NEW_PASSWORD);
  await cpage.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(cpage).toHaveURL(/\/o\/acme\/requirements$/);

  // The link was single-use.
  await cpage.goto(link);
  await expect(cpage.getByRole("alert").filter({ hasText: "already used" })).toBeVisible();

  // Audit: readable.
  await cpage.goto("/o/acme/audit");
  expect((await cpage.request.get("/o/acme/audit")).status()).toBe(200);
  await expect(cpage.getByRole("heading", { name: "Audit", level: 1 })).toBeVisible();

  // Settings: read-only — members listed, no role pickers, no invite form, no token controls, no settings form.
  await cpage.goto("/o/acme/settings");
  const members = cpage.getByRole("table", { name: "Members" });
  await expect(members.getByTestId(`member-${email}`)).toContainText("you");
  await expect(members.getByTestId(`member-${email}`)).toContainText("auditor");
  await expect(members.getByTestId(`member-${DEMO_OWNER_EMAIL}`)).toContainText("owner");
  await expect(cpage.getByRole("combobox", { name: /^Role of / })).toHaveCount(0);
  await expect(cpage.getByRole("button", { name: /^Remove/ })).toHaveCount(0);
  await expect(cpage.getByRole("region", { name: "Invite" })).toHaveCount(0);
  await expect(cpage.getByRole("button", { name: "Create token" })).toHaveCount(0);
  await expect(cpage.getByText("Only owners see and manage API tokens.")).toBeVisible();
  await expect(cpage.getByLabel("Approvals required to publish")).toHaveCount(0);
  await expect(cpage.getByTestId("approvals-required")).toBeVisible();
  await expectAccessible(cpage);

  // Forcing the server actions anyway: replay the owner's real requests with the auditor's session.
  await page.goto("/o/acme/settings");
  const roleOfColleague = page.getByRole("combobox", { name: `Role of ${email}` });
  await roleOfColleague.selectOption("viewer");
  await expect(roleOfColleague).toHaveValue("viewer");
  const changeRole = captureAction(page);
  await roleOfColleague.selectOption("auditor");
  const changeRoleRequest = await changeRole;
  await expect(page.getByTestId(`member-${email}`)).toBeVisible();

  const createToken = captureAction(page);
  await createTokenViaUi(page, "acme", `owner-probe-${RUN}`, ["read"]);
  const createTokenRequest = await createToken;

  const replay = async (req: Request, body: string) => {
    const headers = { ...req.headers() };
    delete headers.cookie;
    const res = await colleague.request.post(req.url(), { headers, data: body });
    return res.text();
  };
  // The auditor tries to make themself owner, and to mint a token of their own.
  const promote = await replay(changeRoleRequest, changeRoleRequest.postData()!.replace('"auditor"', '"owner"'));
  expect(promote).toContain('"code":"forbidden"');
  const mint = await replay(createTokenRequest, createTokenRequest.postData()!.replace(`owner-probe-${RUN}`, `auditor-token-${RUN}`));
  expect(mint).toContain('"code":"forbidden"');

  await page.goto("/o/acme/settings");
  await expect(page.getByRole("combobox", { name: `Role of ${email}` })).toHaveValue("auditor");
  await expect(page.getByTestId(`token-auditor-token-${RUN}`)).toHaveCount(0);
  await colleague.close();
});

test("the last owner can be neither removed nor demoted: a clear error, and nothing changes", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  await page.goto("/o/acme/settings");
  const me = page.getByTestId(`member-${DEMO_OWNER_EMAIL}`);
  await expect(me).toContainText("you");

  await me.getByRole("button", { name: `Remove ${DEMO_OWNER_EMAIL}` }).click();
  await expect(me).toContainText("Remove yourself?");
  await me.getByRole("button", { name: "Confirm removal" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "an organisation needs at least one owner" })).toBeVisible();

  await me.getByRole("combobox", { name: `Role of ${DEMO_OWNER_EMAIL}` }).selectOption("admin");
  await expect(page.getByRole("alert").filter({ hasText: `${DEMO_OWNER_EMAIL} stays owner` })).toBeVisible();

  await page.reload();
  await expect(page.getByRole("combobox", { name: `Role of ${DEMO_OWNER_EMAIL}` })).toHaveValue("owner");
});

test("an API token is shown once, listed by its prefix, works, records its last use, and stops working when revoked", async ({ page, request }) => {
  const name = `ci-${RUN}`;
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const secret = await createTokenViaUi(page, "acme", name, ["read", "publish"], "90 days");
  const section = page.getByRole("region", { name: "API tokens" });
  await expect(section.getByText("It is shown only once")).toBeVisible();
  const row = section.getByTestId(`token-${name}`);
  await expect(row).toContainText(`${secret.slice(0, 12)}…`);
  await expect(row).toContainText("read, publish");
  await expect(row).toContainText(DEMO_OWNER_EMAIL);
  await expect(row).toContainText("active");
  await expectAccessible(page);

  await section.getByRole("button", { name: "I have copied it" }).click();
  await expect(page.locator("body")).not.toContainText(secret);
  await page.reload();
  expect(await page.content()).not.toContain(secret);

  const verify = () => request.get("/api/v1/orgs/acme/audit/verify", { headers: { Authorization: `Bearer ${secret}` } });
  expect((await verify()).status()).toBe(200);
  await page.reload();
  await expect(section.getByTestId(`token-${name}`).locator("td").nth(6)).not.toHaveText("never");

  await section.getByRole("button", { name: `Revoke token ${name}` }).click();
  await section.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(section.getByTestId(`token-${name}`)).toContainText("revoked");
  expect((await verify()).status()).toBe(401);
});

test("any signed-in user creates an organisation, owns it, and switches between orgs in the shell", async ({ page }) => {
  const slug = `new-${RUN}`;
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  await createOrgViaUi(page, `New ${RUN}`, slug);
  await expect(page.getByTestId("org-name")).toHaveText(`New ${RUN}`);
  await expect(page.getByTestId(`member-${DEMO_OWNER_EMAIL}`)).toContainText("you");
  await expect(page.getByRole("combobox", { name: `Role of ${DEMO_OWNER_EMAIL}` })).toHaveValue("owner");

  // A taken address is refused with a clear message.
  await page.goto("/orgs/new");
  await page.getByLabel("Name").fill("Duplicate");
  await page.getByLabel("Address").fill(slug);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "is taken" })).toBeVisible();

  await page.goto(`/o/${slug}/settings`);
  const switcher = page.getByLabel("Switch organisation");
  await expect(switcher).toHaveValue(slug);
  await switcher.selectOption("acme");
  await expect(page).toHaveURL(/\/o\/acme\/settings$/);
  await expect(page.getByTestId("org-name")).toHaveText("Acme Corp");
  await expectAccessible(page);
});
