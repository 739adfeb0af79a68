"use server";

import { serverAction } from "@/lib/ops/action";
import { pauseRolloutOp, promoteRolloutOp, resumeRolloutOp, rollbackRolloutOp, rolloutSettingsOp } from "@/lib/ops/groups";

// Console actions of rollouts: the same operations as the API (lib/ops/groups.ts). Publishing to rings goes through
// the draft's publish action with a `rollout` plan.
export const pauseRolloutAction = serverAction(pauseRolloutOp);
export const resumeRolloutAction = serverAction(resumeRolloutOp);
export const promoteRolloutAction = serverAction(promoteRolloutOp);
export const rollbackRolloutAction = serverAction(rollbackRolloutOp);
export const rolloutSettingsAction = serverAction(rolloutSettingsOp);
