/**
 * Codex's requirement keys, described once: what each top-level key means, how Codex merges it across layers, when a
 * change to it widens what agents may do, which form control edits it, and since which Codex version it exists. The
 * consumers read this table: the schema is checked against it (tests/unit/requirements/keys.test.ts: every key of every
 * version's schema has exactly one entry and vice versa), compare.ts takes list semantics and widening rules from it,
 * layers.ts its merge rules, edit.ts and the editor their form controls, validate.ts the local-only keys, and
 * docs/requirements-keys.md is generated from it (`npx tsx scripts/keys-doc.ts`; a test fails when it is stale).
 *
 * Adding a key: one entry here, its zod type in schema.ts (the keys test fails until both exist), and its vectors
 * (a wrong-typed vector is generated from the schema; add vectors for its rules).
 */
import { APPROVAL_POLICIES, SANDBOX_MODES, WEB_SEARCH_MODES } from "./schema";

/** How Codex combines a value across requirement layers (lowest precedence first, codex-reference.md §1.5). */
export type MergeRule =
  /** A higher layer's value replaces a lower one (scalars and lists). */
  | "replace"
  /** Tables merge key by key; inside, the higher layer wins (TOML merge). */
  | "table"
  /** Lists are concatenated, highest precedence first. */
  | "append"
  /** Lists are unioned, highest precedence first, duplicates dropped. */
  | "union"
  /** Resolved inside each layer (for the host) before merging. */
  | "per-layer";

/** How a list's order matters to Codex (compare.ts reports reorders accordingly). */
export type ListOrder = "default-first" | "first-match" | "insensitive";

/** When a change widens what agents may do (compare.ts, `widenedAccess`). */
export type WidenRule =
  /** An allowlist: a new entry, or removing the key, widens. `always` entries are implicitly allowed. */
  | { kind: "allowlist"; what: string; always?: readonly string[] }
  /** A constraint with its own check in compare.ts; removing the key widens. */
  | { kind: "constraint" }
  /** A switch read by the leaf rules (`allow_*`, `dangerously_*`, restrictive switches). */
  | { kind: "switch" }
  /** Defaults, paths and settings that grant nothing. */
  | { kind: "none" };

export type FormControl =
  | { kind: "list"; label: string; help: string; options: readonly string[] }
  | { kind: "policy-text" }
  | { kind: "feature-pins" };

export interface KeyInfo {
  doc: string;
  merge: MergeRule;
  widen: WidenRule;
  /** List semantics by path shape inside this key (`""` = the key itself; `[]` = any list entry). */
  lists?: Record<string, ListOrder>;
  /** Merge rules of paths below the key that differ from the key's own (`prefix_rules`, `filesystem.deny_read`). */
  nested?: Record<string, MergeRule>;
  control?: FormControl;
  /** Free text: compare shows its size, not its content. */
  text?: true;
  /** Cloud layers drop it (`LOCAL_ONLY_AUTH_REQUIREMENTS`); only system files and MDM set it. */
  localOnly?: true;
  /** Another spelling of a canonical key. */
  aliasOf?: string;
  /** First Codex version with the key (default: every known version). */
  since?: string;
}

const allowlist = (what: string, always?: readonly string[]) => ({ kind: "allowlist", what, ...(always ? { always } : {}) }) as const;
// Literal types, so compare.ts can require a check for every constraint key (ConstraintKey below).
const constraint = { kind: "constraint" } as const;
const grantsNothing = { kind: "none" } as const;
const aSwitch = { kind: "switch" } as const;

/** A list of allowed values that replaces lower layers, edited with a list control in the console. */
const listKey = <W extends WidenRule>(doc: string, widen: W, order: ListOrder, control: { label: string; help: string; options: readonly string[] }) =>
  ({ doc, merge: "replace", widen, lists: { "": order }, control: { kind: "list", ...control } }) as const;

