import http from "node:http";
import { gzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { createAgentToken, revokeAgentToken } from "../../lib/agents";
import type { OrgContext } from "../../lib/auth/actor";
import { AppError } from "../../lib/errors";
import { createIngestKey, ingestHostBatch, ingestOtlpLogs, ingestSlots, purgeExpiredDecisions, revokeIngestKey, saveDecisionSettings } from "../../lib/decisions";
import { deliverDueWebhooks, RETRY_DELAYS_S, saveWebhook, signWebhook } from "../../lib/webhooks";
import { joinRecords, logsFromJson, type Decision } from "../../packages/agent/src/relay/records";
import { RUNS, logBodies, toProtobuf } from "../support/codex-telemetry";
import { codeOf, makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

const db = useTestDb();
beforeEach(() => resetDb(db));

/** The fixtures' day: ingest checks record times against "now" (retention, clock skew). */
const NOW = Date.parse("2026-11-27T12:00:00Z");

async function owner(): Promise<OrgContext> {
  const { org, actor } = await makeOrgWithMember(db, "owner");
  return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
}

/** One decision per fixture run, as the relay produces them from real Codex output. */
const fixtureDecisions = (): Decision[] => RUNS.flatMap((run) => joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes))))));

function batch(secret: string, lines: unknown[], headers: Record<string, string> = {}): Request {
  const body = Uint8Array.from(gzipSync(lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n"));
  return new Request("http://charter.test/api/v1/agent/decisions", {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-encoding": "gzip", "content-type": "application/x-ndjson", ...headers },
    body,
  });
}

const rows = (orgId: string) => db.decision.findMany({ where: { orgId }, orderBy: { occurredAt: "asc" } });

describe("POST /api/v1/agent/decisions", () => {
  it("stores the real Codex decisions of every fixture run under the token's org, host and group, once however often they are sent", async () => {
    const ctx = await owner();
    const { token, secret } = await createAgentToken(db, ctx, { name: "laptop-1", group: "eng" }, testRequest);
    const decisions = fixtureDecisions();
    const first = await ingestHostBatch(db, batch(secret, decisions, { "x-charter-batch-id": "b-1" }), NOW);
    expect(first).toMatchObject({ batchId: "b-1", received: 4, stored: 4, duplicates: 0, rejected: [] });
    const again = await ingestHostBatch(db, batch(secret, decisions, { "x-charter-batch-id": "b-1" }), NOW);
    expect(again).toMatchObject({ received: 4, stored: 0, duplicates: 4 });
    const stored = await rows(ctx.org.id);
    expect(stored.map((r) => [r.id, r.status, r.riskLevel, r.codexVersion, r.kind])).toEqual([
      ["299f51b2-295e-4a23-b65a-e7f2f94a7980", "allow", "medium", "0.171.0", "exec_command"],
      ["cb3fab74-18ae-4228-8aa3-40e8d612362f", "deny", "high", "0.171.0", "exec_command"],
      ["176e3175-d4f2-4f7c-b979-cd243af90959", "deny", "high", "0.169.0", "exec_command"],
      ["9267b79f-4751-4181-9d2b-331c7cb5679b", "allow", "low", "0.171.0", "exec_command"],
    ]);
    expect(stored.every((r) => r.hostId === token.id && r.group === "eng" && r.source === "relay")).toBe(true);
    expect(stored[1]).toMatchObject({
      occurredAt: new Date("2026-11-27T10:33:12.105Z"),
      conversationId: "01a21c90-ef2d-7a91-b307-0208e3306658",
      callId: "call_2",
      rationale: "MOCK-RATIONALE: writing outside the workspace was not requested.",
      arguments: { cmd: "touch /opt/codex-hooks/outside/escalated.txt", sandbox_permissions: "require_escalated", justification: "MOCK-JUSTIFICATION: need to create a file outside the workspace" },
      model: "gpt-5.4",
      hostName: "vm",
    });
  });

  it("refuses bad lines one by one with their reasons and stores the rest", async () => {
    const ctx = await owner();
    const { secret } = await createAgentToken(db, ctx, { name: "h" }, testRequest);
    const [good, other] = fixtureDecisions();
    const result = await ingestHostBatch(
      db,
      batch(secret, [good, "{not json", { ...other, status: "maybe" }, { ...other, orgId: "someone-else" }, { ...other, occurredAt: "2025-01-01T00:00:00Z" }, { id: "x" }]),
      NOW,
    );
    expect(result.stored).toBe(1);
    expect(result.rejected).toEqual([
      { line: 2, reason: "not valid JSON" },
      { line: 3, id: other.id, reason: expect.stringMatching(/^status: status must be one of allow, deny, failed, timed_out/) },
      { line: 4, id: other.id, reason: "unknown field(s): orgId" },
      { line: 5, id: other.id, reason: "occurredAt is older than the organisation's retention (90 days)" },
      { line: 6, id: "x", reason: expect.stringMatching(/^occurredAt: /) },
    ]);
    expect((await rows(ctx.org.id)).map((r) => r.id)).toEqual([good.id]);
  });

  it("masks with the org's rules at ingest too, records what was masked, and hands the rules back to the relay", async () => {
    const ctx = await owner();
    await saveDecisionSettings(db, ctx, { collect: true, relayPort: 4318, retentionDays: 30, mask: { patterns: [{ name: "hooks-dir", pattern: "/opt/codex-hooks" }], jsonPaths: ["arguments.justification"] } }, testRequest);
    const { secret } = await createAgentToken(db, ctx, { name: "h" }, testRequest);
    const [d] = fixtureDecisions();
    const result = await ingestHostBatch(db, batch(secret, [d]), NOW);
    expect(result.masking).toEqual({ patterns: [{ name: "hooks-dir", pattern: "/opt/codex-hooks" }], jsonPaths: ["arguments.justification"] });
    const [row] = await rows(ctx.org.id);
    expect(row.arguments).toEqual({ cmd: "touch [masked:hooks-dir]/outside/escalated.txt", sandbox_permissions: "require_escalated", justification: "[masked:json-path]" });
    expect(row.masked).toEqual([
      { path: "arguments.justification", rule: "json-path:arguments.justification", count: 1 },
      { path: "arguments.cmd", rule: "hooks-dir", count: 1 },
    ]);
    expect(JSON.stringify(row)).not.toContain("MOCK-JUSTIFICATION");
  });

  it("answers 401 for missing, unknown and revoked tokens, 413 past the size limit, 429 when busy, and stores nothing", async () => {
    const ctx = await owner();
    const { token, secret } = await createAgentToken(db, ctx, { name: "h" }, testRequest);
    const lines = fixtureDecisions();
    const call = (req: Request) => codeOf(ingestHostBatch(db, req, NOW));
    expect(await call(new Request("http://x/", { method: "POST", body: "" }))).toBe("unauthenticated");
    expect(await call(batch("cha_" + "x".repeat(43), lines))).toBe("unauthenticated");
    const huge = new Request("http://x/", { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-length": String(5 * 1024 * 1024) }, body: "x" });
    expect(await call(huge)).toBe("payload_too_large");
    const bomb = new Request("http://x/", { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-encoding": "gzip" }, body: Uint8Array.from(gzipSync(Buffer.alloc(40 * 1024 * 1024, 0x20))) });
    expect(await call(bomb)).toBe("payload_too_large");
    expect(await call(new Request("http://x/", { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-encoding": "gzip" }, body: "plain" }))).toBe("bad_request");
    while (ingestSlots.tryAcquire());
    try {
      const busy = await ingestHostBatch(db, batch(secret, lines), NOW).catch((e: AppError) => e);
      expect(busy).toMatchObject({ code: "rate_limited", status: 429 });
    } finally {
      ingestSlots.used = 0;
    }
    await revokeAgentToken(db, ctx, token.id, testRequest);
    expect(await call(batch(secret, lines))).toBe("unauthenticated");
    expect(await db.decision.count()).toBe(0);
  });

  it("stores every field exactly as validated, whatever characters and JSON values the lines spell", async () => {
    const ctx = await owner();
    const { secret } = await createAgentToken(db, ctx, { name: "h", group: "eng" }, testRequest);
    const [a, b, c, d] = fixtureDecisions();
    // Characters that mean something in JSON, in PostgreSQL's array literals or in its text, in every kind of column.
    const odd = 'q"uote \\back\\slash\\n {br,ace} NULL \t\ttab\r\nline \u0001\u001f ctl \u2028 é 😀 \u007f';
    const lines = [
      { ...a, rationale: odd, hostName: "NULL", model: null, kind: "{x,y}", turnId: '"', reviewRequest: odd, durationMs: 0, policyVersion: 7 },
      { ...b, id: `${b.id}\\"`, rationale: "\\", arguments: { cmd: odd, n: [1.5, -0, 1e21, 2 ** 64, null, true], nested: { "k\"ey": "\\", "": [] } }, toolSuccess: null },
      { ...c, arguments: null, callId: "", outcome: "NULL", durationMs: null, policyVersion: null },
      // Spelled by hand: escapes JSON.stringify would not write, a duplicate key (the last one counts), spaces.
      `{ "id": "${d.id}", "occurredAt": "${d.occurredAt}", "conversationId": "\\u0063onv", "callId": "c\\/1", "turnId": null, "status": "allow", "codexStatus": "approved", "outcome": null, "riskLevel": "low", "userAuthorization": null, "rationale": "first", "rationaleTruncated": false, "durationMs": 1E3, "kind": "shell", "toolName": null, "toolNamespace": null, "mcpServer": null, "arguments": {"a": 1, "a": 2.50}, "toolSuccess": true, "model": "m", "codexVersion": null, "originator": null, "hostName": "h", "policyVersion": 3, "masked": [], "rationale": "last" }`,
    ];
    const result = await ingestHostBatch(db, batch(secret, lines), NOW);
    expect(result).toMatchObject({ received: 4, stored: 4, rejected: [] });
    const stored = await db.decision.findMany({ where: { orgId: ctx.org.id } });
    const expected = lines.map((l) => (typeof l === "string" ? JSON.parse(l) : JSON.parse(JSON.stringify(l))) as Record<string, unknown>);
    for (const want of expected) {
      const row = stored.find((r) => r.id === want.id);
      expect(row, String(want.id)).toBeDefined();
      const { orgId, receivedAt, source, hostId, group, ...fields } = row!;
      expect({ orgId, source, hostId: typeof hostId, group }).toEqual({ orgId: ctx.org.id, source: "relay", hostId: "string", group: "eng" });
      expect(receivedAt).toBeInstanceOf(Date);
      expect({ ...fields, occurredAt: fields.occurredAt.toISOString() }).toEqual({ reviewRequest: null, ...want, masked: [] });
    }
    expect(stored.find((r) => r.id === d.id)).toMatchObject({ rationale: "last", durationMs: 1000, conversationId: "conv", callId: "c/1", arguments: { a: 2.5 } });
  });

  it("lets a token write only its own org", async () => {
    const a = await owner();
    const b = await owner();
    const { secret } = await createAgentToken(db, a, { name: "a" }, testRequest);
    await ingestHostBatch(db, batch(secret, fixtureDecisions()), NOW);
    expect(await db.decision.count({ where: { orgId: a.org.id } })).toBe(4);
    expect(await db.decision.count({ where: { orgId: b.org.id } })).toBe(0);
  });
});

describe("POST /v1/logs (OTLP/HTTP with an ingest key)", () => {
  const otlp = (secret: string, body: string | Uint8Array, type: string) =>
    new Request("http://charter.test/v1/logs", { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-type": type }, body: typeof body === "string" ? body : Uint8Array.from(body) });

  it("stores the same decisions from Codex's JSON export and from the protobuf encoding of it", async () => {
    const ctx = await owner();
    const other = await owner();
    const { secret } = await createIngestKey(db, ctx, { name: "collector" }, testRequest);
    const { secret: otherSecret } = await createIngestKey(db, other, { name: "collector" }, testRequest);
    for (const body of logBodies("0.171.0-deny1")) await ingestOtlpLogs(db, otlp(secret, body.bytes, "application/json"), NOW);
    for (const body of logBodies("0.171.0-deny1")) {
      const r = await ingestOtlpLogs(db, otlp(otherSecret, toProtobuf(body.bytes), "application/x-protobuf"), NOW);
      expect(r).toMatchObject({ rejectedLogRecords: 0, protobuf: true });
    }
    const strip = (r: Record<string, unknown>) => ({ ...r, orgId: undefined, receivedAt: undefined });
    const [fromJson] = await rows(ctx.org.id);
    const [fromProto] = await rows(other.org.id);
    expect(fromJson).toMatchObject({ id: "cb3fab74-18ae-4228-8aa3-40e8d612362f", status: "deny", source: "otlp", hostId: null });
    expect(strip(fromProto)).toEqual(strip(fromJson));
  });

  it("refuses revoked keys, agent tokens, other content types and broken bodies", async () => {
    const ctx = await owner();
    const { key, secret } = await createIngestKey(db, ctx, { name: "c" }, testRequest);
    const { secret: agentSecret } = await createAgentToken(db, ctx, { name: "h" }, testRequest);
    const body = logBodies("0.171.0-deny1")[2].bytes;
    expect(await codeOf(ingestOtlpLogs(db, otlp(agentSecret, body, "application/json"), NOW))).toBe("unauthenticated");
    expect(await codeOf(ingestOtlpLogs(db, otlp(secret, body, "text/plain"), NOW))).toBe("bad_request");
    expect(await codeOf(ingestOtlpLogs(db, otlp(secret, "{", "application/json"), NOW))).toBe("bad_request");
    expect(await codeOf(ingestOtlpLogs(db, otlp(secret, Buffer.from([0x0a, 0xff]), "application/x-protobuf"), NOW))).toBe("bad_request");
    await revokeIngestKey(db, ctx, key.id, testRequest);
    expect(await codeOf(ingestOtlpLogs(db, otlp(secret, body, "application/json"), NOW))).toBe("unauthenticated");
    expect(await db.decision.count()).toBe(0);
    const audit = await db.auditEvent.findMany({ where: { orgId: ctx.org.id, action: { startsWith: "decisions." } }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(["decisions.ingest_key.created", "decisions.ingest_key.revoked"]);
  });
});

describe("retention", () => {
  it("deletes decisions past each org's retention and keeps the rest, in monthly partitions", async () => {
    const a = await owner();
    const b = await owner();
    await saveDecisionSettings(db, b, { collect: false, relayPort: 4318, retentionDays: 1, mask: { patterns: [], jsonPaths: [] } }, testRequest);
    const { secret: sa } = await createAgentToken(db, a, { name: "a" }, testRequest);
    const { secret: sb } = await createAgentToken(db, b, { name: "b" }, testRequest);
    await ingestHostBatch(db, batch(sa, fixtureDecisions()), NOW);
    await ingestHostBatch(db, batch(sb, fixtureDecisions()), NOW);
    const parts = await db.$queryRaw<{ name: string }[]>`SELECT c.relname::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'Decision' ORDER BY 1`;
    expect(parts.map((p) => p.name)).toEqual(["Decision_202611", "Decision_default"]);
    const deleted = await purgeExpiredDecisions(db, new Date(NOW + 2 * 86_400_000));
    expect(deleted).toBe(4);
    expect(await db.decision.count({ where: { orgId: a.org.id } })).toBe(4);
    expect(await db.decision.count({ where: { orgId: b.org.id } })).toBe(0);
  });
});

describe("decisions to a SIEM webhook", () => {
  /** A SIEM's webhook receiver on loopback: records what arrives and answers `status`. */
  async function receiver(status: number) {
    const got: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        got.push({ headers: req.headers, body });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    return { url, got, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  it("delivers each newly stored decision once, signed with HMAC, however often the host re-sends it", async () => {
    const siem = await receiver(204);
    try {
      const ctx = await owner();
      const { secret: hookSecret } = await saveWebhook(db, ctx, { url: siem.url }, testRequest);
      const { secret } = await createAgentToken(db, ctx, { name: "h" }, testRequest);
      await ingestHostBatch(db, batch(secret, fixtureDecisions()), NOW);
      await ingestHostBatch(db, batch(secret, fixtureDecisions()), NOW); // a retry of the same batch
      await expect.poll(() => db.webhookDelivery.count({ where: { orgId: ctx.org.id, deliveredAt: { not: null } } }), { timeout: 15_000 }).toBe(1);
      await deliverDueWebhooks(db);
      expect(siem.got).toHaveLength(1);
      const [{ headers, body }] = siem.got;
      expect(headers["x-charter-event"]).toBe("decisions.recorded");
      expect(headers["x-charter-signature"]).toBe(signWebhook(hookSecret!, Number(headers["x-charter-timestamp"]), body));
      const ids = (JSON.parse(body).data.decisions as { id: string }[]).map((d) => d.id).sort();
      expect(ids).toEqual(fixtureDecisions().map((d) => d.id).sort());
    } finally {
      await siem.close();
    }
  });

  it("retries a failing receiver and then keeps the delivery as a dead letter with its last error", async () => {
    const siem = await receiver(503);
    try {
      const ctx = await owner();
      await saveWebhook(db, ctx, { url: siem.url }, testRequest);
      const { secret } = await createAgentToken(db, ctx, { name: "h" }, testRequest);
      await ingestHostBatch(db, batch(secret, fixtureDecisions().slice(0, 1)), NOW);
      const [queued] = await db.webhookDelivery.findMany({ where: { orgId: ctx.org.id } });
      let t = Date.now();
      for (let i = 0; i < 12; i++) {
        t += 3 * 3_600_000;
        await deliverDueWebhooks(db, { now: () => new Date(t) });
      }
      const dead = await db.webhookDelivery.findFirstOrThrow({ where: { id: queued.id } });
      expect(dead).toMatchObject({ attempts: RETRY_DELAYS_S.length + 1, lastStatus: 503, lastError: "HTTP 503" });
      expect(dead.failedAt).not.toBeNull();
      // The ingest also woke the process's delivery loop, which may have made the first attempt itself.
      expect(siem.got.length).toBeGreaterThanOrEqual(RETRY_DELAYS_S.length + 1);
    } finally {
      await siem.close();
    }
  });
});
