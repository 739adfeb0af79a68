import type { Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import { open, seal } from "../crypto/secretbox";
import {
  baselineProvider,
  envProviderConfig,
  openAiProvider,
  type InstructionsRole,
  type OpenAiProviderConfig,
  type ResponseFormat,
  type ReviewerProvider,
} from "../guardian/providers";
import { ensureSettingsRow } from "./samples";
import { providerSettingsSchema, type ProviderSettingsInput } from "./schemas";

/** Admins (and owners) set the provider: it holds an API key and decides where the org's policy text is sent. */
export const PROVIDER_SETTINGS_PERMISSION = "policy:publish" as const;

/** The sealed key is bound to its org, so a copied ciphertext does not open in another org's row. */
const keyContext = (orgId: string) => `sandbox-provider-key:${orgId}`;

export interface ProviderSettingsView {
  configured: boolean;
  baseUrl: string | null;
  model: string | null;
  hasApiKey: boolean;
  /** The last four characters of the key, e.g. "…c9f2". */
  apiKeyHint: string | null;
  instructionsRole: InstructionsRole;
  responseFormat: ResponseFormat;
  timeoutMs: number;
  concurrency: number;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export interface ProviderOptions {
  baseline: { label: string };
  org: ProviderSettingsView;
  /** The server's OPENAI_* environment, if set (the key is never shown). */
  env: { baseUrl: string; model: string } | null;
}

export async function getProviderSettings(db: Db, ctx: OrgContext): Promise<ProviderSettingsView> {
  requirePermission(ctx, "org:read");
  const row = await db.providerSetting.findUnique({ where: { orgId: ctx.org.id } });
  return {
    configured: !!(row?.baseUrl && row.model),
    baseUrl: row?.baseUrl ?? null,
    model: row?.model ?? null,
    hasApiKey: !!row?.apiKeySealed,
    apiKeyHint: row?.apiKeyHint ?? null,
    instructionsRole: (row?.instructionsRole as InstructionsRole) ?? "system",
    responseFormat: (row?.responseFormat as ResponseFormat) ?? "json_schema",
    timeoutMs: row?.timeoutMs ?? 90_000,
    concurrency: row?.concurrency ?? 4,
    updatedAt: row?.baseUrl ? row.updatedAt : null,
    updatedBy: row?.updatedByLabel ?? null,
  };
}

export async function providerOptions(db: Db, ctx: OrgContext, env: Record<string, string | undefined> = process.env): Promise<ProviderOptions> {
  const e = envProviderConfig(env);
  return { baseline: { label: baselineProvider().label }, org: await getProviderSettings(db, ctx), env: e && { baseUrl: e.baseUrl, model: e.model } };
}

/** Saves the org's provider. The key is sealed before it reaches the database; the audit event never holds it. */
export async function saveProviderSettings(db: Db, ctx: OrgContext, input: ProviderSettingsInput, request: RequestInfo): Promise<ProviderSettingsView> {
  requirePermission(ctx, PROVIDER_SETTINGS_PERMISSION);
  const s = providerSettingsSchema.parse(input);
  await db.$transaction(async (tx) => {
    await ensureSettingsRow(tx, ctx.org.id);
    const [before] = await tx.$queryRaw<{ baseUrl: string | null; model: string | null; apiKeySealed: string | null; apiKeyHint: string | null; instructionsRole: string; responseFormat: string; timeoutMs: number; concurrency: number }[]>`
      SELECT "baseUrl", model, "apiKeySealed", "apiKeyHint", "instructionsRole", "responseFormat", "timeoutMs", concurrency
      FROM "ProviderSetting" WHERE "orgId" = ${ctx.org.id} FOR UPDATE`;
    const newKey = s.apiKey ? s.apiKey : null;
    // A stored key was given for one host: sending it to another needs whoever changes the URL to enter it again.
    const urlChanged = before.baseUrl !== null && before.baseUrl !== s.baseUrl;
    if (urlChanged && before.apiKeySealed && !newKey && !s.clearApiKey) {
      throw new AppError("validation_failed", `The base URL changed from ${before.baseUrl}: enter the API key again for ${s.baseUrl}, or remove the stored key. The stored key is only sent to the URL it was entered for.`, {
        field: "apiKey",
      });
    }
    const key = s.clearApiKey ? { apiKeySealed: null, apiKeyHint: null } : newKey ? { apiKeySealed: seal(newKey, keyContext(ctx.org.id)), apiKeyHint: `…${newKey.slice(-4)}` } : {};
    const next = { baseUrl: s.baseUrl, model: s.model, instructionsRole: s.instructionsRole, responseFormat: s.responseFormat, timeoutMs: s.timeoutMs, concurrency: s.concurrency };
    await tx.providerSetting.update({ where: { orgId: ctx.org.id }, data: { ...next, ...key, updatedByLabel: auditActor(ctx.actor).label } });
    const diff: Record<string, { before?: unknown; after?: unknown }> = {};
    for (const [k, v] of Object.entries(next)) if (before[k as keyof typeof before] !== v) diff[k] = { before: before[k as keyof typeof before], after: v };
    // The key itself is never in the log: only that it was set, replaced or removed.
    if (s.clearApiKey && before.apiKeySealed) diff.apiKey = { before: "[set]", after: null };
    else if (newKey) diff.apiKey = { before: before.apiKeySealed ? "[set]" : null, after: "[set]" };
    const meta = urlChanged && before.apiKeySealed ? { baseUrlChange: s.clearApiKey ? "the stored API key was removed because the base URL changed" : "the API key was entered again because the base URL changed" } : undefined;
    await recordAudit(tx, { orgId: ctx.org.id, actor: auditActor(ctx.actor), action: "sandbox.provider_updated", target: { type: "sandbox_provider", id: ctx.org.id }, diff, meta, request });
  });
  return getProviderSettings(db, ctx);
}

/** Builds the provider a run asked for; refuses a choice that is not configured. */
export async function resolveProvider(db: Db, ctx: OrgContext, choice: "baseline" | "org" | "env", model?: string, env: Record<string, string | undefined> = process.env): Promise<{ provider: ReviewerProvider; concurrency: number; timeoutMs: number }> {
  if (choice === "baseline") return { provider: baselineProvider(), concurrency: 4, timeoutMs: 0 };
  let config: OpenAiProviderConfig;
  let concurrency = 4;
  if (choice === "env") {
    const e = envProviderConfig(env);
    if (!e) throw new AppError("validation_failed", "No provider is configured by the environment (OPENAI_BASE_URL / OPENAI_API_KEY).");
    config = e;
  } else {
    const row = await db.providerSetting.findUnique({ where: { orgId: ctx.org.id } });
    if (!row?.baseUrl || !row.model) throw new AppError("validation_failed", "This organisation has no provider configured. Set one under Provider, or use the baseline.");
    let apiKey: string | null = null;
    if (row.apiKeySealed) {
      try {
        apiKey = open(row.apiKeySealed, keyContext(ctx.org.id)).toString("utf8");
      } catch {
        throw new AppError("unavailable", "The stored API key cannot be decrypted (was CHARTER_MASTER_KEY changed?). Enter the key again.");
      }
    }
    config = { baseUrl: row.baseUrl, apiKey, model: row.model, timeoutMs: row.timeoutMs, instructionsRole: row.instructionsRole as InstructionsRole, responseFormat: row.responseFormat as ResponseFormat, source: "org settings" };
    concurrency = row.concurrency;
  }
  if (model?.trim()) config = { ...config, model: model.trim() };
  return { provider: openAiProvider(config), concurrency, timeoutMs: config.timeoutMs ?? 90_000 };
}
