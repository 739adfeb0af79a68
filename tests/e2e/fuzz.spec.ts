import { expect, test } from "@playwright/test";
import { ERROR_CODES } from "../../lib/errors";
import { OPERATIONS } from "../../lib/ops";
import { buildCorpus, discoverActions, discoverRoutes, judge, send } from "../security/fuzz-corpus";
import { signIn } from "./fixtures";

// The fuzz corpus (tests/security/fuzz-corpus.ts) against the real server `npm start` runs: every malformed request
// gets a 4xx in the error vocabulary, none a 5xx or a dropped connection, and the server is healthy afterwards.
const ORG = "acme";
const VOCABULARY = ERROR_CODES as readonly string[];

test("over 1,000 malformed requests to the admin API, the bundle endpoint and server actions: each refused with a 4xx, never a 5xx", async ({ page, baseURL }) => {
  test.setTimeout(600_000);
  const routes = discoverRoutes(process.cwd(), OPERATIONS.map((op) => ({ ...op.http, acceptsEmpty: op.input.safeParse({}).success })));
  const actions = discoverActions(process.cwd(), ORG);
  expect(routes.length).toBeGreaterThan(15);
  expect(actions.length).toBeGreaterThan(10);
  const corpus = buildCorpus(routes, actions, ORG);
  expect(corpus.length).toBeGreaterThanOrEqual(1000);

  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const draftBefore = await (await page.request.get(`/api/v1/orgs/${ORG}/draft`)).json();

  const failures: string[] = [];
  let sent = 0;
  for (const c of corpus) {
    const verdict = judge(c, await send(baseURL!, c, cookie), VOCABULARY);
    if (verdict !== null) failures.push(`${c.name}: ${verdict}`);
    sent++;
  }
  expect(failures, `${failures.length} of ${sent} cases`).toEqual([]);

  // Healthy afterwards, and nothing the corpus sent was saved.
  const health = await page.request.get("/api/health");
  expect(health.status()).toBe(200);
  expect((await health.json()).status).toBe("ok");
  expect(await (await page.request.get(`/api/v1/orgs/${ORG}/draft`)).json()).toEqual(draftBefore);
});
