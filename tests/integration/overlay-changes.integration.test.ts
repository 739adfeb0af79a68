import { beforeAll, describe, expect, it } from "vitest";
import type { OrgContext } from "../../lib/auth/actor";
import { AppError } from "../../lib/errors";
import { createGroup, publishOverlay, saveOverlayDraft, getOverlayDraft } from "../../lib/groups";
import { createOverlayChangeRequest, getOverlayChangeRequest, listOverlayChangeRequests, publishOverlayChangeRequest, updateOverlayChangeRequest } from "../../lib/groups/changes";
import { decideChangeRequest, getChangeRequest, listChangeRequests, publishChangeRequest, publishDraft, saveDraft, updateChangeRequest, withdrawChangeRequest } from "../../lib/policies";
import { codeOf, makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

/*
 * Overlays go through change requests like the base: an org that requires approvals cannot publish an overlay
 * directly; the request is approved by someone other than its author, shows the composed file's verdict and diff, and
 * ships as the group's next overlay version; every step is in the audit log.
 */

const db = useTestDb();

const BASE = `allowed_approval_policies = ["on-request", "never"]\nallowed_sandbox_modes = ["read-only", "workspace-write"]\n`;
const STRICT = `allowed_sandbox_modes = ["read-only"]\n`;
const LOOSER = `allowed_sandbox_modes = ["read-only", "workspace-write"]\nallowed_approval_policies = ["on-request"]\n`;

let author: OrgContext;
let approver: OrgContext;
let orgId: string;

async function errorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected an error");
}

async function draftOverlay(toml: string) {
  const d = await getOverlayDraft(db, author, "contractors");
  await saveOverlayDraft(db, author, "contractors", { toml, baseRevision: d.revision }, testRequest);
}

