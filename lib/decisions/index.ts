export * from "./schemas";
export { storeDecisions, purgeExpiredDecisions, ensurePartitions, DEFAULT_RETENTION_DAYS, type DecisionOrigin } from "./storage";
export { ingestHostBatch, ingestOtlpLogs, hostCollectionSettings, readBody, decodeBody, ingestSlots, maxInFlight, RETRY_AFTER_SECONDS, type IngestResult, type RejectedLine } from "./ingest";
export { createIngestKey, revokeIngestKey, listIngestKeys, INGEST_KEY_PREFIX, type IngestKeyView } from "./keys";
export { getDecisionSettings, saveDecisionSettings, readSettings, DEFAULT_RELAY_PORT, type DecisionSettingsView } from "./settings";
export { decisionStats, listDecisions, getDecision, summarise, BREAKDOWNS, DEFAULT_WINDOW_DAYS, type DecisionStats, type DecisionRow, type Breakdown, type StatusCounts } from "./query";
export { otelSection, withCollection, withoutOtel, hasCollection } from "./otel";
export { startReplay, replayFlips, addDecisionToSamples, actionOfDecision, stratify, replayInputSchema, REPLAY_PREFIX, UNKNOWN_CWD, type Flip, type StartedReplay, type ReplayInput } from "./replay";
export { DECISION_STATUSES, DEFAULT_MASK_PATTERNS, type Decision, type DecisionStatus, type MaskRules } from "../../packages/agent/src/relay/records";
