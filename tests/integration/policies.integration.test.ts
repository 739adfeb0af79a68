import { beforeEach, describe, expect, it } from "vitest";
import type { Role } from "../../lib/db";
import { ZodError } from "zod";
import { AppError, toErrorResponse } from "../../lib/errors";
import type { OrgContext, TokenActor, UserActor } from "../../lib/auth/actor";
import { sha256Hex } from "../../lib/requirements/hash";
import {
  complianceReport,
  createChangeRequest,
  decideChangeRequest,
  diffVersions,
  getChangeRequest,
  getDraft,
  getVersion,
  listChangeRequests,
  listVersions,
  publishChangeRequest,
  publishDraft,
  restoreVersion,
  saveDraft,
  updateChangeRequest,
  withdrawChangeRequest,
  MAX_POLICY_BYTES,
} from "../../lib/policies";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

const db = useTestDb();
beforeEach(() => resetDb(db));

const V1 = `allowed_approval_policies = ["on-request"]
allowed_sandbox_modes = ["read-only", "workspace-write"]
allowed_approvals_reviewers = ["user"]
`;
const V2_WIDER = `allowed_approval_policies = ["on-request"]
allowed_sandbox_modes = ["read-only", "workspace-write", "danger-full-access"]
allowed_approvals_reviewers = ["user", "auto_review"]
`;
const V3_NARROWER = `allowed_approval_policies = ["on-request"]
allowed_sandbox_modes = ["read-only"]
allowed_approvals_reviewers = ["user"]
`;
const INVALID = `allowed_sandbox_modes = ["workspace-write"]\n`; // Codex refuses a list without read-only

function ctxOf(org: { id: string; slug: string; name: string }, actor: UserActor | TokenActor, role: Role | null): OrgContext {
  return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role };
}

async function owner() {
  const { org, actor } = await makeOrgWithMember(db, "owner");
  return { org, actor, ctx: ctxOf(org, actor, "owner") };
}

let extra = 0;
async function addMember(org: { id: string; slug: string; name: string }, role: Role): Promise<OrgContext> {
  const n = ++extra;
  const email = `member${n}@example.test`;
  const user = await db.user.create({ data: { email, name: `Member ${n}` } });
  await db.membership.create({ data: { orgId: org.id, userId: user.id, role } });
  return ctxOf(org, { type: "user", userId: user.id, email, name: user.name }, role);
}

/** The error a call fails with, as the API would report it (zod failures are validation_failed). */
async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string; details?: unknown }> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof AppError) && !(err instanceof ZodError)) throw err;
    return toErrorResponse(err).body.error;
  }
  throw new Error("expected the call to fail");
}

async function publishText(ctx: OrgContext, toml: string, note = "change") {
  const draft = await getDraft(db, ctx);
  await saveDraft(db, ctx, { toml, baseRevision: draft?.revision ?? 0 }, testRequest);
  return publishDraft(db, ctx, { note }, testRequest);
}

async function auditActions(orgId: string) {
  return (await db.auditEvent.findMany({ where: { orgId }, orderBy: { seq: "asc" }, select: { action: true } })).map((e) => e.action);
}

