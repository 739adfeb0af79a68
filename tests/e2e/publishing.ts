import { expect, type APIRequestContext } from "@playwright/test";

/**
 * The policy API as the agent and pull specs drive it with an owner's session: read the draft, publish a text as the
 * next version, wait until the bundle endpoint serves a version to a token, and put the draft back afterwards.
 */
export function publishing(api: APIRequestContext, org = "acme") {
  const base = `/api/v1/orgs/${org}`;

  async function draft() {
    const res = await api.get(`${base}/draft`);
    expect(res.status()).toBe(200);
    return { etag: res.headers()["etag"], toml: ((await res.json()) as { toml: string }).toml };
  }

  /** Publishes `toml` as the next version through the admin API and returns it. */
  async function publish(toml: string, note: string) {
    const { etag } = await draft();
    expect((await api.put(`${base}/draft`, { data: toml, headers: { "Content-Type": "text/plain", "If-Match": etag } })).status()).toBe(200);
    const res = await api.post(`${base}/publish`, { data: { note } });
    expect(res.status()).toBe(201);
    return { number: ((await res.json()) as { number: number }).number, toml };
  }

  /** The bundle endpoint serves from memory; a publish reaches it within one freshness poll. */
  async function servedVersion(token: string, n: number) {
    await expect
      .poll(async () => (await api.get("/api/v1/agent/bundle", { headers: { Authorization: `Bearer ${token}` } })).headers()["x-charter-version"])
      .toBe(String(n));
  }

  /** Puts the draft back as it was before the spec, so the specs after it read the seeded one. */
  async function restoreDraft(original: string) {
    const now = await draft();
    if (now.toml !== original) await api.put(`${base}/draft`, { data: original, headers: { "Content-Type": "text/plain", "If-Match": now.etag } });
  }

  return { draft, publish, servedVersion, restoreDraft };
}
