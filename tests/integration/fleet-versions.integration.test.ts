import { afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import type { OrgContext } from "../../lib/auth/actor";
import type { Db } from "../../lib/db";
import { makeOrgWithMember, resetDb, codeOf } from "./helpers";
import { testRequest } from "../support/request";

// The versions a policy is checked against come from the fleet: what hosts report at check-in (through the real
// check-in ingest), or what an owner chose in settings. The API answers over the same router as the Next route.
vi.mock("next-auth", () => import("../support/mock-next"));
vi.mock("next/headers", () => import("../support/mock-next"));

process.env.DATABASE_URL = inject("databaseUrl");
const { db } = await import("../../lib/db");
const { OPERATIONS } = await import("../../lib/ops");
const { router } = await import("../../lib/ops/http");
const { createApiToken } = await import("../../lib/tokens");
const { createAgentToken, revokeAgentToken } = await import("../../lib/agents");
const { createCheckInIngest } = await import("../../lib/fleet/ingest");
const policies = await import("../../lib/policies");
const { fleetCodexVersions, describeFleetVersions } = await import("../../lib/policies/fleet-versions");
const { updateOrgSettings, getOrgSettings } = await import("../../lib/orgs/settings");
type Ingest = ReturnType<typeof createCheckInIngest>;

/** Loads in Codex 0.171.0; 0.169.0 refuses the network configured in both places. */
const ONLY_171 = 'allowed_approval_policies = ["on-request"]\n[network_proxy]\nhttp_port = 3128\n[permissions.network]\nhttp_port = 3128\n';
const BOTH = 'allowed_approval_policies = ["on-request"]\n';

const ingests: Ingest[] = [];
let api: ReturnType<typeof router>;
beforeAll(() => {
  api = router(OPERATIONS);
});
beforeEach(() => resetDb(db as Db));
afterEach(async () => {
  await Promise.all(ingests.splice(0).map((i) => i.close()));
});

async function owner(): Promise<OrgContext> {
  const { org, actor } = await makeOrgWithMember(db as Db, "owner");
  return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role: "owner" };
}