describe("drafts", () => {
  it("saves on the current revision and increments it, keeping the text byte for byte", async () => {
    const { ctx } = await owner();
    const text = "# déjà vu\r\nallowed_sandbox_modes = [\"read-only\"]\n\n";
    expect(await saveDraft(db, ctx, { toml: text, baseRevision: 0 }, testRequest)).toMatchObject({ revision: 1, changed: true });
    expect(await saveDraft(db, ctx, { toml: V1, baseRevision: 1 }, testRequest)).toMatchObject({ revision: 2 });
    expect((await getDraft(db, ctx))?.toml).toBe(V1);
    await saveDraft(db, ctx, { toml: text, baseRevision: 2 }, testRequest);
    expect(sha256Hex((await getDraft(db, ctx))!.toml)).toBe(sha256Hex(text));
  });

  it("refuses a save based on a stale revision with their text, and overwrites nothing", async () => {
    const { ctx } = await owner();
    await saveDraft(db, ctx, { toml: V1, baseRevision: 0 }, testRequest);
    await saveDraft(db, ctx, { toml: V2_WIDER, baseRevision: 1 }, testRequest);
    const err = await errorOf(saveDraft(db, ctx, { toml: V3_NARROWER, baseRevision: 1 }, testRequest));
    expect(err.code).toBe("conflict");
    expect(err.details).toMatchObject({ theirs: { toml: V2_WIDER, revision: 2, updatedBy: ctx.actor.type === "user" ? ctx.actor.email : null } });
    expect(await getDraft(db, ctx)).toMatchObject({ toml: V2_WIDER, revision: 2 });
  });

  it("lets exactly one of two concurrent saves on the same base win", async () => {
    const { ctx } = await owner();
    await saveDraft(db, ctx, { toml: V1, baseRevision: 0 }, testRequest);
    const results = await Promise.allSettled([
      saveDraft(db, ctx, { toml: V2_WIDER, baseRevision: 1 }, testRequest),
      saveDraft(db, ctx, { toml: V3_NARROWER, baseRevision: 1 }, testRequest),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0].reason as AppError).code).toBe("conflict");
    const draft = await getDraft(db, ctx);
    expect(draft?.revision).toBe(2);
    expect([V2_WIDER, V3_NARROWER]).toContain(draft?.toml);
  });

  it("lets exactly one of two concurrent first saves create the draft", async () => {
    const { ctx } = await owner();
    const results = await Promise.allSettled([saveDraft(db, ctx, { toml: V1, baseRevision: 0 }, testRequest), saveDraft(db, ctx, { toml: V2_WIDER, baseRevision: 0 }, testRequest)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((await getDraft(db, ctx))?.revision).toBe(1);
  });

  it("accepts invalid TOML in a draft (work in progress) but refuses more than 1 MiB", async () => {
    const { ctx } = await owner();
    expect(await saveDraft(db, ctx, { toml: "allowed_sandbox_modes = [", baseRevision: 0 }, testRequest)).toMatchObject({ revision: 1 });
    const err = await errorOf(saveDraft(db, ctx, { toml: "#".repeat(MAX_POLICY_BYTES + 1), baseRevision: 1 }, testRequest));
    expect(err.code).toBe("payload_too_large");
    expect((await getDraft(db, ctx))?.revision).toBe(1);
  });

  it("audits a save with revisions and a semantic summary, not the whole text", async () => {
    const { ctx, org } = await owner();
    await saveDraft(db, ctx, { toml: V1, baseRevision: 0 }, testRequest);
    await saveDraft(db, ctx, { toml: V2_WIDER, baseRevision: 1 }, testRequest);
    const event = await db.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: "policy.draft.saved" }, orderBy: { seq: "desc" } });
    expect(event.diff).toMatchObject({ revision: { before: 1, after: 2 } });
    const meta = event.meta as { changes: string[]; wider: string };
    expect(meta.wider).toBe("WIDENS");
    expect(meta.changes.join("\n")).toContain("danger-full-access");
    expect(JSON.stringify({ diff: event.diff, meta: event.meta })).not.toContain("allowed_approvals_reviewers = [");
  });
});

