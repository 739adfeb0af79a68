"use server";

import { serverAction } from "@/lib/ops/action";
import { activateSigningKeyOp, createSigningKeyOp, retireSigningKeyOp } from "@/lib/ops/settings";

// Owners rotate the signing keys: next → active → retired (lib/ops; each step audited by lib/bundles/keys).
export const createSigningKeyAction = serverAction(createSigningKeyOp);
export const activateSigningKeyAction = serverAction(activateSigningKeyOp);
export const retireSigningKeyAction = serverAction(retireSigningKeyOp);
