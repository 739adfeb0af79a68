import { z } from "zod";
import { recordAuditNow, type RequestInfo } from "../audit";
import { auditActor, type Actor } from "../auth/actor";
import { db } from "../db";
import { AppError } from "../errors";
import { orgContext } from "../orgs";
import { requirePermission } from "../orgs/access";
import { isPrivileged, type AccountContext, type AnyOperation, type OpContext } from "./define";

/**
 * The one chain of every operation, whichever door it came in by (HTTP or a console action):
 * authenticate → authorise in the org of the route → validate the input → run (the domain audits in its transaction).
 * `readInput` is called only once the actor is authorised, so nobody unauthorised gets a body parsed.
 */
export async function runOperation(
  op: AnyOperation,
  entry: { actor: Actor | null; slug: string | null; request: RequestInfo; unauthenticated: string },
  readInput: () => unknown,
): Promise<{ output: unknown; input: unknown; ctx: OpContext | AccountContext }> {
  const ctx = await authorise(op, entry);
  const input = op.input.parse(await readInput());
  return { output: await op.run(input, ctx), input, ctx };
}

async function authorise(op: AnyOperation, entry: { actor: Actor | null; slug: string | null; request: RequestInfo; unauthenticated: string }): Promise<OpContext | AccountContext> {
  const { actor, request } = entry;
  if (op.permission === "public") return { actor: actor?.type === "user" ? actor : null, request };
  // Admin API tokens belong to one org: they never act at the account level.
  if (!actor) throw new AppError("unauthenticated", entry.unauthenticated);
  if (op.permission === "signed-in") {
    if (actor.type !== "user") throw new AppError("unauthenticated", "Sign in: this is done as a person, not with an API token.");
    return { actor, request };
  }
  return authoriseInOrg(op, actor, entry.slug ?? "", request);
}

/**
 * Outsiders (and tokens of other orgs) get "not found", as for a missing org; a member or token of the org without
 * the permission gets "forbidden", and for a privileged operation that refusal is written to the org's audit log.
 */
async function authoriseInOrg(op: AnyOperation, actor: Actor, slug: string, request: RequestInfo): Promise<OpContext> {
  const standing = await orgContext(db, actor, String(slug), "org:read");
  const ctx = { ...standing, request };
  try {
    requirePermission(ctx, op.permission);
  } catch (err) {
    if (err instanceof AppError && err.code === "forbidden" && isPrivileged(op)) {
      await recordAuditNow(db, {
        orgId: ctx.org.id,
        actor: auditActor(actor),
        action: "access.denied",
        target: { type: "operation", id: op.name },
        meta: { operation: op.name, permission: op.permission, reason: err.message },
        request,
      });
    }
    throw err;
  }
  return ctx;
}

/** Input schemas refuse fields they do not name, so a misspelt field is an error instead of silently ignored. */
export function strictInput<S extends z.ZodObject>(schema: S): S {
  return schema.strict() as S;
}