describe("publishing versions", () => {
  it("publishes a valid draft as version 1, 2, … with note, author, time and sha256, and audits it", async () => {
    const { ctx, actor, org } = await owner();
    const v1 = await publishText(ctx, V1, "first");
    const v2 = await publishText(ctx, V2_WIDER, "widen");
    expect(v1).toMatchObject({ number: 1, note: "first", author: actor.email, sha256: sha256Hex(V1), parentNumber: null });
    expect(v2).toMatchObject({ number: 2, parentNumber: 1, sha256: sha256Hex(V2_WIDER) });
    expect(v2.wider.verdict).toBe("WIDENS");
    expect((await getVersion(db, ctx, 1)).toml).toBe(V1);
    expect((await listVersions(db, ctx)).map((v) => [v.number, v.wider.verdict])).toEqual([[2, "WIDENS"], [1, "PASS"]]);
    // The first publish also creates the org's bundle-signing key (lib/bundles), audited in the same transaction.
    expect(await auditActions(org.id)).toEqual(["policy.draft.saved", "policy.published", "signing_key.created", "policy.draft.saved", "policy.published"]);
  });

  it("refuses a draft Codex would refuse, with the diagnostics, and publishes nothing", async () => {
    const { ctx } = await owner();
    await saveDraft(db, ctx, { toml: INVALID, baseRevision: 0 }, testRequest);
    const err = await errorOf(publishDraft(db, ctx, { note: "try" }, testRequest));
    expect(err.code).toBe("validation_failed");
    expect((err.details as { diagnostics: { severity: string }[] }).diagnostics.some((d) => d.severity === "error")).toBe(true);
    expect(await listVersions(db, ctx)).toEqual([]);
  });

  it("refuses a draft that only some Codex versions of the fleet load, naming the versions that would refuse it", async () => {
    const { ctx } = await owner();
    // `otel.headers_helper` is new in 0.171.0; 0.169.0 refuses the unknown field.
    await saveDraft(db, ctx, { toml: '[otel]\nheaders_helper = "/usr/local/bin/otel-headers"\n', baseRevision: 0 }, testRequest);
    const err = await errorOf(publishDraft(db, ctx, { note: "helper" }, testRequest));
    expect(err.code).toBe("validation_failed");
    expect(err.message).toMatch(/^Codex 0\.169\.0 would refuse this policy \(line 2: /);
    const details = err.details as { refusedBy: string[]; versions: { codexVersion: string; valid: boolean }[]; diagnostics: { severity: string; code: string }[] };
    expect(details.refusedBy).toEqual(["0.169.0"]);
    expect(details.versions.map((v) => [v.codexVersion, v.valid])).toEqual([["0.169.0", false], ["0.171.0", true]]);
    expect(details.diagnostics).toContainEqual(expect.objectContaining({ severity: "error", code: "unknown-field" }));
    expect(await listVersions(db, ctx)).toEqual([]);
  });

  it("refuses an empty note, an unchanged text and a stale base revision", async () => {
    const { ctx } = await owner();
    await publishText(ctx, V1);
    expect((await errorOf(publishDraft(db, ctx, { note: "   " }, testRequest))).code).toBe("validation_failed");
    const same = await errorOf(publishDraft(db, ctx, { note: "again" }, testRequest));
    expect(same.code).toBe("conflict");
    expect(same.message).toMatch(/Nothing changed/);
    await saveDraft(db, ctx, { toml: V2_WIDER, baseRevision: 1 }, testRequest);
    expect((await errorOf(publishDraft(db, ctx, { note: "x", baseRevision: 1 }, testRequest))).code).toBe("conflict");
    expect(await listVersions(db, ctx)).toHaveLength(1);
  });

  it("refuses direct publishing when the org requires approvals", async () => {
    const { ctx, org } = await owner();
    await db.organization.update({ where: { id: org.id }, data: { approvalsRequired: 1 } });
    await saveDraft(db, ctx, { toml: V1, baseRevision: 0 }, testRequest);
    const err = await errorOf(publishDraft(db, ctx, { note: "direct" }, testRequest));
    expect(err.code).toBe("forbidden");
    expect(err.message).toMatch(/change request/);
  });

  it("numbers concurrent publishes strictly 1..n without gaps or duplicates", async () => {
    const { ctx, org } = await owner();
    // Each publish ships a different text: restore alternates between two versions' texts.
    await publishText(ctx, V1, "one");
    await publishText(ctx, V2_WIDER, "two");
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => restoreVersion(db, ctx, (i % 2) + 1, { note: `restore ${i}` }, testRequest)),
    );
    const numbers = (await db.policyVersion.findMany({ where: { orgId: org.id }, select: { number: true }, orderBy: { number: "asc" } })).map((v) => v.number);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    // Some restores find their text already current ("nothing changed"); all others got a number.
    const ok = results.filter((r) => r.status === "fulfilled").length;
    expect(numbers.length).toBe(2 + ok);
    for (const r of results) if (r.status === "rejected") expect((r.reason as AppError).code).toBe("conflict");
  });

  it("keeps versions immutable in the database itself", async () => {
    const { ctx, org } = await owner();
    await publishText(ctx, V1);
    await expect(db.policyVersion.updateMany({ where: { orgId: org.id }, data: { note: "rewritten" } })).rejects.toThrow(/immutable/);
    await expect(db.policyVersion.deleteMany({ where: { orgId: org.id } })).rejects.toThrow(/immutable/);
    // TRUNCATE is not even granted to the app's role (lib/db/roles.ts).
    await expect(db.$executeRawUnsafe(`TRUNCATE "PolicyVersion" CASCADE`)).rejects.toThrow(/permission denied for table PolicyVersion/);
    expect((await getVersion(db, ctx, 1)).note).toBe("change");
  });

  it("diffs any two versions as text, meaning and a wider-access verdict, both ways", async () => {
    const { ctx } = await owner();
    await publishText(ctx, V1);
    await publishText(ctx, V2_WIDER);
    await publishText(ctx, V3_NARROWER);
    const up = await diffVersions(db, ctx, 1, 2);
    expect(up.wider.verdict).toBe("WIDENS");
    expect(up.wider.reasons.join("\n")).toMatch(/danger-full-access/);
    expect(up.wider.reasons.join("\n")).toMatch(/auto_review/);
    expect(up.changes.map((c) => c.summary).join("\n")).toMatch(/auto_review/);
    expect(up.textDiff.unified).toContain('+allowed_sandbox_modes = ["read-only", "workspace-write", "danger-full-access"]');
    const down = await diffVersions(db, ctx, 2, 3);
    expect(down.wider).toEqual({ verdict: "PASS", reasons: [] });
    expect((await diffVersions(db, ctx, 3, 1)).wider.verdict).toBe("WIDENS");
    expect((await diffVersions(db, ctx, 0, 1)).textDiff.added).toBe(3);
    expect((await errorOf(diffVersions(db, ctx, 1, 9))).code).toBe("not_found");
  });

  it("restores an old version as a new version with its text, and makes the draft equal to it", async () => {
    const { ctx, org } = await owner();
    await publishText(ctx, V1);
    await publishText(ctx, V2_WIDER);
    const draftBefore = (await getDraft(db, ctx))!;
    // A save after the admin confirmed replacing the draft refuses the restore instead of overwriting it.
    expect((await errorOf(restoreVersion(db, ctx, 1, { note: "roll back", draftRevision: draftBefore.revision - 1 }, testRequest))).code).toBe("conflict");
    const result = await restoreVersion(db, ctx, 1, { note: "roll back the widening", draftRevision: draftBefore.revision }, testRequest);
    expect(result).toMatchObject({ kind: "version", version: { number: 3, restoredFromNumber: 1, parentNumber: 2, sha256: sha256Hex(V1) }, draftRevision: draftBefore.revision + 1 });
    // The draft no longer holds the rolled-back change: the next routine publish cannot re-apply it.
    expect((await getDraft(db, ctx))?.toml).toBe(V1);
    expect(await auditActions(org.id)).toContain("policy.restored");
    expect((await errorOf(restoreVersion(db, ctx, 3, { note: "same" }, testRequest))).code).toBe("conflict");
  });

  it("opens a change request for a restore when approvals are required", async () => {
    const { ctx, org } = await owner();
    await publishText(ctx, V1);
    await publishText(ctx, V2_WIDER);
    await db.organization.update({ where: { id: org.id }, data: { approvalsRequired: 1 } });
    const result = await restoreVersion(db, ctx, 1, { note: "roll back" }, testRequest);
    expect(result).toMatchObject({ kind: "change_request", changeRequest: { number: 1 } });
    expect((await getDraft(db, ctx))?.toml).toBe(V1);
    const cr = await getChangeRequest(db, ctx, 1);
    expect(cr).toMatchObject({ title: "Restore version 1", toml: V1, restoredFromNumber: 1, baseVersionNumber: 2, state: "open" });
    expect(await listVersions(db, ctx)).toHaveLength(2);
  });

  it("never shows one org's versions, drafts or change requests to another org", async () => {
    const a = await owner();
    const b = await owner();
    await publishText(a.ctx, V1);
    await createChangeRequest(db, a.ctx, { title: "t", note: "n" }, testRequest).catch(() => undefined);
    expect(await listVersions(db, b.ctx)).toEqual([]);
    expect(await getDraft(db, b.ctx)).toBeNull();
    expect((await errorOf(getVersion(db, b.ctx, 1))).code).toBe("not_found");
    expect((await errorOf(diffVersions(db, b.ctx, 0, 1))).code).toBe("not_found");
    expect((await errorOf(restoreVersion(db, b.ctx, 1, { note: "steal" }, testRequest))).code).toBe("not_found");
    expect(await listChangeRequests(db, b.ctx)).toEqual([]);
    // B's own first version is number 1, independent of A's.
    expect((await publishText(b.ctx, V3_NARROWER)).number).toBe(1);
  });
});

