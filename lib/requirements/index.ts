/** The requirements engine: the `requirements.toml` schema of each known Codex version, validation with positions, and advice. */
export { validateRequirements, validateRequirementsBytes, validateForVersions, validateForFleet, closest, POLICY_TOKEN_BUDGET } from "./validate";
export type { Diagnostic, Severity, ValidationResult, RequirementsSource, ValidateOptions, VersionVerdict, FleetValidation } from "./validate";
export { requirementsSchema, schemasFor, CODEX_VERSION, isValidModelSlug } from "./schema";
export { REQUIREMENT_KEYS, LOCAL_ONLY_KEYS } from "./keys";
export type { Requirements } from "./schema";
export { CODEX_VERSIONS, KNOWN_CODEX_VERSIONS, NEWEST_CODEX_VERSION, codexVersion, isKnownCodexVersion, versionsForFleet } from "./versions";
export { locateKeys, parseToml, formatPath, decodeRequirementsBytes } from "./toml";
