import { beforeEach, describe, expect, it } from "vitest";
import type { OrgContext } from "../../lib/auth/actor";
import { getProviderSettings, saveProviderSettings } from "../../lib/sandbox";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

const db = useTestDb();
beforeEach(() => resetDb(db));

async function owner(): Promise<OrgContext> {
  const { org, actor } = await makeOrgWithMember(db, "owner");
  return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
}

const lastEvent = (orgId: string) => db.auditEvent.findFirstOrThrow({ where: { orgId, action: "sandbox.provider_updated" }, orderBy: { seq: "desc" } });

describe("the sandbox provider's stored key follows its base URL", () => {
  it("refuses a new base URL without the key, changing nothing, so the stored key never goes to a host nobody entered it for", async () => {
    const ctx = await owner();
    await saveProviderSettings(db, ctx, { baseUrl: "https://llm.example.com/v1", model: "m", apiKey: "sk-first-key-1234" }, testRequest);
    const events = await db.auditEvent.count({ where: { orgId: ctx.org.id } });
    await expect(saveProviderSettings(db, ctx, { baseUrl: "https://attacker.example/v1", model: "m" }, testRequest)).rejects.toMatchObject({
      code: "validation_failed",
      message: expect.stringContaining("enter the API key again"),
    });
    expect(await getProviderSettings(db, ctx)).toMatchObject({ baseUrl: "https://llm.example.com/v1", hasApiKey: true });
    expect(await db.auditEvent.count({ where: { orgId: ctx.org.id } })).toBe(events);
  });

  it("accepts the new URL with the key entered again, or with the key removed, and the audit event says why", async () => {
    const ctx = await owner();
    await saveProviderSettings(db, ctx, { baseUrl: "https://llm.example.com/v1", model: "m", apiKey: "sk-first-key-1234" }, testRequest);
    await saveProviderSettings(db, ctx, { baseUrl: "https://other.example/v1", model: "m", apiKey: "sk-second-key-5678" }, testRequest);
    expect(await getProviderSettings(db, ctx)).toMatchObject({ baseUrl: "https://other.example/v1", apiKeyHint: "…5678" });
    expect(await lastEvent(ctx.org.id)).toMatchObject({
      diff: { baseUrl: { before: "https://llm.example.com/v1", after: "https://other.example/v1" }, apiKey: { before: "[redacted]", after: "[redacted]" } },
      meta: { baseUrlChange: "the API key was entered again because the base URL changed" },
    });
    await saveProviderSettings(db, ctx, { baseUrl: "https://third.example/v1", model: "m", clearApiKey: true }, testRequest);
    expect(await getProviderSettings(db, ctx)).toMatchObject({ baseUrl: "https://third.example/v1", hasApiKey: false });
    expect((await lastEvent(ctx.org.id)).meta).toEqual({ baseUrlChange: "the stored API key was removed because the base URL changed" });
    // Without a stored key there is nothing to protect: the URL changes freely.
    await expect(saveProviderSettings(db, ctx, { baseUrl: "https://fourth.example/v1", model: "m" }, testRequest)).resolves.toMatchObject({ baseUrl: "https://fourth.example/v1" });
  });
});
