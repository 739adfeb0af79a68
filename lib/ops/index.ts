import type { AnyOperation } from "./define";
import { getDraftOp, listVersionsOp, saveDraftOp } from "./policy";
import { FLEET_OPERATIONS } from "./fleet";
import { exportDecisionsOp } from "./decisions";

/**
 * Every admin operation. The API route, the OpenAPI document and the access matrix are derived from this list;
 * tests/unit/ops.test.ts fails when an operation here lacks one of them.
 */
export const OPERATIONS: readonly AnyOperation[] = [getDraftOp, saveDraftOp, listVersionsOp, ...FLEET_OPERATIONS, exportDecisionsOp];

export { defineOperation, type AnyOperation, type Operation, type OpContext } from "./define";
