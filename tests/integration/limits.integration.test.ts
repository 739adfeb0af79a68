import { beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../lib/errors";
import type { OrgContext } from "../../lib/auth/actor";
import { getDraft, publishDraft, saveDraft } from "../../lib/policies";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

const db = useTestDb();
beforeEach(() => resetDb(db));

// The draft from the report: one key of 50,000 dotted parts, which overflowed every recursive walk of the document.
const DEEP = `"a"${".a".repeat(50_000)} = 1\n`;
const GOOD = `allowed_approvals_reviewers = ["user"]\n`;

async function owner(): Promise<OrgContext> {
  const { org, actor } = await makeOrgWithMember(db, "owner");
  return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
}

async function errorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected an AppError");
}

describe("requirements limits on drafts", () => {
  it("refuses to save a draft past the depth limit, naming the limit, and keeps the draft", async () => {
    const ctx = await owner();
    await saveDraft(db, ctx, { toml: "a = [", baseRevision: 0 }, testRequest);
    const err = await errorOf(saveDraft(db, ctx, { toml: DEEP, baseRevision: 1 }, testRequest));
    expect(err.status).toBe(422);
    expect(err.details).toMatchObject({ limit: "depth", max: 32 });
    expect((await getDraft(db, ctx))?.toml).toBe("a = [");
  });

  it("replaces a stored draft that is past the limits (saved before they existed), and refuses to publish it", async () => {
    const ctx = await owner();
    await saveDraft(db, ctx, { toml: GOOD, baseRevision: 0 }, testRequest);
    await db.draft.updateMany({ where: { orgId: ctx.org.id }, data: { toml: DEEP } });
    const publish = await errorOf(publishDraft(db, ctx, { baseRevision: 1, note: "deep" }, testRequest));
    expect(publish.status).toBe(422);
    expect(await saveDraft(db, ctx, { toml: GOOD, baseRevision: 1 }, testRequest)).toMatchObject({ revision: 2, changed: true });
    expect((await getDraft(db, ctx))?.toml).toBe(GOOD);
  });
});
