import type { Db } from "../db";
import { AppError } from "../errors";
import type { RequestInfo } from "../audit";
import type { OrgContext } from "../auth/actor";
import { openChangeRequest } from "./changes";
import { approvalsRequired, lockOrgPolicy } from "./common";
import { replaceDraftForRestore } from "./draft";
import { restoreSchema, versionNumberSchema, type RestoreInput } from "./schemas";
import { insertVersion, type VersionView } from "./versions";

// Restoring needs both a new version and, when approvals are required, a change request: it sits above both modules.

/** `draftRevision`: the draft's revision after the restore made it equal the restored text. */
export type RestoreResult = ({ kind: "version"; version: VersionView } | { kind: "change_request"; changeRequest: { number: number } }) & { draftRevision: number };

/**
 * Publishes an old version's text as a new version. When the org requires approvals, it opens a change request
 * proposing that text instead. Either way the draft becomes that text too: a draft still holding the rolled-back
 * change would bring it back with the next routine publish. The console confirms first when the draft had unpublished
 * work and passes the revision it confirmed (`draftRevision`); a save after that refuses the restore.
 */
export async function restoreVersion(db: Db, ctx: OrgContext, number: number | string, input: RestoreInput, request: RequestInfo): Promise<RestoreResult> {
  const n = versionNumberSchema.parse(number);
  const { note, draftRevision } = restoreSchema.parse(input);
  const old = await db.policyVersion.findUnique({ where: { orgId_number: { orgId: ctx.org.id, number: n } }, select: { toml: true } });
  if (!old) throw new AppError("not_found", `There is no version ${n}.`);
  if ((await approvalsRequired(db, ctx.org.id)) > 0) {
    if (draftRevision !== undefined) {
      const draft = await db.draft.findUnique({ where: { orgId_name: { orgId: ctx.org.id, name: "default" } }, select: { revision: true } });
      if ((draft?.revision ?? 0) !== draftRevision) {
        throw new AppError("conflict", `The draft was saved again (revision ${draft?.revision ?? 0}) since you confirmed replacing revision ${draftRevision}; look at it before restoring.`, { revision: draft?.revision ?? 0 });
      }
    }
    const cr = await openChangeRequest(db, ctx, { title: `Restore version ${n}`, note, toml: old.toml, restoredFromNumber: n }, request);
    const revision = await db.$transaction((tx) => replaceDraftForRestore(tx, ctx, old.toml, n, undefined, request));
    return { kind: "change_request", changeRequest: { number: cr.number }, draftRevision: revision };
  }
  return db.$transaction(async (tx) => {
    await lockOrgPolicy(tx, ctx.org.id);
    // Re-checked under the lock: the setting may have changed since the read above.
    if ((await approvalsRequired(tx, ctx.org.id)) > 0) throw new AppError("conflict", "The organisation now requires approvals; try the restore again.");
    const version = await insertVersion(tx, ctx, { toml: old.toml, note, restoredFromNumber: n }, request);
    return { kind: "version" as const, version, draftRevision: await replaceDraftForRestore(tx, ctx, old.toml, n, draftRevision, request) };
  });
}
