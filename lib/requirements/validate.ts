/**
 * Validation of a requirements file as a given Codex version loads it (default: the newest known, versions.ts): a
 * verdict (would Codex start?) and diagnostics that point into the admin's text. Errors are what makes Codex refuse the
 * file; warnings and info are what Codex does silently. Regexes are checked by Rust's own regex engine (rust.ts).
 *
 * Known gaps (also listed in the tests' vector table):
 * - `remote_sandbox_config`: Codex checks only the entry matching the host it runs on. Any entry without "read-only"
 *   is reported here, because it bricks Codex on the hosts it matches.
 * - Named profiles without `default_permissions` load when the user's own config sets it; reported as an error here.
 * - `computer_use`, `browser_use`, `in_app_browser`, profile `network` and `otel` value shapes are only partly known:
 *   known fields are typed, other fields pass without a warning.
 */
import type { z } from "zod";
import { decodeRequirementsBytes, formatPath, locateKeys, parseToml, positionOf, type KeyLocations, type Position } from "./toml";
import { LOCAL_ONLY_KEYS } from "./keys";
import { CODEX_VERSION, schemasFor, type Requirements, type VersionSchemas } from "./schema";
import { KNOWN_CODEX_VERSIONS } from "./versions";

export type Severity = "error" | "warning" | "info";

export interface Diagnostic {
  severity: Severity;
  path: string;
  line: number;
  column: number;
  message: string;
  code: string;
}

export interface ValidationResult {
  valid: boolean;
  diagnostics: Diagnostic[];
  /** The Codex version whose loading this verdict models. */
  codexVersion: string;
  requirements?: Requirements;
}

export interface ValidateOptions {
  source?: RequirementsSource;
  /** A known Codex version (versions.ts); default the newest. */
  codex?: string;
}

export type RequirementsSource = "system" | "cloud" | "mdm";

/** Above this size a tenant policy crowds the reviewer's prompt (its transcript budgets are 10,000 tokens each). */
export const POLICY_TOKEN_BUDGET = 10_000;
const BYTES_PER_TOKEN = 4;

type Seg = string | number;

/**
 * What validation needs of a text whatever the Codex version: the parse, key positions (found on the first finding)
 * and the "did you mean" guesses. Checking against several versions reads the text once.
 */
interface Prepared {
  text: string;
  parsed: ReturnType<typeof parseToml>;
  loc?: KeyLocations;
  guesses: Map<string, Map<string, string | undefined>>;
}

const prepare = (text: string): Prepared => ({ text, parsed: parseToml(text), guesses: new Map() });

export function validateRequirements(text: string, opts: ValidateOptions = {}): ValidationResult {
  return validatePrepared(prepare(text), opts);
}

function validatePrepared(prepared: Prepared, opts: ValidateOptions): ValidationResult {
  const codexVersion = opts.codex ?? CODEX_VERSION;
  const schemas = schemasFor(codexVersion);
  const { parsed, text } = prepared;
  if (!parsed.ok) {
    return {
      valid: false,
      codexVersion,
      diagnostics: [
        {
          severity: "error",
          path: "",
          line: parsed.line,
          column: parsed.column,
          code: parsed.limit ? "limit" : "toml-syntax",
          message: parsed.limit ? `${parsed.message} Charter does not read it further` : `TOML syntax error: ${parsed.message}; Codex refuses to start`,
        },
      ],
    };
  }
  const data = parsed.value;
  const at = (path: Seg[], prefer: "key" | "value"): Position => positionOf((prepared.loc ??= locateKeys(text)), formatPath(path), prefer);
  const diagnostics: Diagnostic[] = [];
  const add = (severity: Severity, code: string, path: Seg[], message: string, prefer: "key" | "value" = "key") =>
    diagnostics.push({ severity, code, path: formatPath(path), ...at(path, prefer), message });

  const result = schemas.schema.safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) reportIssue(issue as Issue, [], data, add, codexVersion);
  }
  findUnknownKeys(schemas.structure as unknown as AnySchema, data, [], { add, schemas, version: codexVersion, guesses: prepared.guesses });
  advise(data, opts.source, add);

  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  const valid = !diagnostics.some((d) => d.severity === "error");
  // A regex still unchecked (browser engine loading) leaves the schema failed without an error: no normalized form.
  return { valid, diagnostics, codexVersion, ...(valid && result.success ? { requirements: result.data } : {}) };
}

