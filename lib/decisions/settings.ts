import type { Db } from "../db";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import type { MaskRules } from "../../packages/agent/src/relay/records";
import { decisionSettingsSchema, type DecisionSettingsInput } from "./schemas";
import { DEFAULT_RETENTION_DAYS } from "./storage";
import { getDraftOrEmpty, saveDraft } from "../policies/draft";
import { withCollection } from "./otel";

export interface DecisionSettingsView {
  collect: boolean;
  relayPort: number;
  retentionDays: number;
  mask: Required<MaskRules>;
  exactRequests: boolean;
  updatedAt: Date | null;
  updatedByLabel: string | null;
}

export const DEFAULT_RELAY_PORT = 4318;

export async function getDecisionSettings(db: Db, ctx: OrgContext): Promise<DecisionSettingsView> {
  requirePermission(ctx, "org:read");
  return readSettings(db, ctx.org.id);
}

/** The settings of an org without an actor (bundle composition, ingest). */
export async function readSettings(db: Pick<Db, "decisionSetting">, orgId: string): Promise<DecisionSettingsView> {
  const s = await db.decisionSetting.findUnique({ where: { orgId } });
  return {
    collect: s?.collect ?? false,
    relayPort: s?.relayPort ?? DEFAULT_RELAY_PORT,
    retentionDays: s?.retentionDays ?? DEFAULT_RETENTION_DAYS,
    mask: { patterns: (s?.maskPatterns as { name: string; pattern: string }[] | undefined) ?? [], jsonPaths: s?.maskJsonPaths ?? [] },
    exactRequests: s?.exactRequests ?? false,
    updatedAt: s?.updatedAt ?? null,
    updatedByLabel: s?.updatedByLabel ?? null,
  };
}

/**
 * Saves collection, retention and masking rules (admins who publish: collection changes what hosts install). Switching
 * collection on or off edits the draft: it gains (or loses) the `[otel]` section, which then goes through validation,
 * the diff, approvals and publishing like any other change. `draftRevision` is set when the draft changed.
 */
export async function saveDecisionSettings(db: Db, ctx: OrgContext, input: DecisionSettingsInput, request: RequestInfo): Promise<DecisionSettingsView & { draftRevision: number | null }> {
  requirePermission(ctx, "policy:publish");
  const next = decisionSettingsSchema.parse(input);
  const draft = await getDraftOrEmpty(db, ctx);
  const text = withCollection(draft.toml, next.collect ? next.relayPort : null);
  const saved = text !== draft.toml ? await saveDraft(db, ctx, { toml: text, baseRevision: draft.revision }, request) : null;
  const label = auditActor(ctx.actor).label;
  await db.$transaction(async (tx) => {
    const before = await readSettings(tx, ctx.org.id);
    const data = { collect: next.collect, relayPort: next.relayPort, retentionDays: next.retentionDays, maskPatterns: next.mask.patterns, maskJsonPaths: next.mask.jsonPaths, exactRequests: next.exactRequests, updatedByLabel: label };
    await tx.decisionSetting.upsert({ where: { orgId: ctx.org.id }, create: { orgId: ctx.org.id, ...data }, update: data });
    const diff: Record<string, { before: unknown; after: unknown }> = {};
    const pairs: [string, unknown, unknown][] = [
      ["collect", before.collect, next.collect],
      ["relayPort", before.relayPort, next.relayPort],
      ["retentionDays", before.retentionDays, next.retentionDays],
      ["maskPatterns", before.mask.patterns, next.mask.patterns],
      ["maskJsonPaths", before.mask.jsonPaths, next.mask.jsonPaths],
      ["exactRequests", before.exactRequests, next.exactRequests],
    ];
    for (const [field, b, a] of pairs) if (JSON.stringify(b) !== JSON.stringify(a)) diff[field] = { before: b, after: a };
    await recordAudit(tx, { orgId: ctx.org.id, actor: auditActor(ctx.actor), action: "decisions.settings.updated", target: { type: "decision_settings", id: ctx.org.id }, diff, request });
  });
  return { ...(await readSettings(db, ctx.org.id)), draftRevision: saved?.changed ? saved.revision : null };
}