describe("change requests", () => {
  async function orgRequiring(n: number) {
    const o = await owner();
    await db.organization.update({ where: { id: o.org.id }, data: { approvalsRequired: n } });
    await publishDraftDirect(o.ctx, V1);
    await saveDraft(db, o.ctx, { toml: V2_WIDER, baseRevision: 1 }, testRequest);
    return o;
  }
  // Version 1 exists before approvals are switched on in most scenarios.
  async function publishDraftDirect(ctx: OrgContext, toml: string) {
    const required = (await db.organization.findUniqueOrThrow({ where: { id: ctx.org.id } })).approvalsRequired;
    await db.organization.update({ where: { id: ctx.org.id }, data: { approvalsRequired: 0 } });
    await publishText(ctx, toml, "baseline");
    await db.organization.update({ where: { id: ctx.org.id }, data: { approvalsRequired: required } });
  }

  it("shows the diff against its base, the validation result and the wider-access verdict", async () => {
    const { ctx } = await orgRequiring(1);
    const created = await createChangeRequest(db, ctx, { title: "Allow full access", note: "needed for infra" }, testRequest);
    expect(created).toMatchObject({ number: 1, state: "open", approvalsGiven: 0, approvalsRequired: 1, baseVersionNumber: 1 });
    const cr = await getChangeRequest(db, ctx, 1);
    expect(cr.validation.valid).toBe(true);
    expect(cr.diff.wider.verdict).toBe("WIDENS");
    expect(cr.diff.textDiff.added).toBeGreaterThan(0);
    expect(cr.blockers).toEqual(["Needs 1 more approval (0 of 1)."]);
  });

  it("refuses a change request for a draft Codex would refuse", async () => {
    const { ctx } = await owner();
    await saveDraft(db, ctx, { toml: INVALID, baseRevision: 0 }, testRequest);
    expect((await errorOf(createChangeRequest(db, ctx, { title: "t", note: "n" }, testRequest))).code).toBe("validation_failed");
  });

  it("refuses self-approval (and self-rejection) by the author", async () => {
    const { ctx } = await orgRequiring(1);
    await createChangeRequest(db, ctx, { title: "t", note: "n" }, testRequest);
    const err = await errorOf(decideChangeRequest(db, ctx, 1, "approve", { comment: "lgtm" }, testRequest));
    expect(err.code).toBe("forbidden");
    expect(err.message).toBe("You cannot approve your own change.");
    expect((await errorOf(decideChangeRequest(db, ctx, 1, "reject", { comment: "no" }, testRequest))).code).toBe("forbidden");
    expect((await getChangeRequest(db, ctx, 1)).approvals).toEqual([]);
  });

  it("refuses approval by someone who edited the request", async () => {
    const { ctx, org } = await orgRequiring(1);
    const admin = await addMember(org, "owner");
    await createChangeRequest(db, ctx, { title: "t", note: "n" }, testRequest);
    await updateChangeRequest(db, admin, 1, { note: "better note", revision: 1 }, testRequest);
    expect((await errorOf(decideChangeRequest(db, admin, 1, "approve", {}, testRequest))).message).toBe("You cannot approve your own change.");
  });

  it("publishes only once approvals reach the org's threshold, linking the version to the request", async () => {
    const { ctx, org } = await orgRequiring(2);
    const a1 = await addMember(org, "approver");
    const a2 = await addMember(org, "approver");
    await createChangeRequest(db, ctx, { title: "Widen", note: "infra needs it" }, testRequest);
    await decideChangeRequest(db, a1, 1, "approve", { comment: "ok" }, testRequest);
    const early = await errorOf(publishChangeRequest(db, ctx, 1, testRequest));
    expect(early.code).toBe("forbidden");
    expect(early.message).toMatch(/1 of the 2 approvals/);
    // A second decision by the same approver replaces the first; it does not count twice.
    await decideChangeRequest(db, a1, 1, "approve", { comment: "still ok" }, testRequest);
    expect((await getChangeRequest(db, ctx, 1)).approvalsGiven).toBe(1);
    const two = await decideChangeRequest(db, a2, 1, "approve", { comment: "ok" }, testRequest);
    expect(two.state).toBe("approved");
    const version = await publishChangeRequest(db, ctx, 1, testRequest);
    expect(version).toMatchObject({ number: 2, note: "infra needs it", changeRequestNumber: 1, toml: V2_WIDER });
    expect((await getChangeRequest(db, ctx, 1)).state).toBe("published");
    expect((await errorOf(decideChangeRequest(db, a1, 1, "reject", { comment: "late" }, testRequest))).code).toBe("conflict");
    const event = await db.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: "policy.published", targetId: "2" } });
    expect(event.meta).toMatchObject({ changeRequest: 1 });
    expect((event.meta as { approvedBy: string[] }).approvedBy).toHaveLength(2);
  });

  it("withdraws every earlier decision when the request is edited", async () => {
    const { ctx, org } = await orgRequiring(1);
    const a1 = await addMember(org, "approver");
    await createChangeRequest(db, ctx, { title: "t", note: "n" }, testRequest);
    await decideChangeRequest(db, a1, 1, "approve", { comment: "ok", revision: 1 }, testRequest);
    expect((await getChangeRequest(db, ctx, 1)).state).toBe("approved");
    await saveDraft(db, ctx, { toml: V3_NARROWER, baseRevision: 2 }, testRequest);
    const edited = await updateChangeRequest(db, ctx, 1, { fromDraft: true, revision: 1 }, testRequest);
    expect(edited).toMatchObject({ revision: 2, approvalsGiven: 0, state: "open" });
    const cr = await getChangeRequest(db, ctx, 1);
    expect(cr.toml).toBe(V3_NARROWER);
    expect(cr.approvals).toMatchObject([{ decision: "approve", withdrawn: true }]);
    expect((await errorOf(publishChangeRequest(db, ctx, 1, testRequest))).code).toBe("forbidden");
    // A decision on the old revision is refused: the approver has not seen the new text.
    expect((await errorOf(decideChangeRequest(db, a1, 1, "approve", { comment: "ok", revision: 1 }, testRequest))).code).toBe("conflict");
    expect(await auditActions(org.id)).toContain("policy.change_request.updated");
  });

  it("blocks publishing while a rejection stands, and needs a comment to reject", async () => {
    const { ctx, org } = await orgRequiring(1);
    const a1 = await addMember(org, "approver");
    const a2 = await addMember(org, "approver");
    await createChangeRequest(db, ctx, { title: "t", note: "n" }, testRequest);
    expect((await errorOf(decideChangeRequest(db, a1, 1, "reject", { comment: "" }, testRequest))).code).toBe("validation_failed");
    await decideChangeRequest(db, a1, 1, "reject", { comment: "too wide" }, testRequest);
    await decideChangeRequest(db, a2, 1, "approve", { comment: "fine" }, testRequest);
    expect((await getChangeRequest(db, ctx, 1)).state).toBe("rejected");
    expect((await errorOf(publishChangeRequest(db, ctx, 1, testRequest))).code).toBe("conflict");
  });

  it("refuses to publish when another version shipped since the request's base, until it is rebased and re-approved", async () => {
    const { ctx, org } = await orgRequiring(0);
    const a1 = await addMember(org, "approver");
    await createChangeRequest(db, ctx, { title: "t", note: "n" }, testRequest);
    await saveDraft(db, ctx, { toml: V3_NARROWER, baseRevision: 2 }, testRequest);
    await publishDraft(db, ctx, { note: "someone else shipped" }, testRequest);
    const err = await errorOf(publishChangeRequest(db, ctx, 1, testRequest));
    expect(err.code).toBe("conflict");
    expect(err.message).toMatch(/rebase/);
    expect((await getChangeRequest(db, ctx, 1)).blockers.join(" ")).toMatch(/Version 2 was published/);
    await updateChangeRequest(db, ctx, 1, { rebase: true, revision: 1 }, testRequest);
    await decideChangeRequest(db, a1, 1, "approve", {}, testRequest);
    expect((await publishChangeRequest(db, ctx, 1, testRequest)).number).toBe(3);
  });

  it("lets the author withdraw an open request, and nobody else without publish rights", async () => {
    const { ctx, org } = await orgRequiring(1);
    const approver = await addMember(org, "approver");
    await createChangeRequest(db, ctx, { title: "t", note: "n" }, testRequest);
    expect((await errorOf(withdrawChangeRequest(db, approver, 1, testRequest))).code).toBe("forbidden");
    expect((await withdrawChangeRequest(db, ctx, 1, testRequest)).state).toBe("withdrawn");
    expect((await errorOf(updateChangeRequest(db, ctx, 1, { title: "again", revision: 1 }, testRequest))).code).toBe("conflict");
    expect(await listChangeRequests(db, ctx, { status: "open" })).toEqual([]);
  });

  it("refuses decisions from API tokens", async () => {
    const { ctx, org } = await orgRequiring(1);
    await createChangeRequest(db, ctx, { title: "t", note: "n" }, testRequest);
    const token = ctxOf(org, { type: "token", tokenId: "t1", name: "ci", orgId: org.id, scopes: ["publish"] }, null);
    expect((await errorOf(decideChangeRequest(db, token, 1, "approve", {}, testRequest))).code).toBe("forbidden");
  });
});

