/**
 * The `requirements.toml` schema of each Codex version Charter knows (versions.ts), once. Structure (types, enum strings, required fields, tables that
 * refuse unknown fields) is plain zod; the rules Codex checks after deserializing are in `codexRules` below. Facts come
 * from the Codex reference (sections 0 and 1) and from loading files into the 0.169.0 binary.
 *
 * Conventions the validator relies on:
 * - `z.object` = Codex ignores unknown fields here (the validator warns about them);
 * - `z.strictObject` = Codex refuses unknown fields (serde `deny_unknown_fields`);
 * - `z.looseObject` = only partly modelled: known fields are typed, others are neither refused nor warned about.
 * - a custom issue carries `params.code`, the stable diagnostic code.
 */
import { z } from "zod";
import { TomlDate } from "smol-toml";
import { checkRegexLite, checkRustRegex, isRustBlank, rustTrim, type RegexCheck } from "./rust";
import { codexVersion, NEWEST_CODEX_VERSION, type CodexVersionTraits } from "./versions";

/** The version a check models when none is named: the newest known. */
export const CODEX_VERSION = NEWEST_CODEX_VERSION;

// ---------- scalars ----------

/** Codex reads a TOML date where it expects text as that text; smol-toml gives a TomlDate, so turn it back. */
const text = () => z.preprocess((v) => (v instanceof TomlDate ? v.toISOString() : v), z.string());
const bool = () => z.boolean();
const integer = (min: bigint, max: bigint, what: string) =>
  z
    .bigint()
    .refine((v) => v >= min && v <= max, { message: `must be an integer from ${min} to ${max} (${what})`, params: { code: "range" } })
    .transform(Number);
const u16 = () => integer(0n, 65535n, "a port number");
const u64 = () => integer(0n, 18446744073709551615n, "an unsigned 64-bit integer");
const allowDeny = () => z.enum(["allow", "deny"]);
const textList = () => z.array(text());

export const SANDBOX_MODES = ["read-only", "workspace-write", "danger-full-access", "external-sandbox"] as const;
export const APPROVAL_POLICIES = ["untrusted", "on-failure", "on-request", "never"] as const;
export const REVIEWERS = ["user", "auto_review", "guardian_subagent"] as const;
export const WEB_SEARCH_MODES = ["disabled", "cached", "indexed", "live"] as const;
/** Built-in permission profiles (a leading colon), usable without a `[permissions.<name>]` table. */
export const BUILTIN_PROFILES = [":read-only", ":workspace", ":danger-full-access"] as const;
/** `additional_developer_instructions` budget: 10,000 estimated tokens at 4 bytes each, context markers included. */
export const DEVELOPER_INSTRUCTIONS_TOKEN_CAP = 10_000;
export const DEVELOPER_INSTRUCTIONS_MARKER_BYTES = 169;
export const DEVELOPER_INSTRUCTIONS_MAX_BYTES = DEVELOPER_INSTRUCTIONS_TOKEN_CAP * 4 - DEVELOPER_INSTRUCTIONS_MARKER_BYTES;

const sandboxModes = () => z.array(z.enum(SANDBOX_MODES));

// ---------- approvals ----------

const granular = z.object({
  sandbox_approval: bool(),
  rules: bool(),
  mcp_elicitations: bool(),
  skill_approval: bool().optional(),
  request_permissions: bool().optional(),
});
/** A policy is a plain string or `{ granular = {...} }` (serde's externally tagged form: exactly one key). */
const approvalPolicy = z.union([z.enum(APPROVAL_POLICIES), z.strictObject({ granular })], {
  error: 'a policy string ("untrusted", "on-failure", "on-request", "never") or { granular = { sandbox_approval, rules, mcp_elicitations } }',
});

const reviewer = z.enum(REVIEWERS).transform((r) => (r === "guardian_subagent" ? "auto_review" : r));

// ---------- network ----------

const headerInjection = z.object({
  host: text(),
  methods: textList(),
  path_prefixes: textList(),
  headers: z.record(z.string(), text()),
});

/** `[experimental_network]`, `[network_proxy]` and `[permissions.network]` share this shape. */
const networkRequirementsFor = (v: CodexVersionTraits) => z.object({
  ...(v.transparentTcp ? { transparent_tcp: bool().optional() } : {}),
  review_domains: textList().optional(),
  enabled: bool().optional(),
  http_port: u16().optional(),
  socks_port: u16().optional(),
  allow_upstream_proxy: bool().optional(),
  dangerously_allow_non_loopback_proxy: bool().optional(),
  dangerously_allow_all_unix_sockets: bool().optional(),
  domains: z.record(z.string(), allowDeny()).optional(),
  allowed_domains: textList().optional(),
  denied_domains: textList().optional(),
  managed_allowed_domains_only: bool().optional(),
  unix_sockets: z.record(z.string(), allowDeny()).optional(),
  allow_unix_sockets: textList().optional(),
  allow_local_binding: bool().optional(),
  header_injections: z.array(headerInjection).optional(),
});

// ---------- permissions ----------

