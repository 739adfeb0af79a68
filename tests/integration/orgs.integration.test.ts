import { beforeEach, describe, expect, it } from "vitest";
import { listOrgs, orgContext } from "../../lib/orgs";
import { getDraft } from "../../lib/policies/draft";
import { codeOf, makeOrgWithMember, resetDb, useTestDb } from "./helpers";

const db = useTestDb();
beforeEach(() => resetDb(db));

describe("org scoping", () => {
  it("a member gets the context of their org with their role", async () => {
    const { org, actor } = await makeOrgWithMember(db, "auditor");
    const ctx = await orgContext(db, actor, org.slug);
    expect(ctx.org.id).toBe(org.id);
    expect(ctx.role).toBe("auditor");
  });

  it("a member of another org gets not_found, the same answer as for a missing org", async () => {
    const a = await makeOrgWithMember(db);
    const b = await makeOrgWithMember(db);
    expect(await codeOf(orgContext(db, b.actor, a.org.slug))).toBe("not_found");
    expect(await codeOf(orgContext(db, b.actor, "no-such-org"))).toBe("not_found");
  });

  it("a role without the permission gets forbidden", async () => {
    const { org, actor } = await makeOrgWithMember(db, "viewer");
    expect(await codeOf(orgContext(db, actor, org.slug, "policy:edit"))).toBe("forbidden");
    expect(await codeOf(orgContext(db, actor, org.slug, "org:read"))).toBe("ok");
  });

  it("the draft read is scoped to the context's org", async () => {
    const a = await makeOrgWithMember(db);
    const b = await makeOrgWithMember(db);
    await db.draft.create({ data: { orgId: a.org.id, toml: 'allowed_sandbox_modes = ["read-only"]\n' } });
    const ctxA = await orgContext(db, a.actor, a.org.slug);
    const ctxB = await orgContext(db, b.actor, b.org.slug);
    expect((await getDraft(db, ctxA))?.toml).toBe('allowed_sandbox_modes = ["read-only"]\n');
    expect(await getDraft(db, ctxB)).toBeNull();
  });

  it("lists only the actor's own orgs, with roles", async () => {
    const a = await makeOrgWithMember(db, "approver");
    await makeOrgWithMember(db);
    expect(await listOrgs(db, a.actor)).toEqual([{ slug: a.org.slug, name: a.org.name, role: "approver" }]);
  });
});
