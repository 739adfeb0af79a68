import { expect, test } from "@playwright/test";

test("GET /api/health reports the service and its database up", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ status: "ok", db: "ok" });
  expect(res.headers()["cache-control"]).toBe("no-store");
});

test("responses carry the security headers", async ({ request }) => {
  const res = await request.get("/signin");
  expect(res.headers()["x-frame-options"]).toBe("DENY");
  expect(res.headers()["x-content-type-options"]).toBe("nosniff");
  expect(res.headers()["x-powered-by"]).toBeUndefined();
});