beforeAll(async () => {
  await resetDb(db);
  const { org, actor } = await makeOrgWithMember(db, "owner");
  orgId = org.id;
  author = { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
  const other = await db.user.create({ data: { email: "approver@overlay.example", name: "Approver" } });
  await db.membership.create({ data: { orgId: org.id, userId: other.id, role: "approver" } });
  approver = { actor: { type: "user", userId: other.id, email: other.email, name: other.name }, org: author.org, role: "approver" };
  await saveDraft(db, author, { toml: BASE, baseRevision: 0 }, testRequest);
  await publishDraft(db, author, { note: "base" }, testRequest);
  await db.organization.update({ where: { id: org.id }, data: { approvalsRequired: 1 } });
  await createGroup(db, author, { name: "contractors", priority: 10 }, testRequest);
});

describe("overlay change requests", () => {
  let first: number;

  it("an org that requires approvals cannot publish an overlay directly: it opens a change request", async () => {
    await draftOverlay(STRICT);
    const direct = await errorOf(publishOverlay(db, author, "contractors", { note: "direct" }, testRequest));
    expect(direct.code).toBe("forbidden");
    expect(direct.message).toMatch(/requires 1 approval to publish: open a change request for the overlay/);

    const cr = await createOverlayChangeRequest(db, author, "contractors", { title: "Contractors read only", note: "no writes" }, testRequest);
    first = cr.number;
    expect(cr).toMatchObject({ group: "contractors", state: "open", approvalsGiven: 0, approvalsRequired: 1, baseVersionNumber: 1 });
    // The base's list shows base requests only; the group lists its own.
    expect(await listChangeRequests(db, author)).toEqual([]);
    expect((await listOverlayChangeRequests(db, author, "contractors")).map((c) => c.number)).toEqual([first]);
  });

  it("shows the composed file's verdict and diff over the served base, and what blocks it", async () => {
    const view = await getOverlayChangeRequest(db, author, "contractors", first);
    expect(view.baseOverlayNumber).toBeNull();
    expect(view.composed).toHaveLength(1);
    expect(view.composed[0]).toMatchObject({ baseVersion: 1, valid: true, verdict: { verdict: "PASS" } });
    expect(view.composed[0].diff.changes.map((c) => c.summary).join("\n")).toMatch(/workspace-write/);
    expect(view.blockers).toEqual(["Needs 1 more approval (0 of 1)."]);
    // The base's own reading and publishing point at the group's.
    const read = await errorOf(getChangeRequest(db, author, first));
    expect(read).toMatchObject({ code: "conflict" });
    expect(read.message).toContain(`/groups/contractors/overlay/changes/${first}`);
  });

  it("needs an approval from someone other than its author before it ships", async () => {
    const early = await errorOf(publishOverlayChangeRequest(db, author, "contractors", first, testRequest));
    expect(early).toMatchObject({ code: "forbidden", message: `Change request #${first} has 0 of the 1 approvals it needs.` });
    expect((await errorOf(decideChangeRequest(db, author, first, "approve", {}, testRequest))).message).toBe("You cannot approve your own change.");
    expect(await codeOf(publishChangeRequest(db, approver, first, testRequest))).toBe("conflict");

    const approved = await decideChangeRequest(db, approver, first, "approve", { comment: "fine" }, testRequest);
    expect(approved).toMatchObject({ state: "approved", approvalsGiven: 1, group: "contractors" });
    const published = await publishOverlayChangeRequest(db, author, "contractors", first, testRequest);
    expect(published).toMatchObject({ number: 1, toml: STRICT });

    const cr = await db.changeRequest.findFirstOrThrow({ where: { orgId, number: first } });
    expect(cr.status).toBe("published");
    expect((await db.overlayVersion.findFirstOrThrow({ where: { orgId, number: 1 } })).changeRequestId).toBe(cr.id);
    expect(await db.groupBundle.count({ where: { orgId, baseVersion: 1, overlayVersion: 1 } })).toBe(1);

    const audit = await db.auditEvent.findMany({ where: { orgId, seq: { gt: 0 } }, orderBy: { seq: "asc" }, select: { action: true, targetId: true, meta: true } });
    const trail = audit.filter((a) => a.action.startsWith("policy.change_request") || a.action === "group.overlay.published");
    expect(trail.map((a) => a.action)).toEqual(["policy.change_request.opened", "policy.change_request.approved", "group.overlay.published"]);
    expect(trail[0].meta).toMatchObject({ group: "contractors" });
    expect(trail[2].meta).toMatchObject({ group: "contractors", changeRequest: first, approvers: ["approver@overlay.example"] });
  });

  it("a looser overlay reads WIDENS; a request on an overlay that moved on cannot ship", async () => {
    await draftOverlay(LOOSER);
    const a = await createOverlayChangeRequest(db, author, "contractors", { title: "let contractors write", note: "pairing" }, testRequest);
    const view = await getOverlayChangeRequest(db, approver, "contractors", a.number);
    expect(view).toMatchObject({ baseOverlayNumber: 1, currentOverlayNumber: 1 });
    expect(view.composed[0].verdict.verdict).toBe("WIDENS");
    expect(view.composed[0].verdict.reasons.join()).toMatch(/workspace-write/);

    // A second request ships first; the first was compared with overlay 1 and now cannot.
    await draftOverlay(`${STRICT}allowed_approval_policies = ["on-request"]\n`);
    const b = await createOverlayChangeRequest(db, author, "contractors", { title: "no unattended runs", note: "tighter" }, testRequest);
    await decideChangeRequest(db, approver, b.number, "approve", {}, testRequest);
    await decideChangeRequest(db, approver, a.number, "approve", {}, testRequest);
    expect((await publishOverlayChangeRequest(db, author, "contractors", b.number, testRequest)).number).toBe(2);
    const stale = await errorOf(publishOverlayChangeRequest(db, author, "contractors", a.number, testRequest));
    expect(stale.code).toBe("conflict");
    expect(stale.message).toMatch(/Overlay version 2 of group "contractors" was published after change request #\d+ was compared with overlay version 1/);
    expect((await getOverlayChangeRequest(db, author, "contractors", a.number)).blockers.join()).toMatch(/Overlay version 2 was published/);
    expect((await withdrawChangeRequest(db, author, a.number, testRequest)).state).toBe("withdrawn");
  });

  it("refuses to open a request whose composed file Codex would refuse, naming the overlay's line", async () => {
    // Intersected with the base's ["on-request", "never"], nothing is left: Codex refuses an empty allow-list.
    await draftOverlay(`# contractors\nallowed_approval_policies = ["untrusted"]\n`);
    const err = await errorOf(createOverlayChangeRequest(db, author, "contractors", { title: "bad", note: "bad" }, testRequest));
    expect(err.code).toBe("validation_failed");
    expect(err.message).toMatch(/group "contractors".*overlay line 2/);
    expect(await listOverlayChangeRequests(db, author, "contractors", { status: "open" })).toEqual([]);
    expect(await codeOf(getOverlayChangeRequest(db, author, "nobody", first))).toBe("not_found");
    expect(await codeOf(createOverlayChangeRequest(db, { ...approver, role: "viewer" }, "contractors", { title: "x", note: "x" }, testRequest))).toBe("forbidden");
  });
});

describe("updating an overlay change request", () => {
  const T1 = `allowed_sandbox_modes = ["read-only"]\n`;
  const T2 = `# contractors, reviewed\nallowed_sandbox_modes = ["read-only"]\nallowed_approval_policies = ["on-request"]\n`;
  const updates = () => db.auditEvent.findMany({ where: { orgId, action: "policy.change_request.updated" }, orderBy: { seq: "asc" }, select: { targetId: true, diff: true, meta: true } });

  it("takes the group's newer overlay draft, withdraws the decisions made so far, and is audited; refused when nothing changed", async () => {
    await draftOverlay(T1);
    const cr = await createOverlayChangeRequest(db, author, "contractors", { title: "read only again", note: "first try" }, testRequest);
    expect(await decideChangeRequest(db, approver, cr.number, "approve", { comment: "ok" }, testRequest)).toMatchObject({ state: "approved", approvalsGiven: 1 });
    const before = await updates();

    // The draft is what the request already proposes: nothing to do, nothing written.
    const same = await errorOf(updateOverlayChangeRequest(db, author, "contractors", cr.number, { fromDraft: true, revision: 1 }, testRequest));
    expect(same).toMatchObject({ code: "conflict", message: "Nothing changed: the request already says this." });
    expect(await updates()).toEqual(before);

    await draftOverlay(T2);
    const updated = await updateOverlayChangeRequest(db, author, "contractors", cr.number, { fromDraft: true, revision: 1 }, testRequest);
    expect(updated).toMatchObject({ number: cr.number, group: "contractors", revision: 2, state: "open", approvalsGiven: 0 });
    const view = await getOverlayChangeRequest(db, approver, "contractors", cr.number);
    expect(view.toml).toBe(T2);
    expect(view.approvals).toEqual([expect.objectContaining({ approver: "approver@overlay.example", decision: "approve", revision: 1, withdrawn: true })]);

    const trail = await updates();
    expect(trail).toHaveLength(before.length + 1);
    expect(trail.at(-1)).toMatchObject({
      targetId: String(cr.number),
      diff: { revision: { before: 1, after: 2 }, sha256: { before: expect.any(String), after: view.sha256 } },
      meta: { group: "contractors", withdrawnDecisions: 1 },
    });
    // An edit based on the revision before it is refused; a draft equal to the group's overlay proposes nothing.
    expect((await errorOf(updateOverlayChangeRequest(db, author, "contractors", cr.number, { title: "x", revision: 1 }, testRequest))).message).toMatch(/was edited since you looked \(revision 1 → 2\)/);
    const published = (await db.overlayVersion.findFirstOrThrow({ where: { orgId }, orderBy: { number: "desc" } })).toml;
    await draftOverlay(published);
    expect((await errorOf(updateOverlayChangeRequest(db, author, "contractors", cr.number, { fromDraft: true, revision: 2 }, testRequest))).message).toMatch(/^Nothing changed: the overlay draft is identical to overlay version \d+\.$/);
    // A draft whose composed file Codex would refuse is refused with the overlay's line, and the request keeps its text.
    await draftOverlay(`# contractors\nallowed_approval_policies = ["untrusted"]\n`);
    const invalid = await errorOf(updateOverlayChangeRequest(db, author, "contractors", cr.number, { fromDraft: true, revision: 2 }, testRequest));
    expect(invalid.code).toBe("validation_failed");
    expect(invalid.message).toMatch(/group "contractors".*overlay line 2/);
    expect((await getOverlayChangeRequest(db, author, "contractors", cr.number)).toml).toBe(T2);
    expect(await updates()).toHaveLength(before.length + 1);
    // Through the base's door it is pointed at the group's.
    expect((await errorOf(updateChangeRequest(db, author, cr.number, { title: "x", revision: 2 }, testRequest))).message).toContain(`/groups/contractors/overlay/changes/${cr.number}`);
    await withdrawChangeRequest(db, author, cr.number, testRequest);
  });

  it("a request on an overlay that moved on is rebased instead of reopened, and then ships", async () => {
    await draftOverlay(T1);
    const late = await createOverlayChangeRequest(db, author, "contractors", { title: "late", note: "compared with the old overlay" }, testRequest);
    await draftOverlay(T2);
    const first = await createOverlayChangeRequest(db, author, "contractors", { title: "first", note: "ships first" }, testRequest);
    await decideChangeRequest(db, approver, first.number, "approve", {}, testRequest);
    const shipped = await publishOverlayChangeRequest(db, author, "contractors", first.number, testRequest);
    expect((await getOverlayChangeRequest(db, author, "contractors", late.number)).blockers.join()).toMatch(/update it from the overlay draft or rebase it/);

    const rebased = await updateOverlayChangeRequest(db, author, "contractors", late.number, { rebase: true, revision: 1 }, testRequest);
    expect(rebased).toMatchObject({ revision: 2 });
    const view = await getOverlayChangeRequest(db, author, "contractors", late.number);
    expect(view).toMatchObject({ baseOverlayNumber: shipped.number, currentOverlayNumber: shipped.number, toml: T1 });
    expect(view.blockers).toEqual(["Needs 1 more approval (0 of 1)."]);
    expect((await updates()).at(-1)).toMatchObject({ diff: { baseOverlayVersion: { before: shipped.number - 1, after: shipped.number } } });
    await decideChangeRequest(db, approver, late.number, "approve", {}, testRequest);
    expect(await publishOverlayChangeRequest(db, author, "contractors", late.number, testRequest)).toMatchObject({ number: shipped.number + 1, toml: T1 });
  });
});
