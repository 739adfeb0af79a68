import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { drainBackground } from "../../lib/background";
import type { ReviewerProvider, ReviewResult } from "../../lib/guardian/providers";
import { createSample, getRun, SEED_SAMPLES, startRun } from "../../lib/sandbox";
import { enqueueWebhookEvents, saveWebhook, webhookWorker } from "../../lib/webhooks";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

/*
 * Work that outlives its caller (the outbox delivery loop, a sandbox run's reviews) is registered in lib/background.ts,
 * and resetDb drains it before it empties the database: a delivery's transaction racing the TRUNCATE deadlocked
 * (40P01, decisions-console run 5 of the last session). These tests hold such work in flight and check that draining
 * waits for it.
 */
const db = useTestDb();
beforeEach(() => resetDb(db));
afterEach(() => drainBackground());

// Lets every pending callback run, so a drain that did not wait would already have resolved.
const turn = () => new Promise((r) => setImmediate(r));

async function owner() {
  const { actor, org } = await makeOrgWithMember(db, "owner");
  return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" as const };
}

describe("draining background work", () => {
  it("waits for the outbox delivery in flight and stops the delivery loop", async () => {
    let received!: () => void;
    const arrived = new Promise<void>((r) => (received = r));
    let held: ServerResponse | undefined;
    const server = createServer((req, res) => {
      req.resume();
      held = res;
      received();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const ctx = await owner();
      await saveWebhook(db, ctx, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` }, testRequest);
      await db.$transaction((tx) => enqueueWebhookEvents(tx, ctx.org.id, [{ event: "decisions.alert", data: { kind: "test" } }]));
      const worker = webhookWorker(db);
      worker.kick();
      await arrived;

      let drained = false;
      const drain = drainBackground().then(() => void (drained = true));
      await turn();
      expect(drained).toBe(false); // the delivery's pass is waiting for the receiver
      held!.writeHead(204).end();
      await drain;
      expect(await db.webhookDelivery.findMany({ select: { attempts: true, lastStatus: true, deliveredAt: true } })).toEqual([
        { attempts: 1, lastStatus: 204, deliveredAt: expect.any(Date) },
      ]);
      expect(webhookWorker(db)).not.toBe(worker); // stopped: the next event starts a fresh loop
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("waits for a sandbox run's reviews (replays of real decisions run the same way)", async () => {
    const ctx = await owner();
    const sample = await createSample(db, ctx, { name: "held", action: SEED_SAMPLES[0].action }, testRequest);
    let answer!: (r: ReviewResult) => void;
    let asked!: () => void;
    const reviewing = new Promise<void>((r) => (asked = r));
    const provider: ReviewerProvider = {
      kind: "openai",
      label: "held",
      model: "held-model",
      baseUrl: null,
      review: () => {
        asked();
        return new Promise((r) => (answer = r));
      },
    };
    const run = await startRun(db, ctx, { policy: { source: "pasted", text: "" }, provider: "org", sampleIds: [sample.id] }, testRequest, { provider });
    await reviewing;

    let drained = false;
    const drain = drainBackground().then(() => void (drained = true));
    await turn();
    expect(drained).toBe(false);
    answer({ status: "allow", riskLevel: "low", userAuthorization: "high", rationale: "fine", latencyMs: 1, promptTokens: null, completionTokens: null, totalTokens: null, raw: null, error: null });
    await drain;
    expect(await getRun(db, ctx, run.id)).toMatchObject({ status: "completed", total: 1, completed: 1 });
  });
});