describe("compliance report", () => {
  it("lists versions in the range with author, approvals, diff against the parent and verdict", async () => {
    const { ctx, org } = await owner();
    await publishText(ctx, V1, "baseline");
    await db.organization.update({ where: { id: org.id }, data: { approvalsRequired: 1 } });
    const approver = await addMember(org, "approver");
    await saveDraft(db, ctx, { toml: V2_WIDER, baseRevision: 1 }, testRequest);
    await createChangeRequest(db, ctx, { title: "Widen", note: "why" }, testRequest);
    await decideChangeRequest(db, approver, 1, "approve", { comment: "accepted risk" }, testRequest);
    await publishChangeRequest(db, ctx, 1, testRequest);
    const report = await complianceReport(db, ctx, { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) });
    expect(report.entries.map((e) => e.number)).toEqual([1, 2]);
    expect(report.widening).toBe(1);
    const v2 = report.entries[1];
    expect(v2).toMatchObject({ author: (ctx.actor as UserActor).email, changeRequest: { number: 1, title: "Widen" } });
    expect(v2.approvals).toMatchObject([{ approver: (approver.actor as UserActor).email, decision: "approve", comment: "accepted risk" }]);
    expect(v2.diff.wider.verdict).toBe("WIDENS");
    const empty = await complianceReport(db, ctx, { from: "2020-01-01", to: "2020-12-31" });
    expect(empty.entries).toEqual([]);
    expect((await errorOf(complianceReport(db, ctx, { from: "2021-01-01", to: "2020-01-01" }))).code).toBe("validation_failed");
  });
});

