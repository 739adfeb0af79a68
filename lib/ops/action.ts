import { revalidatePath } from "next/cache";
import { z } from "zod";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { toErrorResponse } from "../errors";
import { requestInfo } from "../request";
import { currentActor } from "../auth/next";
import { runOperation } from "./chain";
import type { Permission } from "../auth/actor";
import type { AnyOperation, OperationInput, OperationOutput, OpContext } from "./define";

/** The output as the API sends it (dates as ISO text), so a component sees what a client of the API sees. */
function wire(output: unknown): unknown {
  return output === undefined ? null : JSON.parse(JSON.stringify(output));
}

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; details?: unknown } };

export type ServerAction<Op extends AnyOperation> = ((slug: string, input: OperationInput<Op>) => Promise<ActionResult<OperationOutput<Op>>>) & {
  operation: Op;
};

/**
 * The console's door to an operation: `export const saveDraftAction = serverAction(saveDraft)` in a "use server"
 * file. Same chain as HTTP (session only: tokens do not call actions); errors come back as values the form can show,
 * never as a 500; a successful change refreshes the org's pages (unless `refresh: false`: the editor keeps its own
 * state after a save).
 */
export function serverAction<Op extends AnyOperation>(op: Op, options: { refresh?: boolean } = {}): ServerAction<Op> {
  const refresh = options.refresh ?? op.audit !== null;
  const action = async (slug: string, input: OperationInput<Op>): Promise<ActionResult<OperationOutput<Op>>> => {
    try {
      const { output } = await runOperation(
        op,
        { actor: await currentActor(), slug: String(slug), request: requestInfo(await headers()), unauthenticated: "Your session has ended. Sign in again." },
        () => input ?? {},
      );
      if (refresh) revalidatePath(`/o/${slug}`, "layout");
      return { ok: true, data: wire(output) as OperationOutput<Op> };
    } catch (err) {
      unstable_rethrow(err); // redirects and notFound are Next's control flow, not failures
      return { ok: false, error: toErrorResponse(err).body.error };
    }
  };
  return Object.assign(action, { operation: op });
}

export type AccountAction<Op extends AnyOperation> = ((input: OperationInput<Op>) => Promise<ActionResult<OperationOutput<Op>>>) & { operation: Op };

/** The console's door to a signed-in or public operation (no org in the route: creating one, joining one). */
export function accountAction<Op extends AnyOperation>(op: Op): AccountAction<Op> {
  const action = async (input: OperationInput<Op>): Promise<ActionResult<OperationOutput<Op>>> => {
    try {
      const { output } = await runOperation(
        op,
        { actor: await currentActor(), slug: null, request: requestInfo(await headers()), unauthenticated: "Your session has ended. Sign in again." },
        () => input ?? {},
      );
      return { ok: true, data: wire(output) as OperationOutput<Op> };
    } catch (err) {
      unstable_rethrow(err);
      return { ok: false, error: toErrorResponse(err).body.error };
    }
  };
  return Object.assign(action, { operation: op });
}

/**
 * An action that is not (yet) an operation of its own, through the same chain: `work` runs as an operation with that
 * permission and no input of its own (its arguments are checked by the domain function it calls). Prefer
 * `serverAction(op)`: only an operation gets an API route, an OpenAPI entry and a derived access-matrix row.
 */
export async function orgAction<T>(slug: string, permission: Permission, work: (ctx: OpContext) => Promise<T>): Promise<ActionResult<T>> {
  const op = { name: `action.${permission}`, permission, audit: null, input: z.object({}), run: (_input: unknown, ctx: OpContext) => work(ctx) } as unknown as AnyOperation;
  try {
    const { output } = await runOperation(
      op,
      { actor: await currentActor(), slug: String(slug), request: requestInfo(await headers()), unauthenticated: "Your session has ended. Sign in again." },
      () => ({}),
    );
    return { ok: true, data: output as T };
  } catch (err) {
    unstable_rethrow(err);
    return { ok: false, error: toErrorResponse(err).body.error };
  }
}
