import { beforeEach, describe, expect, it } from "vitest";
import type { OrgContext, UserActor } from "../../lib/auth/actor";
import { updateOrgSettings } from "../../lib/orgs/settings";
import { authenticateApiToken, createApiToken, listApiTokens } from "../../lib/tokens";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

const db = useTestDb();
beforeEach(() => resetDb(db));

async function owner(): Promise<OrgContext> {
  const { org, actor } = await makeOrgWithMember(db, "owner");
  return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
}

async function secondOwner(ctx: OrgContext): Promise<OrgContext> {
  const user = await db.user.create({ data: { email: `second-${ctx.org.slug}@example.test`, name: "Second" } });
  await db.membership.create({ data: { orgId: ctx.org.id, userId: user.id, role: "owner" } });
  const actor: UserActor = { type: "user", userId: user.id, email: user.email, name: "Second" };
  return { ...ctx, actor };
}

describe("admin API token lifetime and creator", () => {
  it("refuses tokens that never expire or outlive the owner's longest token life (90 days unless set)", async () => {
    const ctx = await owner();
    await expect(createApiToken(db, ctx, { name: "forever", scopes: ["read"], expiresInDays: null as unknown as number }, testRequest)).rejects.toMatchObject({ name: "ZodError", issues: [expect.objectContaining({ path: ["expiresInDays"] })] });
    await expect(createApiToken(db, ctx, { name: "long", scopes: ["read"], expiresInDays: 91 }, testRequest)).rejects.toMatchObject({ code: "validation_failed", details: { max: 90 } });
    await updateOrgSettings(db, ctx, { tokenMaxDays: 30 }, testRequest);
    await expect(createApiToken(db, ctx, { name: "sixty", scopes: ["read"], expiresInDays: 60 }, testRequest)).rejects.toMatchObject({ message: expect.stringContaining("at most 30 days") });
    const { token } = await createApiToken(db, ctx, { name: "thirty", scopes: ["read"], expiresInDays: 30 }, testRequest);
    expect(token.expiresAt!.getTime() - token.createdAt.getTime()).toBeLessThanOrEqual(30 * 86_400_000 + 1_000);
    const event = await db.auditEvent.findFirstOrThrow({ where: { orgId: ctx.org.id, action: "org.settings_updated" } });
    expect(event.diff).toEqual({ adminApiLifetimeDays: { before: 90, after: 30 } });
  });

  it("ends a token made before the owner shortened the longest life once it is older than the new limit", async () => {
    const ctx = await owner();
    const { token, secret } = await createApiToken(db, ctx, { name: "old", scopes: ["read"], expiresInDays: 90 }, testRequest);
    await db.apiToken.update({ where: { id: token.id }, data: { createdAt: new Date(Date.now() - 20 * 86_400_000) } });
    expect(await authenticateApiToken(db, secret)).not.toBeNull();
    await updateOrgSettings(db, ctx, { tokenMaxDays: 10 }, testRequest);
    expect(await authenticateApiToken(db, secret)).toBeNull();
  });

  it("ends a token when whoever made it leaves the org, and the console list says so", async () => {
    const ctx = await owner();
    const second = await secondOwner(ctx);
    const { secret } = await createApiToken(db, second, { name: "made-by-second", scopes: ["read"], expiresInDays: 30 }, testRequest);
    expect(await authenticateApiToken(db, secret)).toMatchObject({ name: "made-by-second" });
    expect((await listApiTokens(db, ctx))[0]).toMatchObject({ createdBy: { email: second.actor.type === "user" ? second.actor.email : "" }, creatorIsMember: true, lastUsedAt: expect.any(Date) });
    await db.membership.deleteMany({ where: { orgId: ctx.org.id, userId: (second.actor as UserActor).userId } });
    expect(await authenticateApiToken(db, secret)).toBeNull();
    expect((await listApiTokens(db, ctx))[0]).toMatchObject({ creatorIsMember: false });
  });
});