/** Validates a file given as bytes (CLI, upload, API body): bytes that are not UTF-8 refuse it, as in Codex. */
export function validateRequirementsBytes(bytes: Uint8Array, opts: ValidateOptions = {}): ValidationResult {
  const decoded = decodeRequirementsBytes(bytes);
  if (decoded.ok) return validateRequirements(decoded.text, opts);
  return {
    valid: false,
    codexVersion: opts.codex ?? CODEX_VERSION,
    diagnostics: [{ severity: "error", path: "", line: decoded.line, column: decoded.column, code: "toml-encoding", message: decoded.message }],
  };
}

export interface VersionVerdict {
  codexVersion: string;
  valid: boolean;
  /** The errors of this version (what makes it refuse the file). */
  errors: Diagnostic[];
}

/**
 * The verdict of each version (default: every known one). `refusedBy` names the versions that would refuse the file:
 * publishing is refused when any version the fleet runs is among them.
 */
export function validateForVersions(
  text: string,
  versions: readonly string[] = KNOWN_CODEX_VERSIONS,
  opts: Omit<ValidateOptions, "codex"> = {},
): { valid: boolean; verdicts: VersionVerdict[]; refusedBy: string[] } {
  const prepared = prepare(text);
  const verdicts = versions.map((codex) => {
    const r = validatePrepared(prepared, { ...opts, codex });
    return { codexVersion: codex, valid: r.valid, errors: r.diagnostics.filter((d) => d.severity === "error") };
  });
  const refusedBy = verdicts.filter((v) => !v.valid).map((v) => v.codexVersion);
  return { valid: refusedBy.length === 0, verdicts, refusedBy };
}

/**
 * The verdict the API, the editor and publishing show for a fleet: `valid` only when every version the fleet runs loads
 * the file; `diagnostics` and `codexVersion` are those of the newest of them; `versions` is each version's verdict.
 */
export function validateForFleet(text: string, fleetVersions: readonly string[] = KNOWN_CODEX_VERSIONS, opts: Omit<ValidateOptions, "codex"> = {}) {
  const versions = fleetVersions.length > 0 ? fleetVersions : KNOWN_CODEX_VERSIONS;
  const newest = versions[versions.length - 1];
  const prepared = prepare(text);
  const main = validatePrepared(prepared, { ...opts, codex: newest });
  const others = versions.slice(0, -1).map((codex) => validatePrepared(prepared, { ...opts, codex }));
  const all = [...others, main];
  const refusedBy = all.filter((r) => !r.valid).map((r) => r.codexVersion);
  return {
    valid: refusedBy.length === 0,
    diagnostics: main.diagnostics,
    codexVersion: newest,
    versions: all.map((r) => ({ codexVersion: r.codexVersion, valid: r.valid, errors: r.diagnostics.filter((d) => d.severity === "error") })),
    refusedBy,
  };
}
export type FleetValidation = ReturnType<typeof validateForFleet>;

export { CODEX_VERSION };

// ---------- zod issues → diagnostics ----------

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  values?: unknown[];
  keys?: string[];
  errors?: Issue[][];
  discriminator?: string;
  options?: unknown[];
  params?: { code?: string };
}
type Add = (severity: Severity, code: string, path: Seg[], message: string, prefer?: "key" | "value") => void;

const EXPECTED: Record<string, string> = {
  string: "a string",
  boolean: "true or false",
  bigint: "an integer",
  number: "a number",
  array: "an array",
  object: "a table",
  record: "a table",
};

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "bigint") return `the integer ${value}`;
  if (typeof value === "number") return `the float ${value}`;
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
  if (typeof value === "boolean") return `${value}`;
  if (value instanceof Date) return "a date";
  if (Array.isArray(value)) return "an array";
  return "a table";
}