const fsAccess = z.enum(["read", "write", "none", "deny"]);
const profileNetwork = z.looseObject({
  enabled: bool().optional(),
  proxy_url: text().optional(),
  enable_socks5: bool().optional(),
  socks_url: text().optional(),
  enable_socks5_udp: bool().optional(),
  allow_upstream_proxy: bool().optional(),
  dangerously_allow_non_loopback_proxy: bool().optional(),
  dangerously_allow_all_unix_sockets: bool().optional(),
  mode: z.enum(["limited", "full"]).optional(),
  domains: z.record(z.string(), allowDeny()).optional(),
  unix_sockets: z.record(z.string(), allowDeny()).optional(),
  allow_local_binding: bool().optional(),
});
const permissionProfile = z.object({
  description: text().optional(),
  extends: text().optional(),
  workspace_roots: z.record(z.string(), bool()).optional(),
  // Each entry is a path → access mode, or a path → { sub-path → access mode } scope.
  filesystem: z
    .record(z.string(), z.union([fsAccess, z.record(z.string(), fsAccess)], { error: 'an access mode ("read", "write", "none", "deny") or a table of sub-path → access mode' }))
    .optional(),
  network: profileNetwork.optional(),
});
const PROFILE_KEYS = ["description", "extends", "workspace_roots", "filesystem", "network"] as const;
const filesystemRequirements = z.object({ deny_read: textList().optional() });

/**
 * `[permissions]`: `filesystem` (requirement-level deny_read) and `network` (shared network constraints) are reserved;
 * every other key names a profile. The record is checked per key so each profile keeps its own path in diagnostics.
 */
const permissionsFor = (networkRequirements: z.ZodType) => z.record(z.string(), z.unknown()).superRefine((table, ctx) => {
  for (const [name, value] of Object.entries(table)) {
    const schema = name === "filesystem" ? filesystemRequirements : name === "network" ? networkRequirements : permissionProfile;
    const res = schema.safeParse(value);
    if (!res.success) for (const issue of res.error.issues) ctx.addIssue({ ...issue, path: [name, ...issue.path] } as never);
    // An empty `[permissions.network]`, or one with profile keys, is read as a profile named "network" and refused.
    if (name === "network" && value && typeof value === "object" && !Array.isArray(value)) {
      const profileKey = PROFILE_KEYS.find((k) => k in (value as object));
      if (profileKey || Object.keys(value).length === 0)
        ctx.addIssue({
          code: "custom",
          path: profileKey ? [name, profileKey] : [name],
          message: "`permissions.network` is reserved for shared network constraints and cannot define a profile (an empty table counts as one); rename the profile, Codex refuses to start",
          params: { code: "reserved-profile" },
        });
    }
    if (name === "filesystem" && value && typeof value === "object") {
      for (const k of PROFILE_KEYS) {
        if (k in (value as object))
          ctx.addIssue({
            code: "custom",
            path: [name, k],
            message: "`permissions.filesystem` is reserved for requirement-level filesystem rules (`deny_read`) and cannot define a profile; rename the profile",
            params: { code: "reserved-profile" },
          });
      }
    }
  }
});


// ---------- rules, hooks, MCP ----------

const patternToken = z.object({ token: text().optional(), any_of: textList().optional() });
const prefixRule = z.object({
  pattern: z.array(patternToken),
  // Codex reports a missing decision itself (see codexRules), so the field is optional at this level.
  decision: z.enum(["prompt", "prompt-user", "forbidden", "allow"]).optional(),
  justification: text().optional(),
  canonical_matching: bool().optional(),
});
const rules = z.object({ prefix_rules: z.array(prefixRule) });

const commandHandler = z.object({
  type: z.literal("command"),
  command: text(),
  command_windows: text().optional(),
  timeout: u64().optional(),
  async: bool().optional(),
  statusMessage: text().optional(),
});
const mcpToolHandler = z.object({ type: z.literal("mcp_tool"), server: text(), tool: text() });
// `prompt` and `agent` deserialize, then Codex refuses them when it loads managed hooks (see codexRules).
const unsupportedHandler = z.object({ type: z.enum(["prompt", "agent"]) });
const hookHandler = z.discriminatedUnion("type", [commandHandler, mcpToolHandler, unsupportedHandler]);
// A group without `hooks` loads in Codex as an empty group.
const hookGroup = z.object({ matcher: text().optional(), hooks: z.array(hookHandler).default([]) });
/** Events whose matcher Codex ignores (never compiles): a bad regex there loads. */
export const MATCHERLESS_HOOK_EVENTS: readonly string[] = ["Stop", "UserPromptSubmit"];
export const HOOK_EVENTS = [
  "PreToolUse",
  "PostToolUse",
  "PermissionRequest",
  "PreCompact",
  "PostCompact",
  "SessionStart",
  "SessionEnd",
  "Stop",
  "SubagentStart",
  "SubagentStop",
  "UserPromptSubmit",
] as const;
const hookEvents = Object.fromEntries(HOOK_EVENTS.map((e) => [e, z.array(hookGroup).optional()])) as Record<
  (typeof HOOK_EVENTS)[number],
  z.ZodOptional<z.ZodArray<typeof hookGroup>>
>;
const hooks = z.object({ managed_dir: text().optional(), windows_managed_dir: text().optional(), ...hookEvents });

const valueMatcher = z.discriminatedUnion("match", [
  z.strictObject({ match: z.literal("exact"), value: text() }),
  z.strictObject({ match: z.literal("prefix"), value: text() }),
  z.strictObject({ match: z.literal("regex"), expression: text() }),
]);
/** Untagged in Codex: the first shape that fits wins, so `command` beside `url` still loads as a command identity. */
const matcherOrText = () => z.union([text(), valueMatcher], { error: 'a string or a matcher table { match = "exact" | "prefix", value } / { match = "regex", expression }' });
const mcpIdentity = z.union(
  [z.object({ command: text(), args: z.array(matcherOrText()).optional() }), z.object({ url: matcherOrText() })],
  { error: 'an identity with `command = "..."` (stdio server) or `url = "..."` (HTTP server)' },
);
const mcpServers = z.record(z.string(), z.object({ identity: mcpIdentity }));

