"use server";

import { serverAction } from "@/lib/ops/action";
import { addDecisionToSamplesOp, createIngestKeyOp, replayDecisionInSandboxOp, revokeIngestKeyOp, deleteOtlpExportOp, saveDecisionSettingsOp, setGroupCollectionOp, saveOtlpExportOp, startReplayOp } from "@/lib/ops/decisions";

// The Decisions console's actions, derived from their operations (lib/ops/decisions.ts). A replay goes on in the
// background of this server process; its page follows it by reloading.
export const saveDecisionSettingsAction = serverAction(saveDecisionSettingsOp);
export const startReplayAction = serverAction(startReplayOp);
export const addToSamplesAction = serverAction(addDecisionToSamplesOp);
export const replayInSandboxAction = serverAction(replayDecisionInSandboxOp);
export const createIngestKeyAction = serverAction(createIngestKeyOp);
export const revokeIngestKeyAction = serverAction(revokeIngestKeyOp);
export const saveOtlpExportAction = serverAction(saveOtlpExportOp);
export const deleteOtlpExportAction = serverAction(deleteOtlpExportOp);
export const setGroupCollectionAction = serverAction(setGroupCollectionOp);
