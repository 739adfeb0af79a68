/** The requirements engine: Codex 0.169's `requirements.toml` schema, validation with positions, and advice. */
export { validateRequirements, closest, POLICY_TOKEN_BUDGET } from "./validate";
export type { Diagnostic, Severity, ValidationResult, RequirementsSource } from "./validate";
export { requirementsSchema, CODEX_VERSION, LOCAL_ONLY_KEYS, isValidModelSlug } from "./schema";
export type { Requirements } from "./schema";
export { locateKeys, parseToml, formatPath } from "./toml";