// ---------- apps, marketplaces, browser / computer use ----------

const appTool = z.object({
  approval_mode: z.enum(["auto", "prompt", "writes", "approve"]).optional(),
  analytics_result_source: z.strictObject({ format: text(), type: text() }).optional(),
});
const apps = z.record(z.string(), z.object({ enabled: bool().optional(), tools: z.record(z.string(), appTool).optional() }));

const marketplaces = z.strictObject({
  restrict_to_allowed_sources: bool().optional(),
  allowed_sources: z
    .record(
      z.string(),
      z.strictObject({
        source: z.enum(["git", "host_pattern", "local"]).optional(),
        url: text().optional(),
        ref: text().optional(),
        host_pattern: text().optional(),
        path: text().optional(),
      }),
    )
    .optional(),
});

// Only partly known from the reference: typed where known, other fields pass without warnings.
const computerUse = z.looseObject({
  allow_locked_computer_use: bool().optional(),
  allow_persistent_approval: bool().optional(),
  default_app_access: allowDeny().optional(),
  macos: z.looseObject({ bundle_ids: z.record(z.string(), allowDeny()).optional() }).optional(),
  windows: z
    .looseObject({
      aumids: z.record(z.string(), allowDeny()).optional(),
      exes: z
        .array(z.looseObject({ publisher_name: text(), product_name: text(), binary_name: text().optional(), access: allowDeny() }))
        .optional(),
    })
    .optional(),
});
const originPolicy = z.looseObject({
  access: allowDeny().optional(),
  downloads: allowDeny().optional(),
  uploads: allowDeny().optional(),
  full_cdp_access: allowDeny().optional(),
  auto_review: allowDeny().optional(),
  access_approval_lifetime: z.enum(["turn", "thread"]).optional(),
});
const browserUse = z.looseObject({
  disable_auto_review: bool().optional(),
  origins: z.record(z.string(), originPolicy).optional(),
});

// ---------- application, otel, config server ----------

const application = z.strictObject({
  network: z.strictObject({ enabled: bool().optional(), domains: z.record(z.string(), allowDeny()).optional() }).optional(),
  storage: z.strictObject({ default_project_parent: text().optional(), projectless_workspace_root: text().optional() }).optional(),
});
/** `headers`: name -> value; `tls`: certificate paths, other fields ignored. */
const otlpCommon = { endpoint: text(), headers: z.record(z.string(), text()).optional(), tls: z.looseObject({}).optional() };
const otlpVariants = z.record(z.string(), z.unknown()).superRefine((table, ctx) => {
  const names = Object.keys(table);
  if (names.length !== 1) {
    ctx.addIssue({ code: "custom", message: `an exporter table names exactly one exporter (otlp-http or otlp-grpc); this one has ${names.length}; Codex refuses to start`, params: { code: "otel-exporter" } });
    return;
  }
  const [name] = names;
  const schema =
    name === "otlp-http"
      ? z.looseObject({ ...otlpCommon, protocol: z.enum(["binary", "json"]) })
      : name === "otlp-grpc"
        ? z.looseObject(otlpCommon)
        : undefined;
  if (!schema) {
    ctx.addIssue({ code: "custom", path: [name], message: `\`${name}\` is not an exporter with settings ("otlp-http", "otlp-grpc"); Codex refuses to start`, params: { code: "otel-exporter" } });
    return;
  }
  const res = schema.safeParse(table[name]);
  if (!res.success) for (const issue of res.error.issues) ctx.addIssue({ ...issue, path: [name, ...issue.path] } as never);
});
/** "none" | "statsig" | { otlp-http = { endpoint, protocol, headers?, tls? } } | { otlp-grpc = { endpoint, headers?, tls? } } */
const otelExporter = z.union([z.enum(["none", "statsig"]), otlpVariants], {
  error: 'an exporter name ("none", "statsig") or a table { otlp-http = { endpoint, protocol } } / { otlp-grpc = { endpoint } }',
});
const nonzeroU64 = () => integer(1n, 18446744073709551615n, "a nonzero unsigned 64-bit integer");
const otelFor = (v: CodexVersionTraits) =>
  z.strictObject({
    ...(v.otelHeadersHelper ? { headers_helper: text().optional(), headers_helper_refresh_interval_ms: nonzeroU64().optional() } : {}),
    tool_result: z.looseObject({}).optional(),
    log_sse_deltas: bool().optional(),
    log_user_prompt: bool().optional(),
    log_agent_responses: bool().optional(),
    log_guardian_assessments: bool().optional(),
    environment: text().optional(),
    exporter: otelExporter.optional(),
    trace_exporter: otelExporter.optional(),
    metrics_exporter: otelExporter.optional(),
    span_attributes: z.record(z.string(), text()).optional(),
    tracestate: z.record(z.string(), z.record(z.string(), text())).optional(),
  });

// ---------- model providers ----------

/** Providers built into Codex: `model_provider` may name these without a table; `model_providers` may not redefine them. */
export const BUILTIN_MODEL_PROVIDERS = ["openai", "ollama", "lmstudio", "amazon-bedrock"] as const;
const modelProvider = z.looseObject({
  name: text().optional(),
  base_url: text().optional(),
  env_key: text().optional(),
  env_key_instructions: text().optional(),
  experimental_bearer_token: text().optional(),
  query_params: z.record(z.string(), text()).optional(),
  http_headers: z.record(z.string(), text()).optional(),
  env_http_headers: z.record(z.string(), text()).optional(),
  request_max_retries: u64().optional(),
  stream_max_retries: u64().optional(),
  stream_idle_timeout_ms: u64().optional(),
  requires_openai_auth: bool().optional(),
  supports_websockets: bool().optional(),
});

