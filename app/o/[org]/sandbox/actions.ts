"use server";

import { serverAction } from "@/lib/ops/action";
import { attachEvidenceOp, createSampleOp, deleteSampleOp, importSamplesOp, saveProviderOp, startRunOp, updateSampleOp } from "@/lib/ops/sandbox";

// The sandbox console's actions, derived from their operations (lib/ops). A run goes on in the background of this
// server process; the page follows it by polling.
export const createSampleAction = serverAction(createSampleOp);
export const updateSampleAction = serverAction(updateSampleOp);
export const deleteSampleAction = serverAction(deleteSampleOp);
export const importSamplesAction = serverAction(importSamplesOp);
export const startRunAction = serverAction(startRunOp);
export const saveProviderAction = serverAction(saveProviderOp);
export const attachEvidenceAction = serverAction(attachEvidenceOp);