/** Hosts check in through the real ingest, each reporting a Codex version. */
async function hostsReport(ctx: OrgContext, versions: string[]) {
  const ingest = createCheckInIngest(db as Db, { flushMs: 20, env: {}, log: () => {} });
  ingests.push(ingest);
  const tokens = [];
  for (const [n, codexVersion] of versions.entries()) {
    const t = await createAgentToken(db as Db, ctx, { name: `host-${n}` }, testRequest);
    tokens.push(t);
    const res = await ingest.handle(
      new Request("http://charter.test/api/v1/agent/checkin", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${t.secret}` },
        body: JSON.stringify({
          hostname: `host-${n}`, os: "linux", arch: "x64", agentVersion: "0.2.0", codexVersion, state: "pending",
          installedVersion: null, installedSha256: null, diskSha256: null, lastCheckAt: new Date().toISOString(), lastError: null, events: [],
        }),
      }),
    );
    expect(res.status).toBe(200);
  }
  return tokens;
}

async function publish(ctx: OrgContext, toml: string) {
  const draft = await policies.getDraft(db as Db, ctx);
  await policies.saveDraft(db as Db, ctx, { toml, baseRevision: draft?.revision ?? 0 }, testRequest);
  return policies.publishDraft(db as Db, ctx, { note: "fleet versions" }, testRequest);
}

async function validateOverHttp(ctx: OrgContext, toml: string) {
  const { secret } = await createApiToken(db as Db, ctx, { name: "ci", scopes: ["read"] }, testRequest);
  const res = await api.handle(
    new Request(`http://charter.test/api/v1/orgs/${ctx.org.slug}/validate`, { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" }, body: JSON.stringify({ toml }) }),
  );
  expect(res.status).toBe(200);
  return (await res.json()) as { valid: boolean; codexVersion: string; versions: { codexVersion: string; valid: boolean }[] };
}

describe("Codex versions of the fleet", () => {
  it("without reports, checks every known version and refuses a file the oldest refuses, naming it", async () => {
    const ctx = await owner();
    expect(await fleetCodexVersions(db as Db, ctx.org.id)).toMatchObject({ versions: ["0.169.0", "0.171.0"], source: "known" });
    const err = await publish(ctx, ONLY_171).catch((e: unknown) => e as { code: string; message: string; details?: { refusedBy: string[] } });
    expect(err).toMatchObject({ code: "validation_failed", details: { refusedBy: ["0.169.0"] } });
    expect((err as { message: string }).message).toMatch(/^Codex 0\.169\.0 would refuse this policy/);
    expect((await validateOverHttp(ctx, ONLY_171)).versions).toEqual([
      expect.objectContaining({ codexVersion: "0.169.0", valid: false }),
      expect.objectContaining({ codexVersion: "0.171.0", valid: true }),
    ]);
  });

  it("maps each reported version to the nearest known one, and publishes what all of them load", async () => {
    const ctx = await owner();
    await hostsReport(ctx, ["0.171.0", "0.172.3", "codex-cli 0.171.1"]);
    const fleet = await fleetCodexVersions(db as Db, ctx.org.id);
    expect(fleet).toMatchObject({ versions: ["0.171.0"], source: "hosts" });
    expect(fleet.reported.find((r) => r.reported === "0.172.3")).toEqual({ reported: "0.172.3", checkedAs: "0.171.0", hosts: 1 });
    expect(describeFleetVersions(fleet)).toBe("Checked as Codex 0.171.0: the versions 3 hosts report (0.172.3 as 0.171.0, codex-cli 0.171.1 as 0.171.0).");
    const v = await validateOverHttp(ctx, ONLY_171);
    expect(v).toMatchObject({ valid: true, codexVersion: "0.171.0", versions: [{ codexVersion: "0.171.0", valid: true }] });
    expect((await publish(ctx, ONLY_171)).number).toBe(1);
  });

  it("a host on an older Codex makes publishing and change-request merges refuse, until its token is revoked", async () => {
    const ctx = await owner();
    const [, old] = await hostsReport(ctx, ["0.171.0", "0.170.2"]);
    expect((await fleetCodexVersions(db as Db, ctx.org.id)).versions).toEqual(["0.169.0", "0.171.0"]);
    expect(await codeOf(publish(ctx, ONLY_171))).toBe("validation_failed");
    // A change request opened while the fleet loaded it is refused at merge once an older host shows up.
    await revokeAgentToken(db as Db, ctx, old.token.id, testRequest);
    await publish(ctx, BOTH);
    await updateOrgSettings(db as Db, ctx, { approvalsRequired: 0 }, testRequest);
    const draft = await policies.getDraft(db as Db, ctx);
    await policies.saveDraft(db as Db, ctx, { toml: ONLY_171, baseRevision: draft!.revision }, testRequest);
    const cr = await policies.createChangeRequest(db as Db, ctx, { title: "network", note: "both places" }, testRequest);
    await hostsReport(ctx, ["0.169.0"]);
    const err = (await policies.publishChangeRequest(db as Db, ctx, cr.number, testRequest).catch((e: unknown) => e)) as { code: string; message: string };
    expect(err).toMatchObject({ code: "validation_failed" });
    expect(err.message).toMatch(/^Codex 0\.169\.0 would refuse/);
  });

  it("versions chosen in settings win over host reports, are audited, and unknown ones are refused", async () => {
    const ctx = await owner();
    await hostsReport(ctx, ["0.169.0"]);
    expect(await updateOrgSettings(db as Db, ctx, { codexVersions: ["0.171.0"] }, testRequest)).toEqual({ changed: true, codexVersions: ["0.171.0"] });
    expect(await fleetCodexVersions(db as Db, ctx.org.id)).toMatchObject({ versions: ["0.171.0"], source: "settings" });
    expect((await getOrgSettings(db as Db, ctx)).codexVersions).toEqual(["0.171.0"]);
    expect((await publish(ctx, ONLY_171)).number).toBe(1);
    const audit = await db.auditEvent.findFirst({ where: { orgId: ctx.org.id, action: "org.settings_updated" }, select: { diff: true } });
    expect(audit?.diff).toEqual({ codexVersions: { before: [], after: ["0.171.0"] } });
    expect(await codeOf(updateOrgSettings(db as Db, ctx, { codexVersions: ["0.170.0"] }, testRequest))).toBe("validation_failed");
    expect(await updateOrgSettings(db as Db, ctx, { codexVersions: [] }, testRequest)).toEqual({ changed: true, codexVersions: [] });
    expect((await fleetCodexVersions(db as Db, ctx.org.id)).source).toBe("hosts");
  });
});
