"use server";

import { accountAction } from "@/lib/ops/action";
import { acceptInvitationOp, createAccountAndAcceptOp } from "@/lib/ops/account";

// Joining through an invitation link (lib/ops/account.ts says who may, and why the second one is public).
export const acceptInvitationAction = accountAction(acceptInvitationOp);
export const createAccountAndAcceptAction = accountAction(createAccountAndAcceptOp);
