import { z } from "zod";
import type { Db } from "../db";
import type { RequestInfo } from "../audit";
import type { OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { getOverlayDraft, groupNameSchema, listGroups, previewOverlay, saveOverlayDraft } from "../groups";
import { GROUP_COLLECTION_MODES, groupCollectionOf, otelTablesOf, withGroupCollection, type GroupCollection } from "./otel";
import { readSettings } from "./settings";

/*
 * Collection per group: a group's overlay can switch decision collection on or off for its hosts, or inherit the org's
 * base. The switch is text in the overlay draft (Charter's `[otel]` section, or its "off" section), so it is composed,
 * validated, previewed, diffed and published with the rest of the overlay (lib/groups).
 */

export const groupCollectionSchema = z.strictObject({
  group: groupNameSchema,
  mode: z.enum(GROUP_COLLECTION_MODES, { message: `mode must be one of ${GROUP_COLLECTION_MODES.join(", ")}` }),
});

export interface GroupCollectionView {
  group: string;
  /** What the overlay draft says ("custom": an [otel] table Charter did not write; edit it on the group's page). */
  mode: GroupCollection | "custom";
  /** The `[otel]` section of the group's composed file with the draft over the current base ("" when none). */
  composedOtel: string;
}

async function viewOf(db: Db, ctx: OrgContext, group: string, port: number): Promise<GroupCollectionView> {
  const draft = await getOverlayDraft(db, ctx, group);
  const preview = await previewOverlay(db, ctx, group, draft.toml);
  return { group, mode: groupCollectionOf(draft.toml, port), composedOtel: otelTablesOf(preview.toml) };
}

export async function listGroupCollection(db: Db, ctx: OrgContext): Promise<GroupCollectionView[]> {
  requirePermission(ctx, "org:read");
  const { relayPort } = await readSettings(db, ctx.org.id);
  const groups = await listGroups(db, ctx);
  return Promise.all(groups.map((g) => viewOf(db, ctx, g.name, relayPort)));
}

/**
 * Sets a group's switch (admins who publish, as for the org's): the overlay draft gains or loses Charter's section; the
 * draft save is audited as any overlay edit, and the change reaches hosts when the overlay is published.
 */
export async function setGroupCollection(db: Db, ctx: OrgContext, input: z.input<typeof groupCollectionSchema>, request: RequestInfo): Promise<GroupCollectionView & { draftRevision: number | null }> {
  requirePermission(ctx, "policy:publish");
  const { group, mode } = groupCollectionSchema.parse(input);
  const { relayPort } = await readSettings(db, ctx.org.id);
  const draft = await getOverlayDraft(db, ctx, group);
  const text = withGroupCollection(draft.toml, mode, relayPort);
  const saved = text !== draft.toml ? await saveOverlayDraft(db, ctx, group, { toml: text, baseRevision: draft.revision }, request) : null;
  return { ...(await viewOf(db, ctx, group, relayPort)), draftRevision: saved?.changed ? saved.revision : null };
}
