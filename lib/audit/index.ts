// The audit log: an append-only, hash-chained record per org (the table refuses UPDATE, DELETE and TRUNCATE by trigger).
// Writing: recordAudit inside the transaction of the change. Reading: queryAudit, exportAudit. Checking: verifyChain, against the
// MACs and the anchor file kept outside the database (anchor.ts).
export { recordAudit, recordAuditNow, SYSTEM_REQUEST, type AuditActor, type AuditEventInput, type AuditInput, type RequestInfo } from "./record";
export { AUDIT_EVENTS, AUDIT_EVENT_TYPES, isAuditEventType, type AuditEventType, type AuditMeta } from "./events";
export { canonicalJson, eventHash, GENESIS_HASH, GLOBAL_CHAIN, type ChainedFields } from "./chain";
export { isSecretKey, redact, REDACTED, type FieldDiff } from "./redact";
export { BROKEN_REASONS, listChains, verifyChain, verifyOptionsFromEnv, verifyOrg, type BrokenLink, type BrokenReason, type ChainRef, type ChainVerification, type VerifyOptions } from "./verify";
export { advanceAnchor, anchorPath, auditKey, readAnchor, startAnchorKeeper, type AnchorEntry, type AnchorFile } from "./anchor";
export * from "./query";
export * from "./export";