/** Codex refuses config-server URLs that are not plain HTTPS (no userinfo, no fragment; the base URL has no query). */
const httpsUrl = (field: string, allowQuery: boolean) =>
  text().superRefine((value, ctx) => {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    const bad = !url || url.protocol !== "https:" || url.username !== "" || url.password !== "" || url.hash !== "";
    if (bad)
      ctx.addIssue({ code: "custom", message: `\`${field}\` must be an https:// URL without user info or fragment; Codex refuses to start`, params: { code: "config-server-url" } });
    else if (!allowQuery && url!.search !== "")
      ctx.addIssue({ code: "custom", message: `\`${field}\` must not contain a query; Codex refuses to start`, params: { code: "config-server-url" } });
  });
const configServer = z.strictObject({
  base_url: httpsUrl("config_server.base_url", false),
  oauth: z
    .strictObject({
      authorization_url: httpsUrl("config_server.oauth.authorization_url", true),
      token_url: httpsUrl("config_server.oauth.token_url", true),
      device_authorization_url: httpsUrl("config_server.oauth.device_authorization_url", true).optional(),
      client_id: text(),
      resource: text().optional(),
      scopes: textList().optional(),
      redirect_port: u16()
        .refine((p) => p !== 0, { message: "`config_server.oauth.redirect_port` must not be 0; Codex refuses to start", params: { code: "range" } })
        .optional(),
    })
    .optional(),
});

// ---------- the whole file ----------

function shapeFor(v: CodexVersionTraits) {
  const networkRequirements = networkRequirementsFor(v);
  return {
  allowed_approval_policies: z.array(approvalPolicy).optional(),
  allowed_approvals_reviewers: z.array(reviewer).optional(),
  allowed_sandbox_modes: sandboxModes().optional(),
  allowed_permission_profiles: z.record(z.string(), bool()).optional(),
  default_permissions: text().optional(),
  remote_sandbox_config: z.array(z.object({ hostname_patterns: textList(), allowed_sandbox_modes: sandboxModes() })).optional(),
  allowed_web_search_modes: z.array(z.enum(WEB_SEARCH_MODES)).optional(),
  enforce_residency: z.enum(["us"]).optional(),
  features: z.record(z.string(), bool()).optional(),
  feature_requirements: z.record(z.string(), bool()).optional(),
  mcp_servers: mcpServers.optional(),
  plugins: z.record(z.string(), z.object({ mcp_servers: mcpServers.optional() })).optional(),
  marketplaces: marketplaces.optional(),
  apps: apps.optional(),
  rules: rules.optional(),
  hooks: hooks.optional(),
  allow_managed_hooks_only: bool().optional(),
  experimental_network: networkRequirements.optional(),
  network_proxy: networkRequirements.optional(),
  permissions: permissionsFor(networkRequirements).optional(),
  application: application.optional(),
  windows: z
    .object({
      allowed_sandbox_implementations: z.array(z.enum(["elevated", "unelevated"])).optional(),
      require_mxc: bool().optional(),
      allow_mxc: bool().optional(),
    })
    .optional(),
  computer_use: computerUse.optional(),
  browser_use: browserUse.optional(),
  // Codex reads no field of `in_app_browser` in these versions: anything inside loads.
  in_app_browser: z.looseObject({}).optional(),
  allow_browser_and_computer_use: bool().optional(),
  allow_appshots: bool().optional(),
  allow_remote_control: bool().optional(),
  auto_review: z.object({ required_on_models: textList().optional(), ignore_rules: textList().optional() }).optional(),
  models: z
    .object({
      new_thread: z
        .object({ model: text().optional(), model_reasoning_effort: text().optional(), service_tier: text().optional() })
        .optional(),
    })
    .optional(),
  additional_developer_instructions: text().optional(),
  guardian_policy_config: text().optional(),
  guardian_extra_policy: text().optional(),
  allowed_login_methods: z.array(z.enum(["chatgpt", "api"])).optional(),
  allowed_chatgpt_workspaces: textList().optional(),
  cli_auth_credentials_store: z.enum(["file", "keyring", "auto", "ephemeral"]).optional(),
  chatgpt_base_url: text().optional(),
  sqlite_home: text().optional(),
  log_dir: text().optional(),
  model_catalog_json: text().optional(),
  check_for_update_on_startup: bool().optional(),
  allow_login_shell: bool().optional(),
  feedback: z.object({ enabled: bool().optional() }).optional(),
  otel: otelFor(v).optional(),
  config_server: configServer.optional(),
  model_provider: text().optional(),
  model_providers: z.record(z.string(), modelProvider).optional(),
  unsafe_enforce_sqlite_journal_mode: bool().optional(),
  };
}

const structureFor = (v: CodexVersionTraits) => z.object(shapeFor(v));
type Structured = z.output<ReturnType<typeof structureFor>>;
type NetworkOut = z.output<ReturnType<typeof networkRequirementsFor>>;

type Ctx = z.core.$RefinementCtx<Structured>;
const fail = (ctx: Ctx, path: (string | number)[], code: string, message: string) =>
  ctx.addIssue({ code: "custom", path, message, params: { code } });

