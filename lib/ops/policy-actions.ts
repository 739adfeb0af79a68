"use server";

import { serverAction } from "./action";
import {
  approveChangeRequestOp,
  createChangeRequestOp,
  publishChangeRequestOp,
  publishOp,
  rejectChangeRequestOp,
  restoreVersionOp,
  saveDraftOp,
  updateChangeRequestOp,
  validateOp,
  withdrawChangeRequestOp,
} from "./policy";

// The policy console's actions, derived from their operations. They live here, not in a route's actions.ts, because
// shared components (the editor, the change request panel, the restore form) call them.
// A stale save comes back as { ok: false, error: { code: "conflict", details: { theirs } } }; the editor keeps its
// own state after a save, so that one refreshes nothing.
export const saveDraftAction = serverAction(saveDraftOp, { refresh: false });
// The editor asks for the server's verdict when the text has regexes (Rust's regex engine runs on the server only).
export const validateAction = serverAction(validateOp, { refresh: false });
export const publishAction = serverAction(publishOp);
export const createChangeRequestAction = serverAction(createChangeRequestOp);
export const approveAction = serverAction(approveChangeRequestOp);
export const rejectAction = serverAction(rejectChangeRequestOp);
export const updateChangeRequestAction = serverAction(updateChangeRequestOp);
export const publishChangeRequestAction = serverAction(publishChangeRequestOp);
export const withdrawChangeRequestAction = serverAction(withdrawChangeRequestOp);
export const restoreAction = serverAction(restoreVersionOp);
