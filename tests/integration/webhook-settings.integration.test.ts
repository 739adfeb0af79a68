import { beforeEach, describe, expect, it } from "vitest";
import { saveWebhook } from "../../lib/webhooks";
import { testRequest } from "../support/request";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";

const db = useTestDb();
beforeEach(() => resetDb(db));

describe("the org's webhook settings", () => {
  it("change the URL of an existing webhook and keep its signing secret; rotating gives a new one", async () => {
    const { actor, org } = await makeOrgWithMember(db, "owner");
    const ctx = { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" as const };
    const created = await saveWebhook(db, ctx, { url: "https://siem.example/a" }, testRequest);
    expect(created.secret).toMatch(/\S{20,}/);
    const sealed = (await db.orgWebhook.findUniqueOrThrow({ where: { orgId: org.id } })).secretSealed;

    // Saved again (a new URL, switched off): no new secret, the row updated, audited as an update.
    expect(await saveWebhook(db, ctx, { url: "https://siem.example/b", enabled: false }, testRequest)).toEqual({ secret: null });
    expect(await db.orgWebhook.findUniqueOrThrow({ where: { orgId: org.id } })).toMatchObject({ url: "https://siem.example/b", enabled: false, secretSealed: sealed });

    const rotated = await saveWebhook(db, ctx, { url: "https://siem.example/b", rotateSecret: true }, testRequest);
    expect(rotated.secret).not.toBe(created.secret);
    expect((await db.orgWebhook.findUniqueOrThrow({ where: { orgId: org.id } })).secretSealed).not.toBe(sealed);
    const actions = await db.auditEvent.findMany({ where: { orgId: org.id, action: { startsWith: "webhook." } }, orderBy: { seq: "asc" }, select: { action: true } });
    expect(actions.map((a) => a.action)).toEqual(["webhook.created", "webhook.updated", "webhook.updated"]);
  });
});