/** A slug Codex accepts in `auto_review.required_on_models`: non-empty, no surrounding whitespace, no `provider/`. */
export function isValidModelSlug(slug: string): boolean {
  return slug.length > 0 && rustTrim(slug) === slug && !slug.includes("/");
}

/** A regex Codex compiles: refused with the crate's own words, or not checked yet (browser engine still loading). */
function checkRegex(ctx: Ctx, path: (string | number)[], check: RegexCheck, code: string, what: string, consequence: string) {
  if (check.ok === "unchecked")
    fail(ctx, path, "regex-unchecked", `${what} is compiled by Codex with Rust's regex engine, which only the server runs; the server checks it`);
  else if (!check.ok) fail(ctx, path, code, `${what} is not a valid regular expression for Codex (${check.error}); ${consequence}`);
}

/** The checks Codex makes after deserializing (`ConstraintError`s, exec-policy, MCP, hooks, permission profiles). */
function codexRules(v: CodexVersionTraits, r: Structured, ctx: Ctx) {
  for (const key of ["allowed_approval_policies", "allowed_approvals_reviewers", "allowed_login_methods"] as const) {
    if (r[key]?.length === 0) fail(ctx, [key], "empty-list", `\`${key}\` cannot be empty; Codex refuses to start with an empty allowlist`);
  }
  if (r.windows?.allowed_sandbox_implementations?.length === 0)
    fail(ctx, ["windows", "allowed_sandbox_implementations"], "empty-list", "`windows.allowed_sandbox_implementations` cannot be empty; Codex refuses to start with an empty allowlist");

  const readOnly = (modes: readonly string[] | undefined, path: (string | number)[], what: string) => {
    if (modes && !modes.includes("read-only"))
      fail(ctx, path, "sandbox-read-only", `\`${what}\` must include "read-only"; Codex refuses to start without it`);
  };
  readOnly(r.allowed_sandbox_modes, ["allowed_sandbox_modes"], "allowed_sandbox_modes");
  // Codex checks the entry that matches the host; any entry without read-only bricks Codex on the hosts it matches.
  r.remote_sandbox_config?.forEach((entry, i) =>
    readOnly(entry.allowed_sandbox_modes, ["remote_sandbox_config", i, "allowed_sandbox_modes"], `remote_sandbox_config[${i}].allowed_sandbox_modes`),
  );

  // Network: one surface only, and never legacy lists beside the canonical tables.
  if (r.experimental_network && r.network_proxy)
    fail(ctx, ["network_proxy"], "network-duplicate", "`network_proxy` is another name for `experimental_network`; setting both makes Codex refuse to start");
  const permNetwork = r.permissions?.network;
  const topNetwork = r.experimental_network ?? r.network_proxy;
  if (permNetwork && topNetwork) {
    if (!v.networkBesidePermissions)
      fail(ctx, ["permissions", "network"], "network-surfaces", "network requirements are set both at the top level and in `[permissions.network]`; Codex refuses to start: use exactly one");
    else if (!sameNetworkPolicy(topNetwork, permNetwork as NetworkOut))
      fail(ctx, ["permissions", "network"], "network-surfaces", "`[permissions.network]` and the top-level network requirements must describe the same network policy (legacy lists count as `domains`/`unix_sockets`); Codex refuses to start");
  }
  const networks: [string[], unknown][] = [
    [["experimental_network"], r.experimental_network],
    [["network_proxy"], r.network_proxy],
    [["permissions", "network"], permNetwork],
  ];
  for (const [path, net] of networks) {
    const n = net as NetworkOut | undefined;
    if (!n) continue;
    if (n.domains && (n.allowed_domains || n.denied_domains))
      fail(ctx, [...path, n.allowed_domains ? "allowed_domains" : "denied_domains"], "network-legacy-mix", `\`${path.join(".")}.domains\` cannot be combined with the legacy \`allowed_domains\`/\`denied_domains\` lists (even empty ones); Codex refuses to start`);
    // The proxy takes exact hosts or scoped wildcards (`*.example.com`, `**.example.com`); a bare `*` is refused.
    const patterns: [(string | number)[], string][] = [
      ...Object.keys(n.domains ?? {}).map((d): [(string | number)[], string] => [[...path, "domains", d], d]),
      ...(["allowed_domains", "denied_domains"] as const).flatMap((k) => (n[k] ?? []).map((d, i): [(string | number)[], string] => [[...path, k, i], d])),
    ];
    for (const [at, d] of patterns)
      if (rustTrim(d) === "*")
        fail(ctx, at, "network-domain", `\`${path.join(".")}\` allows or denies every host with \`*\`; Codex accepts exact hosts or scoped wildcards like \`*.example.com\` and refuses to start`);
    if (n.unix_sockets && n.allow_unix_sockets)
      fail(ctx, [...path, "allow_unix_sockets"], "network-legacy-mix", `\`${path.join(".")}.unix_sockets\` cannot be combined with the legacy \`allow_unix_sockets\` list (even an empty one); Codex refuses to start`);
  }

  // The desktop app's network allowlist takes exact ASCII domain names only.
  // Names are compared lowercased without a trailing dot: two spellings of one name are refused.
  const appDomains = new Set<string>();
  for (const d of Object.keys(r.application?.network?.domains ?? {})) {
    const at = ["application", "network", "domains", d];
    if (!APP_DOMAIN.test(d)) {
      fail(ctx, at, "app-domain", `\`application.network.domains\` entry ${JSON.stringify(d)} is not an exact ASCII domain name (no URLs, ports or wildcards); Codex refuses to start`);
      continue;
    }
    const normal = d.toLowerCase().replace(/\.$/, "");
    if (appDomains.has(normal))
      fail(ctx, at, "app-domain", `\`application.network.domains\` names ${JSON.stringify(normal)} twice (names are compared lowercased, without a trailing dot); Codex refuses to start`);
    appDomains.add(normal);
  }

  // Exec-policy prefix rules.
  if (r.rules) {
    if (r.rules.prefix_rules.length === 0) fail(ctx, ["rules", "prefix_rules"], "prefix-rules-empty", "`rules.prefix_rules` cannot be empty; Codex refuses to start");
    r.rules.prefix_rules.forEach((rule, i) => {
      const at = ["rules", "prefix_rules", i];
      const name = `rules.prefix_rules[${i}]`;
      if (rule.pattern.length === 0) fail(ctx, [...at, "pattern"], "prefix-rule-pattern", `\`${name}.pattern\` cannot be empty; Codex refuses to start`);
      rule.pattern.forEach((tok, j) => {
        const tp = [...at, "pattern", j];
        if (tok.token !== undefined && tok.any_of !== undefined)
          fail(ctx, tp, "prefix-rule-token", `\`${name}.pattern[${j}]\` sets both \`token\` and \`any_of\`; set exactly one or Codex refuses to start`);
        else if (tok.token === undefined && tok.any_of === undefined)
          fail(ctx, tp, "prefix-rule-token", `\`${name}.pattern[${j}]\` needs \`token\` or \`any_of\`; Codex refuses to start`);
        else if (tok.token !== undefined && isRustBlank(tok.token))
          fail(ctx, [...tp, "token"], "prefix-rule-token", `\`${name}.pattern[${j}].token\` cannot be blank; Codex refuses to start`);
        else if (tok.any_of?.length === 0)
          fail(ctx, [...tp, "any_of"], "prefix-rule-token", `\`${name}.pattern[${j}].any_of\` cannot be empty; Codex refuses to start`);
        else if (tok.any_of?.some(isRustBlank))
          fail(ctx, [...tp, "any_of"], "prefix-rule-token", `\`${name}.pattern[${j}].any_of\` cannot contain blank tokens; Codex refuses to start`);
      });
      if (rule.decision === undefined) fail(ctx, at, "prefix-rule-decision", `\`${name}\` is missing \`decision\` ("prompt", "prompt-user" or "forbidden"); Codex refuses to start`);
      else if (rule.decision === "allow")
        fail(ctx, [...at, "decision"], "prefix-rule-allow", `\`${name}.decision = "allow"\` is not permitted in requirements (Codex keeps the most restrictive rule across sources, so it refuses to start); use "prompt" or "forbidden"`);
      if (rule.justification !== undefined && isRustBlank(rule.justification))
        fail(ctx, [...at, "justification"], "prefix-rule-justification", `\`${name}.justification\` cannot be blank; remove it or write a reason, Codex refuses to start`);
    });
  }

  // Managed hooks: Codex loads them when a session starts and refuses the whole file on a bad handler or matcher.
  if (r.hooks) {
    for (const event of HOOK_EVENTS) {
      r.hooks[event]?.forEach((group, g) => {
        const gp = ["hooks", event, g];
        // "*" matches every tool; Stop and UserPromptSubmit never look at their matcher.
        if (group.matcher !== undefined && group.matcher !== "*" && !MATCHERLESS_HOOK_EVENTS.includes(event))
          checkRegex(ctx, [...gp, "matcher"], checkRustRegex(group.matcher), "hook-matcher", `\`hooks.${event}[${g}].matcher\``, "Codex refuses to start a session");
        group.hooks.forEach((h, k) => {
          const hp = [...gp, "hooks", k];
          const name = `hooks.${event}[${g}].hooks[${k}]`;
          if (h.type === "prompt" || h.type === "agent")
            fail(ctx, [...hp, "type"], "hook-unsupported", `\`${name}\` is a "${h.type}" hook; Codex 0.169 does not support ${h.type} hooks yet and refuses to start a session`);
          else if (h.type === "command" && isRustBlank(h.command))
            fail(ctx, [...hp, "command"], "hook-command-empty", `\`${name}.command\` is empty; Codex refuses to start a session`);
        });
      });
    }
  }

  // MCP URL regex matchers are compiled at load time.
  const checkServers = (servers: z.output<typeof mcpServers> | undefined, base: string[]) => {
    for (const [name, server] of Object.entries(servers ?? {})) {
      const url = "url" in server.identity ? server.identity.url : undefined;
      if (url && typeof url === "object" && url.match === "regex") {
        checkRegex(ctx, [...base, name, "identity", "url", "expression"], checkRegexLite(url.expression), "mcp-regex", `the url regex of MCP server \`${name}\``, "Codex compiles it with regex_lite and refuses to start");
      }
    }
  };
  checkServers(r.mcp_servers, ["mcp_servers"]);
  for (const [plugin, p] of Object.entries(r.plugins ?? {})) checkServers(p.mcp_servers, ["plugins", plugin, "mcp_servers"]);

  r.auto_review?.required_on_models?.forEach((slug, i) => {
    if (!isValidModelSlug(slug))
      fail(ctx, ["auto_review", "required_on_models", i], "model-slug", `\`auto_review.required_on_models[${i}]\` = ${JSON.stringify(slug)} must be a bare model slug: not empty, no surrounding spaces, no "provider/" prefix; Codex refuses to start`);
  });

  const adi = r.additional_developer_instructions;
  if (adi !== undefined) {
    const bytes = Buffer.byteLength(adi, "utf8");
    if (bytes > DEVELOPER_INSTRUCTIONS_MAX_BYTES) {
      const tokens = Math.ceil((bytes + DEVELOPER_INSTRUCTIONS_MARKER_BYTES) / 4);
      fail(ctx, ["additional_developer_instructions"], "instructions-too-long", `\`additional_developer_instructions\` is ${bytes} bytes (~${tokens} estimated tokens); Codex caps it at ${DEVELOPER_INSTRUCTIONS_TOKEN_CAP} tokens (${DEVELOPER_INSTRUCTIONS_MAX_BYTES} bytes) and refuses to start`);
    }
  }

  if (r.features && r.feature_requirements)
    fail(ctx, ["feature_requirements"], "duplicate-alias", "`feature_requirements` is another name for `features`; setting both makes Codex refuse to start (duplicate field)");

  modelProviderRules(r, ctx);
  permissionRules(r, ctx);
}

