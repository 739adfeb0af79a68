"use server";

import { serverAction } from "@/lib/ops/action";
import { createAgentTokenOp, revokeAgentTokenOp } from "@/lib/ops/settings";
import { createEnrollmentSecretOp, deleteWebhookOp, revokeEnrollmentSecretOp, saveWebhookOp, updateAgentSettingsOp } from "@/lib/ops/fleet";

// Admins (policy:publish) manage agent tokens and enrolment secrets: they decide which hosts receive what they
// publish. Owners (org:manage) set the check-in interval and the org webhook.
export const createAgentTokenAction = serverAction(createAgentTokenOp);
export const revokeAgentTokenAction = serverAction(revokeAgentTokenOp);
export const createEnrollmentSecretAction = serverAction(createEnrollmentSecretOp);
export const revokeEnrollmentSecretAction = serverAction(revokeEnrollmentSecretOp);
export const updateAgentSettingsAction = serverAction(updateAgentSettingsOp);
export const saveWebhookAction = serverAction(saveWebhookOp);
export const deleteWebhookAction = serverAction(deleteWebhookOp);
