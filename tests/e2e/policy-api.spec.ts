import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { signIn } from "./fixtures";

// The policy admin API over real HTTP, as the signed-in demo owner (session cookie). Every test leaves the draft as it
// found it, so the console specs still see the seeded text.
const API = "/api/v1/orgs/acme";

async function ownerApi(page: Page): Promise<APIRequestContext> {
  await signIn(page);
  await expect(page).toHaveURL(/\/o\/acme\//);
  return page.request; // shares the browser context's session cookie
}

async function getDraft(api: APIRequestContext) {
  const res = await api.get(`${API}/draft`);
  expect(res.status()).toBe(200);
  return { etag: res.headers()["etag"], body: (await res.json()) as { toml: string; revision: number } };
}

async function putDraft(api: APIRequestContext, toml: string, ifMatch?: string) {
  return api.put(`${API}/draft`, { data: toml, headers: { "Content-Type": "text/plain", ...(ifMatch ? { "If-Match": ifMatch } : {}) } });
}

/** Runs `work`, then puts the original draft text back. */
async function keepingDraft(api: APIRequestContext, work: (original: string) => Promise<void>) {
  const original = (await getDraft(api)).body.toml;
  try {
    await work(original);
  } finally {
    const now = await getDraft(api);
    if (now.body.toml !== original) expect((await putDraft(api, original, now.etag)).status()).toBe(200);
  }
}

test("the OpenAPI document is public and describes the policy routes", async ({ request }) => {
  const res = await request.get("/api/v1/openapi.json");
  expect(res.status()).toBe(200);
  const doc = await res.json();
  expect(doc.openapi).toBe("3.1.0");
  for (const p of ["/draft", "/validate", "/publish", "/versions", "/versions/{number}", "/versions/{number}/restore", "/diff", "/changes", "/changes/{number}/approve"]) {
    expect(Object.keys(doc.paths)).toContain(`/api/v1/orgs/{org}${p}`);
  }
  // Each operation documents its own body, generated from its input schema (lib/ops).
  expect(doc.paths["/api/v1/orgs/{org}/publish"].post.requestBody.content["application/json"].schema.required).toContain("note");
});

test("without a session or token every policy route answers 401 in the error format", async ({ request }) => {
  for (const [method, path] of [["GET", "/draft"], ["PUT", "/draft"], ["POST", "/validate"], ["POST", "/publish"], ["GET", "/versions"], ["GET", "/diff?from=0&to=1"], ["POST", "/changes"]] as const) {
    const res = await request.fetch(`${API}${path}`, { method, data: method === "GET" ? undefined : "{}" });
    expect(res.status(), `${method} ${path}`).toBe(401);
    expect((await res.json()).error.code).toBe("unauthenticated");
  }
  expect((await request.get(`${API}/versions`, { headers: { Authorization: "Bearer chr_not-a-real-token" } })).status()).toBe(401);
});

test("a draft PUT needs If-Match: 428 without it, 412 with a stale revision (with their text), 200 on the current one", async ({ page }) => {
  const api = await ownerApi(page);
  await keepingDraft(api, async (original) => {
    const { etag, body } = await getDraft(api);
    expect(etag).toBe(`"${body.revision}"`);

    const missing = await putDraft(api, `${original}\n# no precondition\n`);
    expect(missing.status()).toBe(428);
    expect((await missing.json()).error.code).toBe("precondition_required");

    const ok = await putDraft(api, `${original}\n# saved over HTTP\n`, etag);
    expect(ok.status()).toBe(200);
    const next = `"${body.revision + 1}"`;
    expect(ok.headers()["etag"]).toBe(next);

    const stale = await putDraft(api, `${original}\n# based on the old revision\n`, etag);
    expect(stale.status()).toBe(412);
    const err = (await stale.json()).error;
    expect(err.code).toBe("precondition_failed");
    expect(err.details.theirs).toMatchObject({ revision: body.revision + 1, toml: `${original}\n# saved over HTTP\n` });
    expect((await getDraft(api)).body.toml).toBe(`${original}\n# saved over HTTP\n`);

    const json = await api.put(`${API}/draft`, { data: { toml: `${original}\n# as JSON\n` }, headers: { "If-Match": next } });
    expect(json.status()).toBe(200);
  });
});

test("oversized and malformed bodies are refused with 413 and 422, and change nothing", async ({ page }) => {
  const api = await ownerApi(page);
  const before = await getDraft(api);
  const huge = await putDraft(api, "#".repeat(2 * 1024 * 1024 + 10), before.etag);
  expect(huge.status()).toBe(413);
  expect((await huge.json()).error.code).toBe("payload_too_large");
  const overPolicy = await putDraft(api, "#".repeat(1024 * 1024 + 1), before.etag);
  expect(overPolicy.status()).toBe(413);

  const badJson = await api.post(`${API}/publish`, { data: "{not json", headers: { "Content-Type": "application/json" } });
  expect(badJson.status()).toBe(422);
  const noNote = await api.post(`${API}/publish`, { data: { note: "  " } });
  expect(noNote.status()).toBe(422);
  expect((await noNote.json()).error.message).toMatch(/^note: /);
  const badDiff = await api.get(`${API}/diff?from=x&to=1`);
  expect(badDiff.status()).toBe(422);
  expect((await getDraft(api)).body.revision).toBe(before.body.revision);
});

test("validate answers Codex's verdict with positioned diagnostics and stores nothing", async ({ page }) => {
  const api = await ownerApi(page);
  const bad = await api.post(`${API}/validate`, { data: 'allowed_sandbox_modes = ["workspace-write"]\n', headers: { "Content-Type": "text/plain" } });
  expect(bad.status()).toBe(200);
  const verdict = await bad.json();
  expect(verdict.valid).toBe(false);
  expect(verdict.codexVersion).toMatch(/^0\.\d+/);
  expect(verdict.diagnostics[0]).toMatchObject({ severity: "error", line: 1 });
  const good = await api.post(`${API}/validate`, { data: { toml: 'allowed_sandbox_modes = ["read-only"]\n' } });
  expect((await good.json()).valid).toBe(true);
});

test("publish, list, get (JSON and raw TOML), diff with a WIDENS verdict, and restore", async ({ page }) => {
  const api = await ownerApi(page);
  await keepingDraft(api, async (original) => {
    const start = await getDraft(api);
    // Whatever the server's history, make sure the next publish has something to ship.
    const marker = `# e2e ${Date.now()}`;
    const narrow = `${marker}\nallowed_sandbox_modes = ["read-only"]\nallowed_approvals_reviewers = ["user"]\n`;
    const wide = `${marker}\nallowed_sandbox_modes = ["read-only", "danger-full-access"]\nallowed_approvals_reviewers = ["user", "auto_review"]\n`;

    expect((await putDraft(api, narrow, start.etag)).status()).toBe(200);
    const first = await api.post(`${API}/publish`, { data: { note: "narrow baseline" } });
    expect(first.status()).toBe(201);
    const v1 = await first.json();
    expect(v1).toMatchObject({ note: "narrow baseline", author: "owner@acme.example" });
    expect(v1.sha256).toMatch(/^[0-9a-f]{64}$/);

    const again = await api.post(`${API}/publish`, { data: { note: "same text" } });
    expect(again.status()).toBe(409);

    const d = await getDraft(api);
    expect((await putDraft(api, wide, d.etag)).status()).toBe(200);
    const v2 = await (await api.post(`${API}/publish`, { data: { note: "widen", baseRevision: d.body.revision + 1 } })).json();
    expect(v2.number).toBe(v1.number + 1);
    expect(v2.wider.verdict).toBe("WIDENS");

    const list = (await (await api.get(`${API}/versions`)).json()).versions;
    expect(list[0]).toMatchObject({ number: v2.number, note: "widen" });
    const raw = await api.get(`${API}/versions/${v1.number}?format=toml`);
    expect(raw.headers()["content-type"]).toContain("application/toml");
    expect(await raw.text()).toBe(narrow);
    expect((await api.get(`${API}/versions/999999`)).status()).toBe(404);

    const diff = await (await api.get(`${API}/diff?from=${v1.number}&to=${v2.number}`)).json();
    expect(diff.wider.verdict).toBe("WIDENS");
    expect(diff.wider.reasons.join("\n")).toContain("danger-full-access");
    expect(diff.changes.map((c: { summary: string }) => c.summary).join("\n")).toContain("auto_review");
    expect(diff.textDiff.unified).toContain('+allowed_sandbox_modes = ["read-only", "danger-full-access"]');

    const restored = await api.post(`${API}/versions/${v1.number}/restore`, { data: { note: "undo the widening" } });
    expect(restored.status()).toBe(201);
    const r = await restored.json();
    expect(r).toMatchObject({ kind: "version", version: { number: v2.number + 1, restoredFromNumber: v1.number, sha256: v1.sha256 } });
    void original;
  });
});

test("change requests over the API: open from the draft, self-approval refused, publish with zero approvals required", async ({ page }) => {
  const api = await ownerApi(page);
  await keepingDraft(api, async () => {
    const d = await getDraft(api);
    const text = `# e2e change request ${Date.now()}\nallowed_sandbox_modes = ["read-only"]\n`;
    expect((await putDraft(api, text, d.etag)).status()).toBe(200);
    const opened = await api.post(`${API}/changes`, { data: { title: "Read-only everywhere", note: "tighten" } });
    expect(opened.status()).toBe(201);
    const { number } = await opened.json();
    const self = await api.post(`${API}/changes/${number}/approve`, { data: { comment: "mine" } });
    expect(self.status()).toBe(403);
    expect((await self.json()).error.message).toBe("You cannot approve your own change.");
    const view = await (await api.get(`${API}/changes/${number}`)).json();
    expect(view).toMatchObject({ title: "Read-only everywhere", validation: { valid: true }, state: "approved", approvals: [] });
    const published = await api.post(`${API}/changes/${number}/publish`);
    expect(published.status()).toBe(201);
    expect((await published.json()).changeRequestNumber).toBe(number);
    expect((await (await api.get(`${API}/changes/${number}`)).json()).state).toBe("published");
  });
});
