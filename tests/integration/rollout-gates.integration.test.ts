import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import type { OrgContext } from "../../lib/auth/actor";
import { AGENT_TOKEN_PREFIX } from "../../lib/agents";
import { hashSecret, newSecret, secretPrefix } from "../../lib/crypto/tokens";
import { ingestHostBatch } from "../../lib/decisions";
import { createGroup } from "../../lib/groups";
import { getDraft, publishDraft, saveDraft } from "../../lib/policies";
import { getRollout, tickRollouts } from "../../lib/rollouts";
import { joinRecords, logsFromJson, type Decision } from "../../packages/agent/src/relay/records";
import { RUNS, logBodies } from "../support/codex-telemetry";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";
import { testRequest } from "../support/request";

/*
 * The deny-rate gate on real data: Auto-review decisions made from real Codex telemetry are ingested through the host
 * endpoint's function (as the relay sends them) under the ring's hosts' tokens, tagged with the policy version each
 * host had; the ring's gate compares the new version's deny rate against the previous version's and halts on a rise.
 */

const db = useTestDb();

const V1 = `allowed_sandbox_modes = ["read-only", "workspace-write"]\nallowed_approvals_reviewers = ["user", "auto_review"]\n`;
const V2 = `${V1}[features]\nfast_mode = false\n`;

let ctx: OrgContext;
const canary: { id: string; secret: string }[] = [];
const others: { id: string; secret: string }[] = [];

// One allowed and one denied review from the captured Codex runs: every ingested decision is one of them, re-keyed.
const real = RUNS.flatMap((run) => joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes))))));
const template = { allow: real.find((d) => d.status === "allow")!, deny: real.find((d) => d.status === "deny")! };

let seq = 0;
/** Sends `n` decisions per host, `denied` of them denials, all made on `version`, through the host ingest. */
async function ingest(hosts: { secret: string }[], version: number, n: number, denied: number) {
  for (const h of hosts) {
    const lines: Decision[] = Array.from({ length: n }, (_, i) => ({
      ...(i < denied ? template.deny : template.allow),
      id: `gate-${++seq}`,
      occurredAt: new Date(Date.now() + seq).toISOString(),
      policyVersion: version,
    }));
    const body = Uint8Array.from(gzipSync(lines.map((l) => JSON.stringify(l)).join("\n") + "\n"));
    const req = new Request("http://charter.test/api/v1/agent/decisions", {
      method: "POST",
      headers: { authorization: `Bearer ${h.secret}`, "content-encoding": "gzip", "content-type": "application/x-ndjson" },
      body,
    });
    const result = await ingestHostBatch(db, req);
    expect(result).toMatchObject({ stored: n, rejected: [] });
  }
}

const minutes = (start: Date, m: number) => new Date(start.getTime() + m * 60_000);

beforeAll(async () => {
  expect(template.allow && template.deny).toBeTruthy();
  await resetDb(db);
  const { org, actor } = await makeOrgWithMember(db, "owner");
  ctx = { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
  for (let i = 0; i < 10; i++) {
    const secret = newSecret(AGENT_TOKEN_PREFIX);
    const t = await db.agentToken.create({ data: { orgId: org.id, name: `host-${i}`, group: i < 5 ? "canary" : "engineering", prefix: secretPrefix(secret), tokenHash: hashSecret(secret) } });
    (i < 5 ? canary : others).push({ id: t.id, secret });
  }
  await createGroup(db, ctx, { name: "canary" }, testRequest);
  await saveDraft(db, ctx, { toml: V1, baseRevision: 0 }, testRequest);
  await publishDraft(db, ctx, { note: "v1" }, testRequest);
});

describe("the deny-rate gate, fed by ingested Auto-review decisions", () => {
  let t0: Date;

  it("says 'not collected' and does not block while the org has no decisions", async () => {
    const draft = await getDraft(db, ctx);
    await saveDraft(db, ctx, { toml: V2, baseRevision: draft!.revision }, testRequest);
    await publishDraft(db, ctx, {
      note: "v2",
      rollout: { rings: [{ name: "canary", group: "canary" }], gates: { minInstalledPercent: 0, maxFailurePercent: 100, soakMinutes: 10, maxDenyRateDelta: 10, maxFailClosedRateDelta: 10, minDecisions: 20 } },
    }, testRequest);
    t0 = (await db.rollout.findFirstOrThrow({ where: { orgId: ctx.org.id, versionNumber: 2 } })).ringStartedAt;
    const status = await getRollout(db, ctx, 2, { now: minutes(t0, 11), tick: false });
    expect(status.gate).toMatchObject({ verdict: "pass", values: { decisions: null, denyRateDelta: null } });
  });

  it("compares the ring's deny rate on the new version with the same hosts on the previous one, within the limit", async () => {
    // Before: 5 canary hosts × 40 decisions on version 1, 2 denied each (5%). The other hosts deny a lot: not the ring.
    await ingest(canary, 1, 40, 2);
    await ingest(others, 1, 10, 9);
    let status = await getRollout(db, ctx, 2, { now: minutes(t0, 11), tick: false });
    expect(status.gate?.values.decisions).toMatchObject({ status: "not_collected", note: "0 decisions (version 2 on the ring's hosts), 20 needed to compare" });
    expect(status.gate?.verdict).toBe("pass");

    // After: 5 × 20 on version 2, 3 denied each (15%): +10 points, at the limit, so it passes.
    await ingest(canary, 2, 20, 3);
    status = await getRollout(db, ctx, 2, { now: minutes(t0, 11), tick: false });
    expect(status.gate?.values.decisions).toEqual({
      status: "compared",
      note: null,
      current: { label: "version 2 on the ring's hosts", total: 100, denied: 15, failClosed: 0, denyRate: 15, failClosedRate: 0 },
      baseline: { label: "version 1 on the ring's hosts", total: 200, denied: 10, failClosed: 0, denyRate: 5, failClosedRate: 0 },
      denyRateDelta: 10,
      failClosedRateDelta: 0,
    });
    expect(status.gate?.verdict).toBe("pass");
  });

  it("halts and rolls back when the deny rate rises above the limit, with the exact figures in the audit event", async () => {
    // 5 more denials per host on version 2: 40 of 125 (32%) against 5%.
    await ingest(canary, 2, 5, 5);
    const [result] = await tickRollouts(db, { orgId: ctx.org.id, now: minutes(t0, 12) });
    expect(result).toMatchObject({ version: 2, verdict: "fail", action: "rolled_back" });
    const after = await getRollout(db, ctx, 2, { tick: false });
    const expected = `the deny rate is 32% (40 of 125 decisions, version 2 on the ring's hosts) against 5% (10 of 200, version 1 on the ring's hosts): +27 points, above the 10-point limit`;
    expect(after).toMatchObject({ state: "rolled_back", rollbackVersion: 3, reason: `ring "canary" failed its gates: ${expected}` });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { orgId: ctx.org.id, action: "rollout.rolled_back", targetId: "2" } });
    const meta = audit.meta as { reason: string; gate: { denyRateDelta: number; decisions: { current: { total: number; denied: number }; baseline: { total: number; denied: number } } } };
    expect(meta.reason).toBe(`ring "canary" failed its gates: ${expected}`);
    expect(meta.gate.denyRateDelta).toBe(27);
    expect(meta.gate.decisions.current).toMatchObject({ total: 125, denied: 40 });
    expect(meta.gate.decisions.baseline).toMatchObject({ total: 200, denied: 10 });
  });
});
