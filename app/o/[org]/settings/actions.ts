"use server";

import { serverAction } from "@/lib/ops/action";
import { changeRoleOp, createTokenOp, inviteMemberOp, removeMemberOp, revokeInvitationOp, revokeTokenOp, updateOrgSettingsOp } from "@/lib/ops/settings";

// Organisation settings (owners), derived from their operations (lib/ops).
export const inviteMemberAction = serverAction(inviteMemberOp);
export const revokeInvitationAction = serverAction(revokeInvitationOp);
export const changeRoleAction = serverAction(changeRoleOp);
export const removeMemberAction = serverAction(removeMemberOp);
export const updateOrgSettingsAction = serverAction(updateOrgSettingsOp);
export const createTokenAction = serverAction(createTokenOp);
export const revokeTokenAction = serverAction(revokeTokenOp);
