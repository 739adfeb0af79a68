"use server";

import { serverAction } from "@/lib/ops/action";
import {
  createGroupOp,
  createOverlayChangeOp,
  deleteGroupOp,
  previewOverlayOp,
  publishOverlayChangeOp,
  publishOverlayOp,
  saveOverlayDraftOp,
  updateGroupOp,
  updateOverlayChangeOp,
} from "@/lib/ops/groups";

// Console actions of groups and overlays: the same operations as the API (lib/ops/groups.ts).
export const createGroupAction = serverAction(createGroupOp);
export const updateGroupAction = serverAction(updateGroupOp);
export const deleteGroupAction = serverAction(deleteGroupOp);
export const saveOverlayDraftAction = serverAction(saveOverlayDraftOp, { refresh: false });
export const previewOverlayAction = serverAction(previewOverlayOp);
export const publishOverlayAction = serverAction(publishOverlayOp);
// Overlay change requests: opened, updated and published here; approve, reject and withdraw are the base's actions.
export const createOverlayChangeAction = serverAction(createOverlayChangeOp);
export const updateOverlayChangeAction = serverAction(updateOverlayChangeOp);
export const publishOverlayChangeAction = serverAction(publishOverlayChangeOp);