export const REQUIREMENT_KEYS = {
  allowed_approval_policies: listKey("Approval policies agents may use; the first is the default. Empty is refused.", allowlist("approval policy"), "default-first", {
    label: "approval policies",
    help: "When agents must ask before acting. The first entry is the default.",
    options: APPROVAL_POLICIES,
  }),
  allowed_sandbox_modes: listKey("Sandbox modes agents may use; must include `read-only`; the first is the default.", allowlist("sandbox mode"), "default-first", {
    label: "sandbox modes",
    help: "Codex requires read-only to be allowed. The first entry is the default.",
    options: SANDBOX_MODES,
  }),
  allowed_approvals_reviewers: listKey(
    "Who reviews approval requests (`user`, `auto_review`); the first is the default. Without `user`, Codex turns `guardianv2` off.",
    constraint,
    "default-first",
    {
      label: "approval reviewers",
      help: "Who reviews approval requests: the user, or Auto-review with the policy below. The first entry is the default.",
      options: ["user", "auto_review"],
    },
  ),
  allowed_permission_profiles: { doc: "Permission profile id → allowed.", merge: "table", widen: constraint },
  default_permissions: { doc: "The managed default permission profile.", merge: "replace", widen: grantsNothing },
  remote_sandbox_config: {
    doc: "Per-host sandbox modes: the first entry whose hostname pattern matches replaces `allowed_sandbox_modes` on that host.",
    merge: "per-layer",
    widen: constraint,
    lists: { "": "first-match", "[].hostname_patterns": "insensitive", "[].allowed_sandbox_modes": "default-first" },
  },
  allowed_web_search_modes: listKey("Web search modes agents may use; `disabled` is always allowed; empty loads.", allowlist("web search mode", ["disabled"]), "insensitive", {
    label: "web search modes",
    help: "disabled is always allowed, listed or not.",
    options: WEB_SEARCH_MODES,
  }),
  enforce_residency: { doc: 'Data residency pinned exactly (`"us"`).', merge: "replace", widen: constraint },
  features: { doc: "Feature name → pinned on/off; unknown names are ignored; an empty table counts as unset.", merge: "table", widen: constraint, control: { kind: "feature-pins" } },
  feature_requirements: { doc: "Another name for `features`; setting both is refused.", merge: "table", widen: constraint, aliasOf: "features" },
  mcp_servers: { doc: "Allowed MCP servers by name and identity (command or url matcher); an empty table disables all.", merge: "table", widen: constraint },
  plugins: { doc: "Per-plugin MCP server allowlists.", merge: "table", widen: constraint },
  marketplaces: { doc: "Plugin marketplace sources (unknown fields refused).", merge: "table", widen: constraint },
  apps: { doc: "Apps and their tools' approval modes; `enabled = false` in any layer wins.", merge: "table", widen: constraint },
  rules: {
    doc: "Exec-policy prefix rules (`prompt`, `prompt-user`, `forbidden`; `allow` refused).",
    merge: "table",
    nested: { prefix_rules: "append" },
    widen: constraint,
    lists: { prefix_rules: "insensitive" },
  },
  hooks: { doc: "Managed hooks per event; groups are appended across layers; pinned exactly once set.", merge: "table", nested: { "*": "append" }, widen: constraint },
  allow_managed_hooks_only: { doc: "Only managed hooks run.", merge: "replace", widen: aSwitch },
  experimental_network: { doc: "Network proxy requirements (domains, sockets, ports).", merge: "table", widen: constraint },
  network_proxy: { doc: "Another name for `experimental_network`; setting both is refused.", merge: "table", widen: constraint, aliasOf: "experimental_network" },
  permissions: {
    doc: "Named permission profiles, plus the reserved `filesystem` (deny_read) and `network` tables.",
    merge: "table",
    nested: { "filesystem.deny_read": "union" },
    widen: constraint,
    lists: { "filesystem.deny_read": "insensitive" },
  },
  application: { doc: "Desktop app network and storage settings (unknown fields refused).", merge: "table", widen: constraint },
  windows: { doc: "Windows sandbox implementations and MXC switches.", merge: "table", widen: constraint },
  computer_use: { doc: "Computer use: locked-screen use, persistent approvals, per-app access.", merge: "table", widen: constraint },
  browser_use: { doc: "Browser use: per-origin access, downloads, uploads, CDP, auto-review.", merge: "table", widen: constraint },
  in_app_browser: { doc: "In-app browser settings (no field is read by the modelled versions).", merge: "table", widen: constraint },
  allow_browser_and_computer_use: { doc: "Browser and computer use allowed at all.", merge: "replace", widen: aSwitch },
  allow_appshots: { doc: "App screenshots allowed.", merge: "replace", widen: aSwitch },
  allow_remote_control: { doc: "Remote control allowed.", merge: "replace", widen: aSwitch },
  auto_review: {
    doc: "Models on which Auto-review is required (unioned across layers), and rules it ignores.",
    merge: "table",
    nested: { required_on_models: "union" },
    widen: constraint,
    lists: { required_on_models: "insensitive" },
  },
  models: { doc: "New-thread defaults (model, reasoning effort, service tier); initial values, not constraints.", merge: "table", widen: grantsNothing },
  additional_developer_instructions: { doc: "Managed developer instructions (capped at about 10,000 estimated tokens).", merge: "replace", widen: grantsNothing, text: true },
  guardian_policy_config: { doc: "The Auto-review tenant policy; blank means Codex's default policy.", merge: "replace", widen: constraint, text: true, control: { kind: "policy-text" } },
  guardian_extra_policy: { doc: "Extra Auto-review policy text added to the reviewer prompt.", merge: "replace", widen: grantsNothing, text: true },
  allowed_login_methods: { doc: "Login methods (`chatgpt`, `api`); empty is refused.", merge: "replace", widen: grantsNothing, localOnly: true },
  allowed_chatgpt_workspaces: { doc: "ChatGPT workspace ids allowed to sign in.", merge: "replace", widen: grantsNothing, localOnly: true, lists: { "": "insensitive" } },
  cli_auth_credentials_store: { doc: "Where credentials are stored (`file`, `keyring`, `auto`, `ephemeral`).", merge: "replace", widen: grantsNothing, localOnly: true },
  chatgpt_base_url: { doc: "ChatGPT backend URL.", merge: "replace", widen: grantsNothing, localOnly: true },
  sqlite_home: { doc: "State database folder (absolute, or relative to the file).", merge: "replace", widen: grantsNothing },
  log_dir: { doc: "Log folder.", merge: "replace", widen: grantsNothing },
  model_catalog_json: { doc: "Model catalog file; must exist on the host.", merge: "replace", widen: grantsNothing },
  check_for_update_on_startup: { doc: "Update check at startup.", merge: "replace", widen: grantsNothing },
  allow_login_shell: { doc: "Login shells allowed for commands.", merge: "replace", widen: aSwitch },
  feedback: { doc: "`enabled`: the feedback command.", merge: "table", widen: grantsNothing },
  otel: { doc: "OpenTelemetry export (exporters, what is logged); users cannot override it (unknown fields refused).", merge: "table", widen: grantsNothing },
  config_server: { doc: "Where Codex fetches its config bundle (HTTPS only; local sources only).", merge: "table", widen: grantsNothing },
  model_provider: { doc: "The model provider: a built-in one or one under `model_providers`.", merge: "replace", widen: grantsNothing },
  model_providers: { doc: "Custom model providers (a non-blank `name`; built-in ids are reserved).", merge: "table", widen: grantsNothing },
  unsafe_enforce_sqlite_journal_mode: { doc: "Forces the state database's SQLite journal mode.", merge: "replace", widen: grantsNothing },
} as const satisfies Record<string, KeyInfo>;

