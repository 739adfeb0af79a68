import { describe, expect, it } from "vitest";
import { recordAudit, SYSTEM_REQUEST, type AuditInput } from "../../lib/audit";
import type { Prisma } from "../../lib/db";
import { testRequest } from "../support/request";

// A transaction that keeps what recordAudit writes: the checks run before anything reaches the database.
function fakeTx() {
  const created: Record<string, unknown>[] = [];
  const tx = {
    $executeRaw: async () => 0,
    auditEvent: { findFirst: async () => null, create: async ({ data }: { data: Record<string, unknown> }) => (created.push(data), data) },
  } as unknown as Prisma.TransactionClient;
  return { tx, created };
}

const actor = { type: "user" as const, id: "u1", label: "alice@acme.example" };

describe("recordAudit checks each event against lib/audit/events.ts", () => {
  it("records a well-formed event with its request id and IP, and a system event with the explicit system context", async () => {
    const { tx, created } = fakeTx();
    await recordAudit(tx, { orgId: "o1", actor, action: "member.removed", target: { type: "user", id: "u2" }, meta: { email: "bob@acme.example" }, request: testRequest });
    await recordAudit(tx, { orgId: "o1", actor: { type: "system", label: "system" }, action: "sandbox.samples_seeded", target: { type: "sandbox_samples" }, meta: { count: 3 }, request: SYSTEM_REQUEST });
    expect(created.map((r) => [r.action, r.requestId, r.ip])).toEqual([
      ["member.removed", "test-request", "127.0.0.1"],
      ["sandbox.samples_seeded", null, null],
    ]);
  });

  it("refuses a payload its schema does not allow, and writes nothing", async () => {
    const { tx, created } = fakeTx();
    // @ts-expect-error member.removed carries { email: string }, not a number
    const wrongType = recordAudit(tx, { orgId: "o1", actor, action: "member.removed", target: { type: "user", id: "u2" }, meta: { email: 42 }, request: testRequest });
    await expect(wrongType).rejects.toThrow(/"member.removed" has a payload its schema refuses/);
    // @ts-expect-error member.removed requires its payload
    const missing = recordAudit(tx, { orgId: "o1", actor, action: "member.removed", target: { type: "user", id: "u2" }, request: testRequest });
    await expect(missing).rejects.toThrow(/payload its schema refuses/);
    // @ts-expect-error an event that carries no payload gets none
    const extra = recordAudit(tx, { orgId: "o1", actor, action: "token.revoked", target: { type: "api_token", id: "t1" }, meta: { note: "x" }, request: testRequest });
    await expect(extra).rejects.toThrow(/"token.revoked" has a payload its schema refuses/);
    expect(created).toEqual([]);
  });

  it("refuses an unknown event type and a target of the wrong type", async () => {
    const { tx, created } = fakeTx();
    // @ts-expect-error not an event type of lib/audit/events.ts
    await expect(recordAudit(tx, { orgId: "o1", actor, action: "settings.updated", request: testRequest })).rejects.toThrow(/Unknown audit event type "settings.updated"/);
    // @ts-expect-error member.removed targets a user
    const wrongTarget = recordAudit(tx, { orgId: "o1", actor, action: "member.removed", target: { type: "membership", id: "m1" }, meta: { email: "b@x.example" }, request: testRequest });
    await expect(wrongTarget).rejects.toThrow(/"member.removed" targets "user", not "membership"/);
    expect(created).toEqual([]);
  });

  it("requires the request context: leaving it out is a type error and refused at run time", async () => {
    const { tx, created } = fakeTx();
    // @ts-expect-error the request context is required (SYSTEM_REQUEST for work no request started)
    const noContext: AuditInput = { orgId: "o1", actor, action: "token.revoked", target: { type: "api_token", id: "t1" } };
    await expect(recordAudit(tx, noContext)).rejects.toThrow(/"token.revoked" has no request context/);
    // @ts-expect-error undefined is not a context either
    const undefinedContext: AuditInput = { orgId: "o1", actor, action: "token.revoked", request: undefined };
    await expect(recordAudit(tx, undefinedContext)).rejects.toThrow(/no request context/);
    expect(created).toEqual([]);
  });
});
