import http from "node:http";
import { gzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { createAgentToken } from "../../lib/agents";
import type { OrgContext } from "../../lib/auth/actor";
import { ingestHostBatch } from "../../lib/decisions";
import { deleteOtlpExport, getOtlpExport, saveOtlpExport } from "../../lib/decisions/siem-otlp";
import { deliverDueWebhooks, RETRY_DELAYS_S } from "../../lib/webhooks";
import { joinRecords, logsFromJson, type Decision } from "../../packages/agent/src/relay/records";
import { RUNS, logBodies } from "../support/codex-telemetry";
import { codeOf, makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

// The OTLP/HTTP logs export to a SIEM, against a real local HTTP receiver that decodes what it gets as OTLP JSON.

const db = useTestDb();
beforeEach(() => resetDb(db));
const NOW = Date.parse("2026-11-27T12:00:00Z");
const SIEM_SECRET = "Bearer siem-credential-7f3a9c";

async function owner(): Promise<OrgContext> {
  const { org, actor } = await makeOrgWithMember(db, "owner");
  return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
}

const fixtureDecisions = (): Decision[] => RUNS.flatMap((run) => joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes))))));

function batch(secret: string, lines: unknown[]): Request {
  const body = Uint8Array.from(gzipSync(lines.map((l) => JSON.stringify(l)).join("\n") + "\n"));
  return new Request("http://charter.test/api/v1/agent/decisions", { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-encoding": "gzip" }, body });
}

type Attr = { key: string; value: Record<string, unknown> };
interface Received {
  authorization: string | undefined;
  contentType: string | undefined;
  scope: string;
  resource: Record<string, unknown>;
  records: { timeUnixNano: string; severityText: string; attrs: Record<string, unknown> }[];
}

const flat = (attrs: Attr[]) => Object.fromEntries(attrs.map((a) => [a.key, Object.values(a.value)[0]]));

/** A collector stand-in: decodes each POSTed OTLP/HTTP JSON logs request into its records. */
async function collector(status: number) {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const doc = JSON.parse(body) as { resourceLogs: { resource: { attributes: Attr[] }; scopeLogs: { scope: { name: string }; logRecords: { timeUnixNano: string; severityText: string; attributes: Attr[] }[] }[] }[] };
      for (const rl of doc.resourceLogs)
        for (const sl of rl.scopeLogs)
          got.push({
            authorization: req.headers.authorization,
            contentType: req.headers["content-type"],
            scope: sl.scope.name,
            resource: flat(rl.resource.attributes),
            records: sl.logRecords.map((r) => ({ timeUnixNano: r.timeUnixNano, severityText: r.severityText, attrs: flat(r.attributes) })),
          });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/logs`;
  return { url, got, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("OTLP/HTTP logs export to a SIEM", () => {
  it("sends every stored decision once and the org's audit events as OTLP log records, with the org's headers", async () => {
    const siem = await collector(200);
    try {
      const ctx = await owner();
      await saveOtlpExport(db, ctx, { endpoint: siem.url, headers: [{ name: "Authorization", value: SIEM_SECRET }] }, testRequest);
      const { secret } = await createAgentToken(db, ctx, { name: "laptop", group: "eng" }, testRequest);
      await ingestHostBatch(db, batch(secret, fixtureDecisions()), NOW);
      await ingestHostBatch(db, batch(secret, fixtureDecisions()), NOW); // the host re-sends: stored and exported once
      while ((await deliverDueWebhooks(db)) > 0);
      await expect.poll(() => db.webhookDelivery.count({ where: { orgId: ctx.org.id, sink: "otlp", deliveredAt: null } }), { timeout: 15_000 }).toBe(0);

      expect(siem.got.every((r) => r.authorization === SIEM_SECRET && r.contentType === "application/json")).toBe(true);
      expect(siem.got.every((r) => r.resource["service.name"] === "charter" && r.resource["charter.org"] === ctx.org.slug)).toBe(true);
      const decisions = siem.got.filter((r) => r.scope === "charter.decisions").flatMap((r) => r.records);
      const expected = fixtureDecisions();
      expect(decisions.map((d) => d.attrs["decision.id"]).sort()).toEqual(expected.map((d) => d.id).sort());
      for (const d of expected) {
        const got = decisions.find((r) => r.attrs["decision.id"] === d.id)!;
        expect(got.attrs).toMatchObject({ "event.name": "charter.decision", "decision.status": d.status, kind: d.kind, "conversation.id": d.conversationId, call_id: d.callId, "charter.group": "eng" });
        expect(got.timeUnixNano).toBe(String(BigInt(Date.parse(d.occurredAt)) * 1_000_000n));
        expect(got.severityText).toBe(d.status === "allow" ? "INFO" : "WARN");
      }
      const audit = siem.got.filter((r) => r.scope === "charter.audit").flatMap((r) => r.records);
      expect(audit.map((a) => a.attrs["audit.action"])).toEqual(["decisions.otlp_export.created", "agent_token.created"]);
      expect(audit[0].attrs).toMatchObject({ "event.name": "charter.audit", "target.type": "otlp_export", "audit.seq": "1" });
      // The header value is sealed at rest, and neither the settings, the audit log nor the outbox hold it.
      const row = await db.otlpExport.findUniqueOrThrow({ where: { orgId: ctx.org.id } });
      expect(JSON.stringify(row)).not.toContain("siem-credential");
      expect(JSON.stringify(await db.auditEvent.findMany({ where: { orgId: ctx.org.id }, select: { diff: true, meta: true } }))).not.toContain("siem-credential");
      expect(JSON.stringify(await db.webhookDelivery.findMany({ where: { orgId: ctx.org.id } }))).not.toContain("siem-credential");
      expect(await getOtlpExport(db, ctx)).toMatchObject({ endpoint: siem.url, enabled: true, headerNames: ["Authorization"] });

      await deleteOtlpExport(db, ctx, testRequest);
      expect(await getOtlpExport(db, ctx)).toBeNull();
    } finally {
      await siem.close();
    }
  });

  it("retries a failing collector, then keeps the delivery as a dead letter whose error names no header", async () => {
    const siem = await collector(503);
    try {
      const ctx = await owner();
      await saveOtlpExport(db, ctx, { endpoint: siem.url, headers: [{ name: "X-Api-Key", value: "siem-credential-2" }] }, testRequest);
      let t = Date.now();
      for (let i = 0; i < 12; i++) {
        t += 3 * 3_600_000;
        await deliverDueWebhooks(db, { now: () => new Date(t) });
      }
      const dead = await db.webhookDelivery.findFirstOrThrow({ where: { orgId: ctx.org.id, sink: "otlp", event: "audit.recorded" } });
      expect(dead).toMatchObject({ attempts: RETRY_DELAYS_S.length + 1, lastStatus: 503, lastError: "HTTP 503" });
      expect(dead.failedAt).not.toBeNull();
      expect(siem.got.length).toBe(RETRY_DELAYS_S.length + 1);
    } finally {
      await siem.close();
    }
  });

  it("refuses a bad endpoint, reserved or repeated headers and multi-line values, and changes nothing", async () => {
    const ctx = await owner();
    for (const input of [
      { endpoint: "ftp://collector.example/v1/logs" },
      { endpoint: "https://collector.example/v1/logs", headers: [{ name: "Content-Type", value: "text/plain" }] },
      { endpoint: "https://collector.example/v1/logs", headers: [{ name: "X-Key", value: "a" }, { name: "x-key", value: "b" }] },
      { endpoint: "https://collector.example/v1/logs", headers: [{ name: "X-Key", value: "a\r\nX-Evil: 1" }] },
    ]) {
      expect(await codeOf(saveOtlpExport(db, ctx, input, testRequest))).toBe("validation_failed");
    }
    expect(await db.otlpExport.count()).toBe(0);
    expect(await codeOf(saveOtlpExport(db, { ...ctx, role: "approver" }, { endpoint: "https://collector.example/v1/logs" }, testRequest))).toBe("forbidden");
  });
});