/** Legacy lists folded into the canonical tables (empty lists are unset), then compared field by field. */
function sameNetworkPolicy(a: NetworkOut, b: NetworkOut): boolean {
  const canonical = (n: NetworkOut) => {
    const { allowed_domains, denied_domains, allow_unix_sockets, ...rest } = n as NetworkOut & Record<string, unknown>;
    const domains: Record<string, string> = { ...(n.domains ?? {}) };
    for (const d of allowed_domains ?? []) domains[d] = "allow";
    for (const d of denied_domains ?? []) domains[d] = "deny";
    const sockets: Record<string, string> = { ...(n.unix_sockets ?? {}) };
    for (const p of allow_unix_sockets ?? []) sockets[p] = "allow";
    const out: Record<string, unknown> = { ...rest, domains: Object.keys(domains).length ? domains : undefined, unix_sockets: Object.keys(sockets).length ? sockets : undefined };
    return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
  };
  return stableJson(canonical(a)) === stableJson(canonical(b));
}

const stableJson = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    typeof x === "bigint" ? Number(x) : x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : 1))) : x,
  );

/** `model_provider` must name a built-in or a `[model_providers.<id>]`; those need a name and may not redefine a built-in. */
function modelProviderRules(r: Structured, ctx: Ctx) {
  const defined = Object.keys(r.model_providers ?? {});
  const reserved = defined.filter((id) => (BUILTIN_MODEL_PROVIDERS as readonly string[]).includes(id));
  for (const id of reserved)
    fail(ctx, ["model_providers", id], "model-provider-reserved", `\`model_providers.${id}\` redefines a provider built into Codex (${BUILTIN_MODEL_PROVIDERS.join(", ")}); rename it, Codex refuses to start`);
  for (const [id, p] of Object.entries(r.model_providers ?? {})) {
    if (p.name === undefined || isRustBlank(p.name))
      fail(ctx, ["model_providers", id, "name"], "model-provider-name", `\`model_providers.${id}.name\` must be set and not blank; Codex refuses to start`);
  }
  const chosen = r.model_provider;
  if (chosen !== undefined && !defined.includes(chosen) && !(BUILTIN_MODEL_PROVIDERS as readonly string[]).includes(chosen))
    fail(ctx, ["model_provider"], "model-provider-unknown", `\`model_provider = ${JSON.stringify(chosen)}\` is neither built into Codex (${BUILTIN_MODEL_PROVIDERS.join(", ")}) nor defined under \`[model_providers]\`; Codex refuses to start`);
}

