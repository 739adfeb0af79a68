"use server";

import { serverAction } from "@/lib/ops/action";
import { createAgentTokenOp, revokeAgentTokenOp } from "@/lib/ops/settings";

// Admins (policy:publish) manage agent tokens: they decide which hosts receive what they publish.
export const createAgentTokenAction = serverAction(createAgentTokenOp);
export const revokeAgentTokenAction = serverAction(revokeAgentTokenOp);
