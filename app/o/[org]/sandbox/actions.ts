"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { orgAction } from "@/lib/auth/next";
import { AppError } from "@/lib/errors";
import {
  attachSandboxEvidence,
  createSample,
  deleteSample,
  importSamples,
  saveProviderSettings,
  startRun,
  updateSample,
  type EvidenceInput,
  type ProviderSettingsInput,
  type RunInput,
  type SampleInput,
} from "@/lib/sandbox";

function refreshed<T extends { ok: boolean }>(slug: string, result: T): T {
  if (result.ok) revalidatePath(`/o/${slug}/sandbox`, "layout");
  return result;
}

const idOf = (id: unknown) => {
  if (typeof id !== "string" || id.length === 0 || id.length > 40) throw new AppError("validation_failed", "id: a sample id.");
  return id;
};

export async function saveSampleAction(slug: string, id: string | null, input: SampleInput) {
  return refreshed(slug, await orgAction(slug, "policy:edit", async (ctx) => {
    const s = id === null ? await createSample(db, ctx, input, ctx.request) : await updateSample(db, ctx, idOf(id), input, ctx.request);
    return { id: s.id, name: s.name };
  }));
}

export async function deleteSampleAction(slug: string, id: string) {
  return refreshed(slug, await orgAction(slug, "policy:edit", async (ctx) => {
    await deleteSample(db, ctx, idOf(id), ctx.request);
    return { deleted: true };
  }));
}

export async function importSamplesAction(slug: string, json: string, mode: "skip" | "replace") {
  return refreshed(slug, await orgAction(slug, "policy:edit", async (ctx) => {
    if (typeof json !== "string") throw new AppError("validation_failed", "Choose a JSON file to import.");
    if (json.length > 5 * 1024 * 1024) throw new AppError("payload_too_large", "The file is over 5 MiB.");
    return importSamples(db, ctx, json, { mode }, ctx.request);
  }));
}

export async function startRunAction(slug: string, input: RunInput) {
  return refreshed(slug, await orgAction(slug, "policy:edit", async (ctx) => {
    // The run goes on in the background of this server process; the page follows it by polling.
    const run = await startRun(db, ctx, input, ctx.request);
    return { id: run.id };
  }));
}

export async function saveProviderAction(slug: string, input: ProviderSettingsInput) {
  return refreshed(slug, await orgAction(slug, "policy:publish", async (ctx) => {
    const s = await saveProviderSettings(db, ctx, input, ctx.request);
    return { configured: s.configured, hasApiKey: s.hasApiKey, apiKeyHint: s.apiKeyHint };
  }));
}

export async function attachEvidenceAction(slug: string, input: EvidenceInput) {
  const result = await orgAction(slug, "policy:edit", async (ctx) => {
    const a = await attachSandboxEvidence(db, ctx, input, ctx.request);
    return { id: a.id, label: a.label };
  });
  if (result.ok) revalidatePath(`/o/${slug}/changes`, "layout");
  return result;
}