/** Permission profiles: a default must exist, be allowed, and every allowed or extended profile must be defined. */
function permissionRules(r: Structured, ctx: Ctx) {
  const defined = new Set<string>(BUILTIN_PROFILES);
  const profiles: [string, z.output<typeof permissionProfile>][] = [];
  for (const [name, value] of Object.entries(r.permissions ?? {})) {
    if (name === "filesystem" || name === "network") continue;
    if (name.startsWith(":"))
      fail(ctx, ["permissions", name], "reserved-profile", `permission profile \`${name}\` uses the prefix \`:\` reserved for built-in profiles; rename it, Codex refuses to start`);
    defined.add(name);
    profiles.push([name, value as z.output<typeof permissionProfile>]);
  }
  const allowed = r.allowed_permission_profiles;
  const dflt = r.default_permissions;
  if (dflt !== undefined) loadedProfileRules(dflt, profiles, ctx);
  if (profiles.length > 0 && dflt === undefined)
    fail(ctx, ["permissions", profiles[0][0]], "profiles-need-default", "`[permissions]` defines profiles but `default_permissions` is not set; Codex refuses to start unless the user's config sets it");
  if (dflt !== undefined && allowed === undefined)
    fail(ctx, ["default_permissions"], "default-needs-allowlist", "`default_permissions` requires `allowed_permission_profiles`; Codex refuses to start without it");
  if (allowed) {
    for (const name of Object.keys(allowed)) {
      if (!defined.has(name))
        fail(ctx, ["allowed_permission_profiles", name], "undefined-profile", `\`allowed_permission_profiles\` names \`${name}\`, which is neither a \`[permissions.${name}]\` table nor a built-in profile (${BUILTIN_PROFILES.join(", ")}); Codex refuses to start`);
    }
    if (dflt !== undefined && allowed[dflt] !== true)
      fail(ctx, ["default_permissions"], "default-not-allowed", `\`default_permissions = "${dflt}"\` must be allowed (set to true) in \`allowed_permission_profiles\`; Codex refuses to start`);
    if (dflt === undefined && !(allowed[":workspace"] === true && allowed[":read-only"] === true))
      fail(ctx, ["allowed_permission_profiles"], "default-needed", '`default_permissions` must be set unless `allowed_permission_profiles` allows both ":workspace" and ":read-only"; Codex refuses to start');
  }
  for (const [name, profile] of profiles) {
    if (profile.extends === undefined) continue;
    if (!defined.has(profile.extends)) {
      fail(ctx, ["permissions", name, "extends"], "undefined-profile", `profile \`${name}\` extends \`${profile.extends}\`, which is not defined; Codex refuses to start`);
      continue;
    }
    // Follow the chain to catch cycles (`a` extends `b` extends `a`).
    const seen = [name];
    let next: string | undefined = profile.extends;
    while (next !== undefined && !next.startsWith(":")) {
      if (seen.includes(next)) {
        fail(ctx, ["permissions", name, "extends"], "profile-cycle", `permission profiles extend each other in a cycle (${[...seen, next].join(" -> ")}); Codex refuses to start`);
        break;
      }
      seen.push(next);
      next = profiles.find(([n]) => n === next)?.[1].extends;
    }
  }
}

