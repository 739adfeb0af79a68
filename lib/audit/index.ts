// The audit log: an append-only, hash-chained record per org (the table refuses UPDATE, DELETE and TRUNCATE by trigger).
// Writing: recordAudit inside the transaction of the change. Reading: queryAudit, exportAudit. Checking: verifyChain.
export { recordAudit, recordAuditNow, type AuditActor, type AuditInput, type RequestInfo } from "./record";
export { canonicalJson, eventHash, GENESIS_HASH, GLOBAL_CHAIN, type ChainedFields } from "./chain";
export { isSecretKey, redact, REDACTED, type FieldDiff } from "./redact";
export { listChains, verifyChain, verifyOrg, type BrokenLink, type BrokenReason, type ChainRef, type ChainVerification } from "./verify";
export * from "./query";
export * from "./export";
