import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { Db, Role } from "../../lib/db";
import type { Actor, Permission, UserActor } from "../../lib/auth/actor";
import { AppError } from "../../lib/errors";
import { orgContext } from "../../lib/orgs";
import { createApiToken, authenticateApiToken } from "../../lib/tokens";
import { makeOrgWithMember, resetDb } from "../integration/helpers";
import { ACCESS_MATRIX, PROBE_FIELD, PRINCIPALS, PROFILES, ROLE_PRINCIPALS, STATUS, TOKEN_PRINCIPALS, USER_PRINCIPALS, type ActionRow, type Outcome, type Principal, type RouteRow } from "./access-matrix";
import { session } from "../support/mock-next";
import { testRequest } from "../support/request";

// The real operation chain (lib/ops/chain.ts, through its HTTP and console doors) runs here; only the two things that need a live Next.js request are
// replaced: the session lookup (Auth.js) answers with the user this test chooses, and request headers are empty.
vi.mock("next-auth", () => import("../support/mock-next"));
vi.mock("next/headers", () => import("../support/mock-next"));

process.env.DATABASE_URL = inject("databaseUrl");
const { db } = await import("../../lib/db");
const { createSession } = await import("../../lib/auth/sessions");
const { OPERATIONS } = await import("../../lib/ops");
const { router } = await import("../../lib/ops/http");

const PERMISSIONS: Permission[] = ["org:read", "policy:edit", "policy:publish", "policy:approve", "audit:export", "org:manage"];

interface World {
  slug: string;
  name: string;
  users: Record<(typeof ROLE_PRINCIPALS)[number] | "otherOrg", UserActor>;
  tokens: Record<(typeof TOKEN_PRINCIPALS)[number] | "otherOrgToken", { secret: string; actor: Actor }>;
}
let world: World;

beforeAll(async () => {
  await resetDb(db as Db);
  const { org, actor: owner } = await makeOrgWithMember(db as Db, "owner");
  const users = { owner } as World["users"];
  for (const role of ["admin", "approver", "auditor", "viewer"] as Role[]) {
    const user = await db.user.create({ data: { email: `${role}@matrix.example`, name: role } });
    await db.membership.create({ data: { orgId: org.id, userId: user.id, role } });
    users[role as keyof World["users"]] = { type: "user", userId: user.id, email: user.email, name: role };
  }
  const other = await makeOrgWithMember(db as Db, "owner");
  users.otherOrg = other.actor;
  const ownerCtx = await orgContext(db as Db, owner, org.slug, "org:manage");
  const otherCtx = await orgContext(db as Db, other.actor, other.org.slug, "org:manage");
  const tokens = {} as World["tokens"];
  for (const p of TOKEN_PRINCIPALS) {
    const { secret } = await createApiToken(db as Db, ownerCtx, { name: p, scopes: [p.slice("token:".length) as "read"] }, testRequest);
    tokens[p] = { secret, actor: (await authenticateApiToken(db as Db, secret))! };
  }
  // The other org's most powerful token: it still must not reach this org.
  const { secret } = await createApiToken(db as Db, otherCtx, { name: "other", scopes: ["read", "write", "publish"] }, testRequest);
  tokens.otherOrgToken = { secret, actor: (await authenticateApiToken(db as Db, secret))! };
  world = { slug: org.slug, name: org.name, users, tokens };
  for (const user of Object.values(users)) session.sessionIds[user.userId] = await createSession(db as Db, user.userId);
});

afterAll(() => db.$disconnect());

async function outcomeOf(p: Promise<unknown>): Promise<Outcome> {
  try {
    await p;
    return "allow";
  } catch (err) {
    if (err instanceof AppError && (err.code === "forbidden" || err.code === "not_found" || err.code === "unauthenticated")) return err.code;
    throw err;
  }
}

function actorOf(p: Exclude<Principal, "anonymous">): Actor {
  return p.startsWith("token:") ? world.tokens[p as (typeof TOKEN_PRINCIPALS)[number]].actor : world.users[p as keyof World["users"]];
}

const cases = PERMISSIONS.flatMap((perm) => PRINCIPALS.map((p) => [perm, p] as const));

describe("orgContext gives every principal exactly DESIGN.md's outcome for every permission", () => {
  it.each(cases.filter(([, p]) => p !== "anonymous"))("%s as %s", async (perm, p) => {
    expect(await outcomeOf(orgContext(db as Db, actorOf(p as Exclude<Principal, "anonymous">), world.slug, perm))).toBe(PROFILES[perm][p]);
  });

  it.each(PERMISSIONS)("a token of another org is not found for %s, even with every scope", async (perm) => {
    expect(await outcomeOf(orgContext(db as Db, world.tokens.otherOrgToken.actor, world.slug, perm))).toBe("not_found");
  });
});

