import { beforeEach, describe, expect, inject, it } from "vitest";
import { tokenCommand } from "../../cli/token";
import { authenticateApiToken } from "../../lib/tokens";
import { makeOrgWithMember, resetDb, useTestDb } from "./helpers";

const db = useTestDb();
beforeEach(() => resetDb(db));

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = inject("databaseUrl");
  try {
    const code = await tokenCommand(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err: err.join("\n") };
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  }
}

describe("charter token create", () => {
  it("mints a working admin API token for automation, prints the secret once, and audits it as made from the command line", async () => {
    const { org } = await makeOrgWithMember(db, "owner");
    const r = await run(["create", "--org", org.slug, "--name", "gitops", "--scope", "read,write", "--scope", "publish", "--expires", "30d"]);
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(1);
    const actor = await authenticateApiToken(db, r.out[0]);
    expect(actor).toMatchObject({ type: "token", name: "gitops", orgId: org.id, scopes: ["read", "write", "publish"] });
    const event = await db.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: "token.created" } });
    expect(event).toMatchObject({ actorType: "system", actorLabel: expect.stringMatching(/^charter token create \(.+@.+\)$/) });
    expect(JSON.stringify(event, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(r.out[0]);
  });

  it("refuses a lifetime past the org's limit, an unknown org and missing options, creating nothing", async () => {
    const { org } = await makeOrgWithMember(db, "owner");
    expect(await run(["create", "--org", org.slug, "--name", "x", "--scope", "read", "--expires", "200"])).toMatchObject({ code: 1, err: expect.stringContaining("at most 90 days") });
    expect(await run(["create", "--org", "no-such-org", "--name", "x", "--scope", "read"])).toMatchObject({ code: 1, err: expect.stringContaining("No organisation") });
    expect((await run(["create", "--org", org.slug, "--name", "x"])).code).toBe(2);
    expect((await run(["create", "--org", org.slug, "--name", "x", "--scope", "admin"])).code).toBe(1);
    expect(await db.apiToken.count()).toBe(0);
  });
});
