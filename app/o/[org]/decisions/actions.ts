"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { orgAction } from "@/lib/ops/action";
import { addDecisionToSamples, createIngestKey, revokeIngestKey, saveDecisionSettings, startReplay, type DecisionSettingsInput, type ReplayInput } from "@/lib/decisions";
import { startRun, listSamples } from "@/lib/sandbox";

function refreshed<T extends { ok: boolean }>(slug: string, result: T): T {
  if (result.ok) revalidatePath(`/o/${slug}/decisions`, "layout");
  return result;
}

export async function saveDecisionSettingsAction(slug: string, input: DecisionSettingsInput) {
  return refreshed(slug, await orgAction(slug, "policy:publish", async (ctx) => {
    const s = await saveDecisionSettings(db, ctx, input, ctx.request);
    return { collect: s.collect, draftRevision: s.draftRevision };
  }));
}

export async function startReplayAction(slug: string, input: ReplayInput) {
  return orgAction(slug, "policy:edit", async (ctx) => {
    // The replay runs in the background of this server process; its page follows it by reloading.
    const r = await startReplay(db, ctx, input, ctx.request);
    return { runId: r.runId, replayed: r.replayed, skipped: r.skipped };
  });
}

export async function addToSamplesAction(slug: string, id: string) {
  return orgAction(slug, "policy:edit", async (ctx) => {
    const s = await addDecisionToSamples(db, ctx, String(id), ctx.request);
    return { id: s.id, name: s.name };
  });
}

/** "Replay in sandbox": the decision becomes a sample (once) and is reviewed under the draft by the built-in baseline. */
export async function replayInSandboxAction(slug: string, id: string) {
  return orgAction(slug, "policy:edit", async (ctx) => {
    const existing = (await listSamples(db, ctx, { tag: "real-decision" })).find((s) => s.notes.startsWith(`From decision ${String(id)} `));
    const sample = existing ?? (await addDecisionToSamples(db, ctx, String(id), ctx.request));
    const run = await startRun(db, ctx, { policy: { source: "draft" }, provider: "baseline", sampleIds: [sample.id] }, ctx.request);
    return { runId: run.id };
  });
}

export async function createIngestKeyAction(slug: string, name: string) {
  return refreshed(slug, await orgAction(slug, "policy:publish", async (ctx) => {
    const { key, secret } = await createIngestKey(db, ctx, { name }, ctx.request);
    return { id: key.id, secret };
  }));
}

export async function revokeIngestKeyAction(slug: string, id: string) {
  return refreshed(slug, await orgAction(slug, "policy:publish", async (ctx) => {
    await revokeIngestKey(db, ctx, String(id), ctx.request);
    return { revoked: true };
  }));
}