function valueAt(data: unknown, path: Seg[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

const code = (path: Seg[]) => `\`${formatPath(path)}\``;
const list = (values: unknown[]) => values.map((v) => JSON.stringify(v)).join(", ");

/** Extra words for values admins get wrong in a predictable way. */
function enumHint(value: unknown): string {
  if (value === "granular") return ' ("granular" is written as a table: { granular = { sandbox_approval = …, rules = …, mcp_elicitations = … } })';
  if (typeof value === "string" && value.toLowerCase() !== value) return " (values are lowercase)";
  return "";
}

function reportIssue(issue: Issue, base: Seg[], data: unknown, add: Add, version: string) {
  const path = [...base, ...(issue.path.filter((p) => typeof p !== "symbol") as Seg[])];
  const value = valueAt(data, path);
  switch (issue.code) {
    case "custom":
      // A regex the browser could not compile yet is not a verdict; the server checks it.
      add(issue.params?.code === "regex-unchecked" ? "info" : "error", issue.params?.code ?? "invalid", path, issue.message);
      return;
    case "invalid_type":
      if (value === undefined) {
        add("error", "missing-field", path, `${code(path)} is required here (${EXPECTED[issue.expected ?? ""] ?? issue.expected}); Codex refuses to start without it`);
      } else {
        add("error", "type", path, `${code(path)} must be ${EXPECTED[issue.expected ?? ""] ?? issue.expected}, not ${describe(value)}; Codex refuses to start on a wrong type`, "value");
      }
      return;
    case "invalid_value": {
      if (value === undefined) {
        add("error", "missing-field", path, `${code(path)} is required here (one of ${list(issue.values ?? [])}); Codex refuses to start without it`);
        return;
      }
      const shown = typeof value === "string" ? JSON.stringify(value) : describe(value);
      add("error", "enum", path, `${code(path)} is ${shown}, which Codex ${version} does not know; expected one of ${list(issue.values ?? [])}${enumHint(value)}. Codex refuses to start`, "value");
      return;
    }
    case "unrecognized_keys":
      for (const key of issue.keys ?? []) {
        add("error", "unknown-field", [...path, key], `${code([...path, key])} is not a field of ${code(path)}, and this table refuses unknown fields: Codex refuses to start`);
      }
      return;
    case "invalid_union": {
      if (value === undefined) {
        add("error", "missing-field", path, `${code(path)} is required here (${issue.message}); Codex refuses to start without it`);
        return;
      }
      if (issue.discriminator) {
        const shown = value === undefined ? "missing" : typeof value === "string" ? JSON.stringify(value) : describe(value);
        add("error", value === undefined ? "missing-field" : "enum", path, `${code(path)} is ${shown}; expected one of ${list(issue.options ?? [])}. Codex refuses to start`, "value");
        return;
      }
      // Report the branch whose shape the value has (a table for table branches, a string for string branches);
      // when several could fit, the union's own description says what Codex expects.
      const mismatch = (i: Issue) => i.path.length === 0 && (i.code === "invalid_type" || (i.code === "invalid_value" && typeof value !== "string"));
      const fits = (issue.errors ?? []).filter((branch) => !branch.some(mismatch));
      if (fits.length === 1) {
        for (const inner of fits[0]) reportIssue(inner, path, data, add, version);
      } else {
        add("error", "type", path, `${code(path)} has ${describe(value)}; Codex expects ${issue.message}. Codex refuses to start`, "value");
      }
      return;
    }
    default:
      add("error", issue.params?.code ?? "invalid", path, `${code(path)}: ${issue.message}; Codex refuses to start`, "value");
  }
}

// ---------- keys Codex silently ignores ----------

/** Keys Codex used to read or people often write; Codex 0.169 ignores them, the hint says what to do instead. */
const KEY_HINTS: Record<string, string> = {
  allowed_permissions: "the old profile allowlist; Codex 0.169 ignores it: use `allowed_permission_profiles` and `default_permissions`",
  approval_policy: "an old single-value key; use `allowed_approval_policies`",
  sandbox_mode: "an old single-value key; use `allowed_sandbox_modes`",
  sandbox_private_desktop: "removed in Codex 0.169, legacy Windows sandboxes always use a private desktop",
  timeout_sec: "the handler field is `timeout`",
  status_message: "the handler field is `statusMessage`",
  reviewer: "prefix rules have no `reviewer` field in Codex 0.169",
  network: "top-level network requirements are `[experimental_network]` (or `[network_proxy]`)",
};

type AnySchema = z.ZodType & { def: Record<string, unknown> & { type: string } };

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (;;) {
    const d = s.def;
    if (["optional", "nullable", "default", "readonly", "catch", "nonoptional", "prefault"].includes(d.type)) s = d.innerType as AnySchema;
    else if (d.type === "pipe") s = ((d.in as AnySchema).def.type === "transform" ? d.out : d.in) as AnySchema;
    else if (d.type === "lazy") s = (d.getter as () => AnySchema)();
    else return s;
  }
}

const isTable = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

interface UnknownKeyWalk {
  add: Add;
  schemas: VersionSchemas;
  version: string;
  /** "Did you mean" answers by known-key list, shared by every version checked against the same text. */
  guesses: Map<string, Map<string, string | undefined>>;
}

/** The keys of each table schema, and one name for that list (versions that share a table share their guesses). */
const knownKeys = new WeakMap<object, { keys: string[]; id: string }>();

function findUnknownKeys(schema: AnySchema, value: unknown, path: Seg[], walk: UnknownKeyWalk) {
  const s = unwrap(schema);
  const d = s.def;
  if (path.length === 1 && path[0] === "permissions" && isTable(value)) {
    for (const [name, child] of Object.entries(value)) {
      const sub = name === "filesystem" || name === "network" ? walk.schemas.permissionsChildren[name] : walk.schemas.permissionsChildren.profile;
      findUnknownKeys(sub as unknown as AnySchema, child, [...path, name], walk);
    }
    return;
  }
  switch (d.type) {
    case "object": {
      if (!isTable(value)) return;
      const shape = d.shape as Record<string, AnySchema>;
      const catchall = (d.catchall as AnySchema | undefined)?.def.type;
      for (const [key, child] of Object.entries(value)) {
        if (key in shape) findUnknownKeys(shape[key], child, [...path, key], walk);
        else if (catchall === undefined) reportUnknownKey(key, shape, [...path, key], walk);
        // strict tables: zod already reported an error; loose tables: only partly modelled, stay quiet.
      }
      return;
    }
    case "record":
      if (isTable(value)) for (const [key, child] of Object.entries(value)) findUnknownKeys(d.valueType as AnySchema, child, [...path, key], walk);
      return;
    case "array":
      if (Array.isArray(value)) value.forEach((child, i) => findUnknownKeys(d.element as AnySchema, child, [...path, i], walk));
      return;
    case "union": {
      const option = (d.options as AnySchema[]).find((o) => o.safeParse(value).success);
      if (option) findUnknownKeys(option, value, path, walk);
      return;
    }
  }
}

function reportUnknownKey(key: string, shape: Record<string, AnySchema>, path: Seg[], walk: UnknownKeyWalk) {
  const where = path.length > 1 ? ` in ${code(path.slice(0, -1))}` : "";
  const hint = KEY_HINTS[key];
  let guess: string | undefined;
  if (!hint) {
    let known = knownKeys.get(shape);
    if (!known) {
      const keys = Object.keys(shape);
      knownKeys.set(shape, (known = { keys, id: keys.join("\n") }));
    }
    let answers = walk.guesses.get(known.id);
    if (!answers) walk.guesses.set(known.id, (answers = new Map()));
    if (answers.has(key)) guess = answers.get(key);
    else answers.set(key, (guess = closest(key, known.keys)));
  }
  const advice = hint ? ` (${hint})` : guess ? `; did you mean \`${guess}\`?` : "";
  walk.add("warning", "unknown-key", path, `\`${key}\` is not a key Codex ${walk.version} knows${where}; Codex silently ignores it${advice}`);
}

/** The nearest known key by edit distance, when close enough to be a typo. */
export function closest(word: string, candidates: string[]): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.floor(word.length / 4));
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    // The distance is at least the difference in length: skipping those keeps a long key from costing len × len.
    if (Math.abs(c.length - w.length) > limit) continue;
    const dist = editDistance(w, c.toLowerCase(), Math.min(limit, bestDist));
    if (dist < bestDist) {
      best = c;
      bestDist = dist;
    }
  }
  return best !== undefined && bestDist <= limit ? best : undefined;
}