export type RequirementKey = keyof typeof REQUIREMENT_KEYS;
const entries = Object.entries(REQUIREMENT_KEYS) as [RequirementKey, KeyInfo][];

/** Keys whose changes compare.ts checks with rules of their own (its WIDENING_CHECKS must name every one). */
export type ConstraintKey = { [K in RequirementKey]: (typeof REQUIREMENT_KEYS)[K]["widen"] extends { kind: "constraint" } ? K : never }[RequirementKey];
export const CONSTRAINT_KEYS = entries.filter(([, k]) => k.widen.kind === "constraint").map(([key]) => key) as ConstraintKey[];
/** Switch keys: the leaf rules of compare.ts read them by name. */
export const SWITCH_KEYS = entries.filter(([, k]) => k.widen.kind === "switch").map(([key]) => key);

/** The keys the console's list controls edit, in table order. */
export type FormListKey = { [K in RequirementKey]: (typeof REQUIREMENT_KEYS)[K] extends { control: { kind: "list" } } ? K : never }[RequirementKey];
export const FORM_LIST_KEYS = entries.filter(([, k]) => k.control?.kind === "list").map(([key]) => key) as FormListKey[];
export const listControl = (key: FormListKey) => REQUIREMENT_KEYS[key].control;

/** Keys cloud-delivered layers drop. */
export const LOCAL_ONLY_KEYS = entries.filter(([, k]) => k.localOnly).map(([key]) => key);
/** Keys whose value is free text. */
export const TEXT_KEYS: ReadonlySet<string> = new Set(entries.filter(([, k]) => k.text).map(([key]) => key));
/** [canonical, alias] pairs. */
export const KEY_ALIASES = entries.flatMap(([key, k]) => (k.aliasOf ? [[k.aliasOf, key] as const] : []));
/** Allowlist keys and what their entries are called. */
export const ALLOWLISTS = entries.flatMap(([key, k]) => (k.widen.kind === "allowlist" ? [{ key, what: k.widen.what, always: k.widen.always ?? [] }] : []));
/** Keys whose removal lifts a constraint. */
export const CONSTRAINING_KEYS = entries.filter(([, k]) => k.widen.kind === "allowlist" || k.widen.kind === "constraint").map(([key]) => key);

