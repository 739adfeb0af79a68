import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAgentToken } from "../../lib/agents";
import type { OrgContext } from "../../lib/auth/actor";
import { replayFlips, saveDecisionSettings, startReplay } from "../../lib/decisions";
import { DecisionRelay, startRelay } from "../../packages/agent/src/relay";
import { joinRecords, logsFromJson, maskDecision } from "../../packages/agent/src/relay/records";
import { RUNS, TELEMETRY_DIR, logBodies, toProtobuf, type Run } from "../support/codex-telemetry";
import { startDecisionsServer } from "../support/decisions-server";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

const db = useTestDb();
const NOW = Date.parse("2026-11-27T12:00:00Z");
const cleanups: (() => Promise<void> | void)[] = [];
beforeEach(() => resetDb(db));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function host() {
  const { org, actor } = await makeOrgWithMember(db, "owner");
  const ctx: OrgContext = { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
  const { secret } = await createAgentToken(db, ctx, { name: "laptop", group: "eng" }, testRequest);
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "charter-relay-"));
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
  return { ctx, secret, stateDir };
}

async function relayFor(server: URL, secret: string, org: string, stateDir: string, extra: { sessionsDir?: string; exactRequests?: boolean; spool?: { segmentMs: number } } = {}) {
  const relay = new DecisionRelay({ server, token: secret, org, stateDir, log: () => {} }, { port: 0, tickMs: 3_600_000, spool: { segmentMs: 0 }, ...extra });
  await relay.start();
  cleanups.push(() => relay.stop());
  return relay;
}

/** Posts one fixture run to the relay exactly as Codex exported it (JSON), or protobuf-encoded. */
async function exportRun(relay: DecisionRelay, run: Run, protocol: "json" | "protobuf" = "json") {
  for (const body of logBodies(run)) {
    const res = await fetch(`http://127.0.0.1:${relay.port}/v1/logs`, {
      method: "POST",
      headers: { "content-type": protocol === "json" ? "application/json" : "application/x-protobuf" },
      body: protocol === "json" ? Uint8Array.from(body.bytes) : Uint8Array.from(toProtobuf(body.bytes)),
    });
    expect(res.status).toBe(200);
  }
}

const expected = (run: Run) => joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes))))).map((d) => maskDecision(d));

