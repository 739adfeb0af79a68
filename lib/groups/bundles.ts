import type { Prisma } from "../db";
import { sha256Hex } from "../requirements/hash";
import { signVersion, type SignedBy } from "../bundles/build";
import { assertComposable, composeOverlay } from "./compose";

type Tx = Prisma.TransactionClient;

export const groupLabel = (name: string) => `group "${name}"`;

/**
 * The signed bundle of base version `base` composed with `overlay` of `group`: built once, then reused. The payload's
 * `version` is the base version's number, so a host's version never goes down when it changes group or its group's
 * overlay changes (hosts accept an equal version with new text). Refuses a composition Codex would refuse.
 */
export async function ensureGroupBundle(
  tx: Tx,
  org: { id: string; slug: string },
  group: { id: string; name: string },
  base: { number: number; toml: string },
  overlay: { number: number; toml: string },
  opts: { now?: Date; resign?: boolean } & SignedBy = {},
) {
  const key = { groupId_baseVersion_overlayVersion: { groupId: group.id, baseVersion: base.number, overlayVersion: overlay.number } };
  if (!opts.resign) {
    const existing = await tx.groupBundle.findUnique({ where: key });
    if (existing) return existing;
  }
  const composed = composeOverlay(base.toml, overlay.toml, { overlayName: groupLabel(group.name) });
  assertComposable(composed, groupLabel(group.name));
  const sha256 = sha256Hex(composed.toml);
  const signed = await signVersion(tx, org, { number: base.number, toml: composed.toml, sha256 }, opts);
  const data = { toml: composed.toml, sha256, ...signed };
  return tx.groupBundle.upsert({
    where: key,
    create: { orgId: org.id, groupId: group.id, baseVersion: base.number, overlayVersion: overlay.number, ...data },
    update: data,
  });
}

/** The latest published overlay of each group that has one. */
export async function latestOverlays(tx: Tx, orgId: string) {
  const groups = await tx.hostGroup.findMany({
    where: { orgId },
    select: { id: true, name: true, overlayVersions: { orderBy: { number: "desc" }, take: 1, select: { number: true, toml: true } } },
  });
  return groups.filter((g) => g.overlayVersions.length > 0).map((g) => ({ group: { id: g.id, name: g.name }, overlay: g.overlayVersions[0] }));
}

/**
 * Called in the publish transaction of a base version: composes and signs it with every group's overlay, so the new
 * version is refused when it would make any group's file invalid (the error names the group and the line).
 */
export async function composeGroupsForVersion(tx: Tx, org: { id: string; slug: string }, version: { number: number; toml: string }, opts: SignedBy = {}) {
  for (const { group, overlay } of await latestOverlays(tx, org.id)) await ensureGroupBundle(tx, org, group, version, overlay, opts);
}
