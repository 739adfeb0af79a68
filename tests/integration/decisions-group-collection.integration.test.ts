import { beforeEach, describe, expect, it } from "vitest";
import type { OrgContext } from "../../lib/auth/actor";
import { otelOffSection, otelSection, saveDecisionSettings } from "../../lib/decisions";
import { listGroupCollection, setGroupCollection } from "../../lib/decisions/group-collection";
import { createGroup, getOverlayDraft, publishOverlay, saveOverlayDraft } from "../../lib/groups";
import { getDraftOrEmpty, saveDraft } from "../../lib/policies/draft";
import { publishDraft } from "../../lib/policies/versions";
import { codeOf, makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

// Collection per group: the switch is Charter's section in the group's overlay, composed into the group's bundle.

const db = useTestDb();
beforeEach(() => resetDb(db));

async function owner(): Promise<OrgContext> {
  const { org, actor } = await makeOrgWithMember(db, "owner");
  return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
}

const BASE = 'allowed_approval_policies = ["on-request"]\n';
const ON = "[otel]\nlog_guardian_assessments = true\n\n[otel.exporter.otlp-http]\nendpoint = \"http://127.0.0.1:4318/v1/logs\"\nprotocol = \"json\"";
const OFF = '[otel]\nlog_guardian_assessments = false\nexporter = "none"';

/** The composed file of the group's latest bundle: what its hosts install. */
async function bundleOf(ctx: OrgContext, group: string) {
  const g = await db.hostGroup.findFirstOrThrow({ where: { orgId: ctx.org.id, name: group } });
  return (await db.groupBundle.findFirstOrThrow({ where: { groupId: g.id }, orderBy: [{ baseVersion: "desc" }, { overlayVersion: "desc" }] })).toml;
}

describe("decision collection per group", () => {
  it("turns collection off for one group and on for another, each bundle carrying exactly its [otel] section", async () => {
    const ctx = await owner();
    const draft = await getDraftOrEmpty(db, ctx);
    await saveDraft(db, ctx, { toml: BASE, baseRevision: draft.revision }, testRequest);
    await saveDecisionSettings(db, ctx, { collect: true, relayPort: 4318, retentionDays: 90, mask: { patterns: [], jsonPaths: [] } }, testRequest);
    await publishDraft(db, ctx, { note: "collect" }, testRequest);
    await createGroup(db, ctx, { name: "contractors" }, testRequest);
    await createGroup(db, ctx, { name: "eng" }, testRequest);
    await createGroup(db, ctx, { name: "ops" }, testRequest);
    // eng already has an overlay of its own: the switch keeps it.
    await saveOverlayDraft(db, ctx, "eng", { toml: 'allowed_sandbox_modes = ["read-only"]\n', baseRevision: 0 }, testRequest);

    expect((await listGroupCollection(db, ctx)).map((g) => [g.group, g.mode, g.composedOtel])).toEqual([
      ["contractors", "inherit", ON],
      ["eng", "inherit", ON],
      ["ops", "inherit", ON],
    ]);

    const off = await setGroupCollection(db, ctx, { group: "contractors", mode: "off" }, testRequest);
    expect(off).toMatchObject({ mode: "off", composedOtel: OFF, draftRevision: expect.any(Number) });
    expect((await getOverlayDraft(db, ctx, "contractors")).toml).toBe(otelOffSection());
    const on = await setGroupCollection(db, ctx, { group: "eng", mode: "on" }, testRequest);
    expect(on.mode).toBe("on");
    expect((await getOverlayDraft(db, ctx, "eng")).toml).toBe(`allowed_sandbox_modes = ["read-only"]\n\n${otelSection(4318)}`);
    expect((await setGroupCollection(db, ctx, { group: "eng", mode: "on" }, testRequest)).draftRevision).toBeNull(); // already on: no edit

    await publishOverlay(db, ctx, "contractors", { note: "contractors report nothing" }, testRequest);
    await publishOverlay(db, ctx, "eng", { note: "eng reports whatever the base says" }, testRequest);
    expect(await bundleOf(ctx, "contractors")).toContain(`\n${OFF}\n`);
    expect(await bundleOf(ctx, "eng")).toContain(`\n${ON}\n`);

    // The org switches collection off in its base: "eng" (on) keeps reporting, "ops" (inherit) stops.
    await saveDecisionSettings(db, ctx, { collect: false, relayPort: 4318, retentionDays: 90, mask: { patterns: [], jsonPaths: [] } }, testRequest);
    await publishDraft(db, ctx, { note: "stop collecting" }, testRequest);
    const after = Object.fromEntries((await listGroupCollection(db, ctx)).map((g) => [g.group, g.composedOtel]));
    expect(after).toEqual({ contractors: OFF, eng: ON, ops: "" });
    expect(await bundleOf(ctx, "eng")).toContain(`\n${ON}\n`);

    // Inherit removes Charter's section again.
    await setGroupCollection(db, ctx, { group: "contractors", mode: "inherit" }, testRequest);
    expect((await getOverlayDraft(db, ctx, "contractors")).toml).toBe("");
  });

  it("refuses unknown groups and modes, and members who may not publish", async () => {
    const ctx = await owner();
    await createGroup(db, ctx, { name: "eng" }, testRequest);
    expect(await codeOf(setGroupCollection(db, ctx, { group: "nope", mode: "on" }, testRequest))).toBe("not_found");
    expect(await codeOf(setGroupCollection(db, ctx, { group: "eng", mode: "maybe" as "on" }, testRequest))).toBe("validation_failed");
    expect(await codeOf(setGroupCollection(db, { ...ctx, role: "approver" }, { group: "eng", mode: "on" }, testRequest))).toBe("forbidden");
    expect((await getOverlayDraft(db, ctx, "eng")).toml).toBe("");
  });
});