// The three rows editDistance works in, kept between calls: thousands of unknown keys allocate nothing.
let rows: Int32Array[] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Edit distance, Damerau-style: adjacent swaps count once (`allowed_sandbox_mdoes`). Three rows instead of a matrix,
 * and it stops once every cell of a row exceeds `max` (the answer is then only "more than max"): a document of many
 * unknown keys costs a few comparisons each, not a table per candidate.
 */
function editDistance(a: string, b: string, max = Infinity): number {
  if (rows[0].length <= b.length) rows = rows.map(() => new Int32Array(b.length + 1));
  // Only `prev` is read before it is written (`before` is the row two back, `row` is filled left to right).
  let [before, prev, row] = rows;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) d = Math.min(d, before[j - 2] + 1);
      row[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return rowMin;
    [before, prev, row] = [prev, row, before];
  }
  return prev[b.length];
}

// ---------- what Codex does quietly ----------

function advise(data: Record<string, unknown>, source: RequirementsSource | undefined, add: Add) {
  if (source !== "system" && source !== "mdm") {
    for (const key of LOCAL_ONLY_KEYS) {
      if (key in data) {
        const lead = source === "cloud" ? "Codex drops" : "If delivered as cloud requirements, Codex drops";
        add("info", "local-only", [key], `${lead} \`${key}\` from cloud-delivered requirements; it applies only from /etc/codex/requirements.toml or MDM`);
      }
    }
    if (source === "cloud" && "config_server" in data)
      add("error", "local-only", ["config_server"], "`config_server` may only be set in local managed requirements (/etc/codex/requirements.toml or MDM); Codex refuses it from cloud requirements");
  }

  if (isTable(data.config_server) && typeof data.config_server.base_url === "string")
    add("warning", "config-server-fetch", ["config_server", "base_url"], "Codex fetches its config bundle from `config_server.base_url` at startup and refuses to start when it cannot reach it; check that every host can");
  if (typeof data.model_catalog_json === "string")
    add("warning", "file-must-exist", ["model_catalog_json"], "Codex reads `model_catalog_json` at startup and refuses to start when the file does not exist on the host");

  const reviewers = data.allowed_approvals_reviewers;
  const reviewerList = Array.isArray(reviewers) ? reviewers.filter((r): r is string => typeof r === "string") : undefined;
  if (reviewerList && reviewerList.length > 0 && !reviewerList.includes("user")) {
    add("warning", "reviewer-no-user", ["allowed_approvals_reviewers"], '`allowed_approvals_reviewers` does not include "user": nobody can fall back to a human reviewer, and Codex turns the `guardianv2` feature off');
  }
  const autoReviewAllowed = !reviewerList || reviewerList.some((r) => r === "auto_review" || r === "guardian_subagent");
  for (const key of ["guardian_policy_config", "guardian_extra_policy"]) {
    const policy = data[key];
    if (typeof policy !== "string") continue;
    if (policy.trim() === "") {
      add("info", "policy-blank", [key], `\`${key}\` is blank; Codex treats it as unset and the reviewer uses its default policy`);
      continue;
    }
    if (!autoReviewAllowed)
      add("warning", "policy-unused", [key], `\`${key}\` is set but \`allowed_approvals_reviewers\` does not allow "auto_review", so no reviewer will use it`);
    const tokens = Math.ceil(Buffer.byteLength(policy, "utf8") / BYTES_PER_TOKEN);
    if (tokens > POLICY_TOKEN_BUDGET)
      add("warning", "policy-size", [key], `\`${key}\` is about ${tokens} estimated tokens (at ${BYTES_PER_TOKEN} bytes per token), beyond the ${POLICY_TOKEN_BUDGET}-token budget the reviewer gives a transcript; Codex loads it, but every review pays for it and the reviewer's context gets crowded`);
  }

  for (const key of ["allowed_approval_policies", "allowed_approvals_reviewers", "allowed_sandbox_modes"]) {
    const values = data[key];
    if (!Array.isArray(values) || values.length < 2) continue;
    const first = typeof values[0] === "string" ? JSON.stringify(values[0]) : "the first entry";
    add("info", "first-is-default", [key], `Codex uses the first entry of \`${key}\` (${first}) as the default when the user's config does not choose`);
  }
}
