import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { toErrorResponse } from "../errors";
import { requestInfo } from "../request";
import { currentActor } from "../auth/next";
import { runOperation } from "./chain";
import type { AnyOperation, OperationInput, OperationOutput } from "./define";

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
        () => input,
      );
      if (refresh) revalidatePath(`/o/${slug}`, "layout");
      return { ok: true, data: output as OperationOutput<Op> };
    } catch (err) {
      unstable_rethrow(err); // redirects and notFound are Next's control flow, not failures
      return { ok: false, error: toErrorResponse(err).body.error };
    }
  };
  return Object.assign(action, { operation: op });
}
