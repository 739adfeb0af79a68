"use server";

import { accountAction } from "@/lib/ops/action";
import { createOrganizationOp } from "@/lib/ops/account";

/** Any signed-in user may create an organisation and becomes its owner (lib/ops/account.ts). */
export const createOrganizationAction = accountAction(createOrganizationOp);