const join = (key: string, sub: string) => (sub === "" ? key : sub.startsWith("[") ? `${key}${sub}` : `${key}.${sub}`);
/** List semantics by path shape (`remote_sandbox_config[].allowed_sandbox_modes`). */
export const LIST_ORDER: ReadonlyMap<string, ListOrder> = new Map(
  entries.flatMap(([key, k]) => Object.entries(k.lists ?? {}).map(([sub, order]) => [join(key, sub), order] as const)),
);
/** Merge rule of a path below a key (dotted, `*` for any one segment), when it differs from the key's own. */
export const NESTED_MERGE: ReadonlyMap<string, MergeRule> = new Map(
  entries.flatMap(([key, k]) => Object.entries(k.nested ?? {}).map(([sub, rule]) => [join(key, sub), rule] as const)),
);

/** The merge rule for a path (dotted segments): a nested rule, else the top-level key's own. */
export function mergeRuleOf(segments: readonly (string | number)[]): MergeRule | undefined {
  const path = segments.join(".");
  for (const [shape, rule] of NESTED_MERGE) {
    const parts = shape.split(".");
    if (parts.length === segments.length && parts.every((p, i) => p === "*" || p === String(segments[i]))) return rule;
  }
  return segments.length === 1 ? (REQUIREMENT_KEYS as Record<string, KeyInfo>)[path]?.merge : undefined;
}

/** The markdown reference of every key (docs/requirements-keys.md). */
export function renderKeysDoc(): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const widen = (w: WidenRule) => (w.kind === "allowlist" ? `allowlist (entries: ${w.what})${w.always?.length ? ` (${w.always.join(", ")} always allowed)` : ""}` : w.kind === "constraint" ? "constraint (own check; removing it widens)" : w.kind === "switch" ? "switch" : "—");
  const merge = (k: KeyInfo) => [k.merge, ...Object.entries(k.nested ?? {}).map(([p, r]) => `${p}: ${r}`)].join("; ");
  const lines = [
    "# Requirement keys",
    "",
    "Generated from `lib/requirements/keys.ts` by `npx tsx scripts/keys-doc.ts`; do not edit by hand.",
    "Types and rules per Codex version are in `lib/requirements/schema.ts`; merge rules follow codex-reference §1.5.",
    "",
    "| Key | Meaning | Merge across layers | Widens when | Form control | Notes |",
    "|---|---|---|---|---|---|",
  ];
  for (const [key, k] of entries) {
    const notes = [k.localOnly ? "local sources only" : "", k.aliasOf ? `alias of \`${k.aliasOf}\`` : "", k.since ? `since ${k.since}` : "", k.text ? "free text" : ""].filter(Boolean).join(", ");
    lines.push(`| \`${key}\` | ${cell(k.doc)} | ${merge(k)} | ${widen(k.widen)} | ${k.control ? (k.control.kind === "list" ? `list (${k.control.options.join(", ")})` : k.control.kind) : "—"} | ${notes || "—"} |`);
  }
  return lines.join("\n") + "\n";
}