const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
/** An exact ASCII domain name: letter/digit labels with inner hyphens, an optional trailing dot. */
const APP_DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);

/** Built-in profiles a managed profile may extend (`:danger-full-access` may not be extended). */
export const EXTENDABLE_BUILTIN_PROFILES = [":read-only", ":workspace"] as const;

/**
 * Codex resolves the profile it loads (the default and what it extends) and refuses it when a filesystem path is not
 * absolute, `~`, `~/…` or a `:special` path, when a scoped sub-path is absolute or has `.`/`..` parts, or when it
 * extends a built-in that cannot be extended. Profiles it does not load are not checked.
 */
function loadedProfileRules(dflt: string, profiles: [string, z.output<typeof permissionProfile>][], ctx: Ctx) {
  const seen = new Set<string>();
  let name: string | undefined = dflt;
  while (name !== undefined && !seen.has(name)) {
    seen.add(name);
    const profile = profiles.find(([n]) => n === name)?.[1];
    // Profiles are checked field by field elsewhere; a wrongly typed one is already an error there.
    if (!profile || typeof profile !== "object") return;
    const fs = profile.filesystem && typeof profile.filesystem === "object" ? profile.filesystem : {};
    for (const [path, access] of Object.entries(fs)) {
      const at = ["permissions", name, "filesystem", path];
      if (!(path.startsWith("/") || path === "~" || path.startsWith("~/") || path.startsWith(":")))
        fail(ctx, at, "profile-path", `filesystem path \`${path}\` of profile \`${name}\` must be absolute, \`~/…\` or a \`:special\` path; Codex refuses to start`);
      if (access && typeof access === "object")
        for (const sub of Object.keys(access)) {
          const parts = sub.split(/[\\/]/);
          if (sub.startsWith("/") || parts.some((p) => p === "." || p === ".."))
            fail(ctx, [...at, sub], "profile-path", `filesystem sub-path \`${sub}\` of profile \`${name}\` must be a descendant path without \`.\` or \`..\` parts; Codex refuses to start`);
        }
    }
    const ext: unknown = profile.extends;
    if (typeof ext !== "string") return;
    if (ext.startsWith(":") && !(EXTENDABLE_BUILTIN_PROFILES as readonly string[]).includes(ext))
      fail(ctx, ["permissions", name, "extends"], "profile-extends", `profile \`${name}\` cannot extend the built-in profile \`${ext}\` (only ${EXTENDABLE_BUILTIN_PROFILES.join(", ")}); Codex refuses to start`);
    name = ext;
  }
}

/** Normalized as Codex uses it: aliases resolved, a blank `guardian_policy_config` unset, empty `features` unset. */
function normalize(r: Structured) {
  const { feature_requirements, network_proxy, ...rest } = r;
  const features = r.features ?? feature_requirements;
  const policy = r.guardian_policy_config;
  return {
    ...rest,
    features: features && Object.keys(features).length > 0 ? features : undefined,
    experimental_network: r.experimental_network ?? network_proxy,
    guardian_policy_config: policy !== undefined && isRustBlank(policy) ? undefined : policy,
  };
}

function buildSchemas(v: CodexVersionTraits) {
  const structure = structureFor(v);
  const networkRequirements = networkRequirementsFor(v);
  return {
    /** Structure only: what serde accepts or refuses while deserializing (the unknown-key walker reads it). */
    structure,
    /** The permission schemas as the unknown-key walker should see them, per reserved name. */
    permissionsChildren: { filesystem: filesystemRequirements, network: networkRequirements, profile: permissionProfile },
    /** Structure, then Codex's rules, then the normalized form Codex uses. */
    schema: structure.superRefine((r, ctx) => codexRules(v, r, ctx)).transform(normalize),
  };
}
export type VersionSchemas = ReturnType<typeof buildSchemas>;

const schemasByVersion = new Map<string, VersionSchemas>();
/** The schemas of one known Codex version (built once per version). */
export function schemasFor(version: string = CODEX_VERSION): VersionSchemas {
  let found = schemasByVersion.get(version);
  if (!found) {
    found = buildSchemas(codexVersion(version));
    schemasByVersion.set(version, found);
  }
  return found;
}

/** The newest known version's schema. */
export const requirementsSchema = schemasFor().schema;
export type Requirements = z.output<typeof requirementsSchema>;
