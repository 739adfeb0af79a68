import { ACCOUNT_OPERATIONS } from "./account";
import { AUDIT_OPERATIONS } from "./audit";
import type { AnyOperation } from "./define";
import { FLEET_OPERATIONS } from "./fleet";
import { GROUP_OPERATIONS } from "./groups";
import { DECISION_OPERATIONS } from "./decisions";
import { POLICY_OPERATIONS } from "./policy";
import { SANDBOX_OPERATIONS } from "./sandbox";
import { SETTINGS_OPERATIONS } from "./settings";

/**
 * Every operation, by area (each area file ends with its list: adding an operation to an area touches that file only).
 * The API route, the OpenAPI document and the access matrix are derived from this list; tests/unit/ops.test.ts fails
 * when an operation here lacks one of them.
 */
export const OPERATIONS: readonly AnyOperation[] = [
  ...POLICY_OPERATIONS,
  ...AUDIT_OPERATIONS,
  ...SANDBOX_OPERATIONS,
  ...SETTINGS_OPERATIONS,
  ...ACCOUNT_OPERATIONS,
  ...FLEET_OPERATIONS,
  ...DECISION_OPERATIONS,
  ...GROUP_OPERATIONS,
];

export { defineOperation, type AnyOperation, type Operation, type OpContext } from "./define";