describe("the HTTP chain's authentication", () => {
  it("a revoked or unknown token is 401 even when a session cookie would be valid", async () => {
    session.userId = world.users.owner.userId;
    const res = await router(OPERATIONS).handle(new Request(`http://charter.test/api/v1/orgs/${world.slug}/draft`, { headers: { authorization: "Bearer chr_not-a-real-token" } }));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("someone outside the org learns nothing about it, not even its display name", async () => {
    session.userId = world.users.otherOrg.userId;
    const res = await router(OPERATIONS).handle(new Request(`http://charter.test/api/v1/orgs/${world.slug}/draft`));
    expect(res.status).toBe(404);
    expect(JSON.stringify(await res.json())).not.toContain(world.name);
  });
});

describe("every org-scoped row of the table agrees with the rules it names", () => {
  const rows = ACCESS_MATRIX.filter((r) => r.requires !== "public" && r.requires !== "signed-in" && r.requires !== "agent-token" && r.requires !== "ingest-key");
  const rowCases = rows.flatMap((r) =>
    (Object.entries(r.expect) as [Principal, Outcome][]).filter(([p]) => p !== "anonymous").map(([p, o]) => [r.kind === "route" ? `${r.method} ${r.file}` : `${r.name}`, p, o, r.requires as Permission] as const),
  );
  it.each(rowCases)("%s as %s → %s", async (_name, p, expected, perm) => {
    expect(await outcomeOf(orgContext(db as Db, actorOf(p as Exclude<Principal, "anonymous">), world.slug, perm))).toBe(expected);
  });
});

/** Signs the principal in (session) or hands back its Bearer header (token); anonymous sends nothing. */
function as(p: Principal): Record<string, string> {
  session.userId = p === "anonymous" || p.startsWith("token:") ? undefined : world.users[p as keyof World["users"]].userId;
  return p.startsWith("token:") ? { authorization: `Bearer ${world.tokens[p as (typeof TOKEN_PRINCIPALS)[number]].secret}` } : {};
}

async function deniedEvents(): Promise<number> {
  const org = await db.organization.findUniqueOrThrow({ where: { slug: world.slug }, select: { id: true } });
  return db.auditEvent.count({ where: { orgId: org.id, action: "access.denied" } });
}

describe("every operation's HTTP route gives each principal its row's outcome (called, not read)", () => {
  const api = router(OPERATIONS);
  const rows = ACCESS_MATRIX.filter((r): r is RouteRow => r.kind === "route" && !!r.operation);
  const rowCases = rows.flatMap((r) => PRINCIPALS.map((p) => [r.operation!, p, r] as const));

  it("covers every operation", () => {
    expect(rows.map((r) => r.operation).sort()).toEqual(OPERATIONS.map((op) => op.name).sort());
  });

  it.each(rowCases)("%s as %s", async (_name, p, row) => {
    const headers = as(p);
    const before = await deniedEvents();
    const res = await api.handle(new Request(`http://charter.test${row.probe.path.replace("{org}", world.slug)}`, { method: row.method, headers }));
    const expected = row.expect[p];
    if (expected === "allow") {
      expect(row.allowStatus).toContain(res.status);
    } else {
      expect(res.status).toBe(STATUS[expected]);
    }
    // A member or token of the org refused a change is on the record; reads and outsiders are not.
    expect(await deniedEvents()).toBe(before + (expected === "forbidden" && row.requires !== "org:read" ? 1 : 0));
  });
});

describe("every console action derived from an operation gives each user its row's outcome (called, not read)", () => {
  const rows = ACCESS_MATRIX.filter((r): r is ActionRow => r.kind === "action" && !!r.operation);
  const rowCases = rows.flatMap((r) => USER_PRINCIPALS.map((p) => [r.name, p, r] as const));

  it.each(rowCases)("%s as %s", async (_name, p, row) => {
    as(p);
    type Result = { ok: boolean; error?: { code: string } };
    const mod = (await import(`../../${row.file}`)) as Record<string, (...args: unknown[]) => Promise<Result>>;
    const probe = { [PROBE_FIELD]: 1 };
    // Org actions take the org from the route (slug first); account-level ones have no org.
    const result = row.requires === "signed-in" || row.requires === "public" ? await mod[row.name](probe) : await mod[row.name](world.slug, probe);
    const expected = row.expect[p];
    expect(result.ok).toBe(false); // the probe's input is always refused: nothing runs
    expect(result.error?.code).toBe(expected === "allow" ? "validation_failed" : expected);
  });
});