describe("the host relay", () => {
  it("with full replay fidelity, attaches the exact reviewer request from Codex's session files, and a replay sends it", async () => {
    const { ctx, secret, stateDir } = await host();
    const server = await startDecisionsServer(db, NOW);
    cleanups.push(() => server.close());
    const run: Run = "0.171.0-deny1";
    const relay = await relayFor(server.url, secret, ctx.org.slug, stateDir, { sessionsDir: path.join(TELEMETRY_DIR, run, "sessions"), exactRequests: true });
    await exportRun(relay, run);
    await relay.tick(true);
    expect(relay.status()).toMatchObject({ uploaded: 1, lastError: null });
    const captured = JSON.parse(readFileSync(path.join(TELEMETRY_DIR, run, "reviewer-requests", "003-POST-_v1_responses.raw"), "utf8")) as { input: { role: string; content: { text?: string }[] }[] };
    const sent = captured.input.filter((m) => m.role === "user").map((m) => m.content.map((c) => c.text ?? "").join("")).find((t) => t.includes(">>> APPROVAL REQUEST START"));
    const [stored] = await db.decision.findMany({ where: { orgId: ctx.org.id } });
    expect(stored.reviewRequest).toBe(sent);

    const replay = await startReplay(db, ctx, { policy: { source: "pasted", text: "Deny anything outside the workspace." }, provider: "baseline", lastN: 10, sample: 5 }, testRequest);
    await replay.done;
    const [result] = await db.sandboxResult.findMany({ where: { runId: replay.runId } });
    expect(result.requestMessage).toBe(sent);
    expect((await replayFlips(db, ctx, replay.runId)).total).toBe(1);
  });

  it("without it, sends no reviewer request even when session files are there", async () => {
    const { ctx, secret, stateDir } = await host();
    const server = await startDecisionsServer(db, NOW);
    cleanups.push(() => server.close());
    const relay = await relayFor(server.url, secret, ctx.org.slug, stateDir, { sessionsDir: path.join(TELEMETRY_DIR, "0.171.0-deny1", "sessions") });
    await exportRun(relay, "0.171.0-deny1");
    await relay.tick(true);
    expect((await db.decision.findFirstOrThrow({ where: { orgId: ctx.org.id } })).reviewRequest).toBeNull();
  });

  it("turns the real Codex exports (JSON and protobuf) into exactly the decisions the dashboard stores", async () => {
    const { ctx, secret, stateDir } = await host();
    writeFileSync(path.join(stateDir, "pull-x.json"), JSON.stringify({ org: ctx.org.slug, version: 7 }));
    const server = await startDecisionsServer(db, NOW);
    cleanups.push(() => server.close());
    const relay = await relayFor(server.url, secret, ctx.org.slug, stateDir);
    await exportRun(relay, "0.169.0-deny1");
    await exportRun(relay, "0.171.0-allow1");
    await exportRun(relay, "0.171.0-deny1", "protobuf");
    await exportRun(relay, "0.171.0-min", "protobuf");
    await relay.tick(true);
    expect(relay.status()).toMatchObject({ decisions: 4, uploaded: 4, pending: 0, spool: { segments: 0, dropped: 0 }, lastError: null });

    const stored = await db.decision.findMany({ where: { orgId: ctx.org.id }, orderBy: { occurredAt: "asc" } });
    const want = RUNS.flatMap(expected).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    expect(stored.map((r) => ({
      id: r.id, occurredAt: r.occurredAt.toISOString(), status: r.status, codexStatus: r.codexStatus, outcome: r.outcome, riskLevel: r.riskLevel,
      userAuthorization: r.userAuthorization, rationale: r.rationale, kind: r.kind, arguments: r.arguments, model: r.model, codexVersion: r.codexVersion,
      conversationId: r.conversationId, callId: r.callId, durationMs: r.durationMs, toolSuccess: r.toolSuccess, hostName: r.hostName,
    }))).toEqual(want.map((d) => ({
      id: d.id, occurredAt: d.occurredAt, status: d.status, codexStatus: d.codexStatus, outcome: d.outcome, riskLevel: d.riskLevel,
      userAuthorization: d.userAuthorization, rationale: d.rationale, kind: d.kind, arguments: d.arguments, model: d.model, codexVersion: d.codexVersion,
      conversationId: d.conversationId, callId: d.callId, durationMs: d.durationMs, toolSuccess: d.toolSuccess, hostName: d.hostName,
    })));
    expect(stored.every((r) => r.policyVersion === 7 && r.group === "eng")).toBe(true);
  });

  it("uploads at its own pace: a tick with nothing to send (as on every idle tick) does not stop later uploads", async () => {
    const { ctx, secret, stateDir } = await host();
    const server = await startDecisionsServer(db, NOW);
    cleanups.push(() => server.close());
    const relay = await relayFor(server.url, secret, ctx.org.slug, stateDir, { spool: { segmentMs: 2_000 } });
    await relay.tick(); // idle: nothing spooled yet
    await exportRun(relay, "0.171.0-allow1");
    await relay.tick(); // the segment is still open (younger than segmentMs): nothing to send yet
    expect(relay.status()).toMatchObject({ decisions: 1, uploaded: 0, spool: { segments: 0 } });
    await relay.tick(true);
    expect(relay.status()).toMatchObject({ uploaded: 1, spool: { segments: 0 }, lastError: null });
    expect(await db.decision.count({ where: { orgId: ctx.org.id } })).toBe(1);
  });

  it("spools while Charter is unreachable, keeps the spool across a restart, and catches up once, without duplicates", async () => {
    const { ctx, secret, stateDir } = await host();
    const down = await startDecisionsServer(db, NOW);
    const url = down.url;
    await down.close(); // nothing listens on this port now: the host is offline

    const first = await relayFor(url, secret, ctx.org.slug, stateDir);
    await exportRun(first, "0.171.0-allow1");
    await exportRun(first, "0.171.0-deny1");
    await first.tick(true);
    expect(first.status()).toMatchObject({ uploaded: 0, spool: { segments: 1 } });
    expect(first.status().lastError).toMatch(/upload failed/);
    await first.stop();
    expect(await db.decision.count()).toBe(0);

    // Charter comes back on another port; the restarted relay finds the spooled segment and sends it.
    const up = await startDecisionsServer(db, NOW);
    cleanups.push(() => up.close());
    const second = await relayFor(up.url, secret, ctx.org.slug, stateDir);
    await exportRun(second, "0.171.0-min");
    await second.tick(true);
    await second.tick(true);
    expect(second.status()).toMatchObject({ uploaded: 3, spool: { segments: 0 } });
    expect((await db.decision.findMany({ where: { orgId: ctx.org.id }, select: { id: true } })).map((r) => r.id).sort()).toEqual(
      ["299f51b2-295e-4a23-b65a-e7f2f94a7980", "9267b79f-4751-4181-9d2b-331c7cb5679b", "cb3fab74-18ae-4228-8aa3-40e8d612362f"],
    );
    // Codex re-exporting the same records (e.g. a retry) changes nothing.
    await exportRun(second, "0.171.0-min");
    await second.tick(true);
    expect(await db.decision.count({ where: { orgId: ctx.org.id } })).toBe(3);
  });

  it("starts only when the org collects, on the port and with the masking rules Charter gives it", async () => {
    const { ctx, secret, stateDir } = await host();
    const server = await startDecisionsServer(db, NOW);
    cleanups.push(() => server.close());
    const log: string[] = [];
    const relayCtx = { server: server.url, token: secret, org: ctx.org.slug, stateDir, settings: {}, log: (l: string) => log.push(l) };
    expect(await startRelay(relayCtx)).toBeNull();

    const probe = await startDecisionsServer(db, NOW);
    const port = probe.url.port;
    await probe.close();
    await saveDecisionSettings(db, ctx, { collect: true, relayPort: Number(port), retentionDays: 90, mask: { patterns: [{ name: "hooks", pattern: "/opt/codex-hooks" }], jsonPaths: [] } }, testRequest);
    const relay = await startRelay(relayCtx);
    expect(relay).not.toBeNull();
    cleanups.push(() => relay!.stop());
    expect(log).toEqual([`charter-agent relay: receiving Codex OTLP logs on http://127.0.0.1:${port}/v1/logs`]);
    for (const body of logBodies("0.171.0-deny1")) {
      expect((await fetch(`http://127.0.0.1:${port}/v1/logs`, { method: "POST", headers: { "content-type": "application/json" }, body: Uint8Array.from(body.bytes) })).status).toBe(200);
    }
    await relay!.stop();
    const spooled = readdirSync(path.join(stateDir, "decisions", "spool")).filter((f) => f.startsWith("seg-"));
    expect(spooled).toHaveLength(1);
    const { readFileSync } = await import("node:fs");
    const line = JSON.parse(readFileSync(path.join(stateDir, "decisions", "spool", spooled[0]), "utf8"));
    expect(line.arguments.cmd).toBe("touch [masked:hooks]/outside/escalated.txt");
    expect(line.masked).toEqual([{ path: "arguments.cmd", rule: "hooks", count: 1 }]);
  });

  it("answers 400 to a body that is not OTLP and 404 elsewhere", async () => {
    const { ctx, secret, stateDir } = await host();
    const relay = await relayFor(new URL("http://127.0.0.1:1"), secret, ctx.org.slug, stateDir);
    const bad = await fetch(`http://127.0.0.1:${relay.port}/v1/logs`, { method: "POST", headers: { "content-type": "application/json" }, body: "[1]" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ message: expect.stringMatching(/not an OTLP/) });
    expect((await fetch(`http://127.0.0.1:${relay.port}/v1/traces`, { method: "POST", body: "{}" })).status).toBe(404);
  });
});
