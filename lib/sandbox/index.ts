// The reviewer sandbox: sample library, runs, comparisons and provider settings. Framework-free; every function takes
// an already-authorised OrgContext and re-checks its permission.
export * from "./schemas";
export { ensureSeedSamples, listSamples, getSample, createSample, updateSample, deleteSample, importSamples, exportSamples, type SampleView, type ImportResult } from "./samples";
export { getProviderSettings, providerOptions, saveProviderSettings, resolveProvider, PROVIDER_SETTINGS_PERMISSION, type ProviderSettingsView, type ProviderOptions } from "./provider-settings";
export { startRun, executeRun, getRun, listRuns, resolvePolicy, policyFromToml, summarise, type RunView, type RunSummary, type ResultView, type SampleSummary, type ResolvedPolicy, type StartedRun } from "./runs";
export { compareRuns, attachSandboxEvidence, type Comparison, type ComparisonRow, type ChangeKind } from "./compare";
export { SEED_SAMPLES } from "./seed-samples";
