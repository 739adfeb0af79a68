import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { orgRoute } from "@/lib/auth/api";
import { pauseRollout, promoteRollout, resumeRollout, rollbackRollout, rolloutActionSchema } from "@/lib/rollouts";
import { readJson } from "@/lib/policies/http";

export const dynamic = "force-dynamic";

const ACTIONS = { pause: pauseRollout, resume: resumeRollout, promote: promoteRollout, rollback: rollbackRollout } as const;

/** pause | resume | promote | rollback, by hand; body `{reason?}`. */
export const POST = orgRoute("policy:publish", async (req, ctx, p) => {
  const step = ACTIONS[p.action as keyof typeof ACTIONS];
  if (!Object.hasOwn(ACTIONS, p.action)) throw new AppError("not_found", `Unknown rollout action "${p.action}" (pause, resume, promote, rollback).`);
  return Response.json(await step(db, ctx, p.version, await readJson(req, rolloutActionSchema), ctx.request));
});
