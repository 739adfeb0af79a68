/**
 * Requirements files with the verdict each known Codex version gives them (`valid` = Codex loads the file and starts;
 * `byVersion` where a version decides otherwise). Shared by the unit test (our engine must agree for every version)
 * and scripts/codex-oracle.ts (the real binaries must agree). One behaviour per vector; `expect` names the diagnostic
 * that proves the engine saw the right thing (checked for the versions whose verdict is `valid`).
 */
import { KNOWN_CODEX_VERSIONS } from "../../../lib/requirements/versions";
import { wrongTypeVectors } from "./wrong-types";

export interface Vector {
  name: string;
  toml: string;
  /** The file's bytes when they are not UTF-8 text (the oracle writes these; the engine decodes them). */
  bytes?: Uint8Array;
  valid: boolean;
  /** Versions whose verdict differs from `valid`. */
  byVersion?: Record<string, boolean>;
  /**
   * Charter refuses the file by its own limit (lib/requirements/limits.ts) before Codex's rules apply: `valid` stays
   * Codex's verdict (the oracle checks it), the engine reports the limit.
   */
  charterLimit?: "depth" | "bytes" | "keyLength" | "keys";
  expect?: { code: string; path?: string; severity?: "error" | "warning" | "info" };
  /** Hook handlers are checked when a session starts: the oracle also runs `codex debug prompt-input`. */
  hooks?: boolean;
  /** Codex's verdict depends on the host name (remote_sandbox_config); the oracle reports these apart. */
  hostDependent?: string;
}

const v = (name: string, toml: string, valid: boolean, expect?: Vector["expect"], extra: Partial<Vector> = {}): Vector => ({
  name,
  toml,
  valid,
  ...(expect ? { expect } : {}),
  ...extra,
});
/** The verdict `version` gives the vector. */
export const verdictFor = (vec: Vector, version: string): boolean => vec.byVersion?.[version] ?? vec.valid;
export { KNOWN_CODEX_VERSIONS };

const err = (code = "range", path?: string) => ({ code, ...(path !== undefined ? { path } : {}), severity: "error" as const });
const warn = (code: string, path?: string) => ({ code, ...(path !== undefined ? { path } : {}), severity: "warning" as const });
const info = (code: string, path?: string) => ({ code, ...(path !== undefined ? { path } : {}), severity: "info" as const });

const PREFIX = (body: string) => `[[rules.prefix_rules]]\n${body}\n`;
const HOOK = (handler: string, matcher = "") =>
  `[[hooks.PreToolUse]]\n${matcher ? `matcher = ${JSON.stringify(matcher)}\n` : ""}[[hooks.PreToolUse.hooks]]\n${handler}\n`;
const PROFILES = 'default_permissions = "dev"\nallowed_permission_profiles = { dev = true }\n';
const HEADER = '[[experimental_network.header_injections]]\nhost = "api.example.com"\n';

export const vectors: Vector[] = [
  // ----- TOML syntax and dialect -----
  v("empty file loads", "", true),
  v("comment-only file loads", "# managed by Charter\n", true),
  v("missing comma in array is a syntax error", 'allowed_sandbox_modes = ["read-only" "workspace-write"]', false, err("toml-syntax")),
  v("unterminated string is a syntax error", 'guardian_policy_config = "open', false, err("toml-syntax")),
  v("duplicate key is a syntax error", "allow_login_shell = true\nallow_login_shell = false", false, err("toml-syntax")),
  v("BOM at start loads", '\uFEFFallowed_sandbox_modes = ["read-only"]\n', true),
  v("CRLF line endings load", 'allowed_sandbox_modes = ["read-only"]\r\nallow_login_shell = true\r\n', true),
  v("TOML 1.1 \\e escape loads", 'guardian_policy_config = "bell\\e"', true),
  v("TOML 1.1 \\xHH escape loads", 'guardian_policy_config = "\\x41"', true),
  v("TOML 1.1 multi-line inline table with trailing comma loads", 'feedback = {\n  enabled = true,\n}', true),
  v("TOML 1.1 time without seconds where text is expected loads", "guardian_extra_policy = 07:32", true),
  v("date where a string is expected loads as text", "default_permissions = 2026-01-01\nallowed_permission_profiles = { \"2026-01-01\" = true }\n[permissions.\"2026-01-01\"]\n", true),
  v("date where an enum is expected is refused", "enforce_residency = 2026-01-01", false, err("enum", "enforce_residency")),
  v("Windows path in a basic string is refused (\\U escape)", 'log_dir = "C:\\Users\\codex"', false, err("toml-syntax")),
  v("Windows path in a literal string loads", "log_dir = 'C:\\Users\\codex'", true),

  // ----- unknown keys -----
  v("unknown top-level key is ignored", "fancy_new_thing = 1", true, warn("unknown-key", "fancy_new_thing")),
  v("misspelled top-level key is ignored", 'allowed_sandbox_mode = ["workspace-write"]', true, warn("unknown-key", "allowed_sandbox_mode")),
  v("old allowed_permissions allowlist is ignored", 'allowed_permissions = ["x"]', true, warn("unknown-key", "allowed_permissions")),
  v("legacy approval_policy key is ignored in requirements", 'approval_policy = "never"', true, warn("unknown-key", "approval_policy")),
  v("windows.sandbox_private_desktop no longer exists", "[windows]\nsandbox_private_desktop = true", true, warn("unknown-key", "windows.sandbox_private_desktop")),
  v("unknown field in a prefix rule is ignored", PREFIX('pattern = [{ token = "git" }]\ndecision = "prompt"\nnote = "x"'), true, warn("unknown-key", "rules.prefix_rules[0].note")),
  v("prefix rule reviewer field is ignored", PREFIX('pattern = [{ token = "git" }]\ndecision = "prompt"\nreviewer = "auto_review"'), true, warn("unknown-key", "rules.prefix_rules[0].reviewer")),
  v("unknown field in granular is ignored", 'allowed_approval_policies = [{ granular = { sandbox_approval = true, rules = true, mcp_elicitations = false, extra = 1 } }]', true, warn("unknown-key")),
  v("unknown hook event is ignored", '[[hooks.Notification]]\nhooks = []', true, warn("unknown-key", "hooks.Notification"), { hooks: true }),
  v("unknown field in a hook handler is ignored", HOOK('type = "command"\ncommand = "echo hi"\nretries = 2'), true, warn("unknown-key"), { hooks: true }),
  v("hook timeout_sec is ignored (the field is timeout)", HOOK('type = "command"\ncommand = "echo hi"\ntimeout_sec = "5"'), true, warn("unknown-key"), { hooks: true }),
  v("unknown field in an app is ignored", "[apps.drive]\nenabled = true\nlabel = 1", true, warn("unknown-key", "apps.drive.label")),
  v("unknown field in computer_use is ignored", "[computer_use]\nsomething = 1", true),
  v("unknown field in browser_use is ignored", "[browser_use]\nsomething = 1", true),
  v("unknown field in experimental_network is ignored", "[experimental_network]\nmitm = 1", true, warn("unknown-key")),
  v("unknown feature name is accepted", "[features]\nno_such_feature = true", true),
  v("unknown field in [otel] is refused", "[otel]\nendpoint = 1", false, err("unknown-field", "otel.endpoint")),
  v("unknown field in [application] is refused", "[application]\nmarketplaces = 1", false, err("unknown-field", "application.marketplaces")),
  v("unknown field in [application.network] is refused", "[application.network]\nports = 1", false, err("unknown-field")),
  v("unknown field in [application.storage] is refused", "[application.storage]\nroot = 1", false, err("unknown-field")),
  v("unknown field in [marketplaces] is refused", "[marketplaces]\nallow_all = true", false, err("unknown-field", "marketplaces.allow_all")),
  v("unknown field in a marketplace source is refused", '[marketplaces.allowed_sources.corp]\nsource = "git"\nbranch = "main"', false, err("unknown-field")),
  v("unknown field in analytics_result_source is refused", '[apps.a.tools.t]\nanalytics_result_source = { format = "detailed_message_search_v1", type = "x", extra = 1 }', false, err("unknown-field")),
  v("unknown field in [config_server] is refused", "[config_server]\nurl = 1", false, err("unknown-field")),

  // ----- allowed_approval_policies -----
  v("approval policies with all four strings load", 'allowed_approval_policies = ["untrusted", "on-failure", "on-request", "never"]', true, info("first-is-default")),
  v("empty allowed_approval_policies is refused", "allowed_approval_policies = []", false, err("empty-list", "allowed_approval_policies")),
  v("unknown approval policy string is refused", 'allowed_approval_policies = ["always"]', false, err("enum", "allowed_approval_policies[0]")),
  v("approval policy with wrong case is refused", 'allowed_approval_policies = ["Never"]', false, err("enum")),
  v("approval policies as a string is refused", 'allowed_approval_policies = "never"', false, err("type", "allowed_approval_policies")),
  v("approval policy as integer is refused", "allowed_approval_policies = [1]", false, err("type")),
  v("bare granular string is refused", 'allowed_approval_policies = ["granular"]', false, err("enum")),
  v("complete granular policy loads", 'allowed_approval_policies = [{ granular = { sandbox_approval = true, rules = true, mcp_elicitations = false } }]', true),
  v("granular with optional fields loads", 'allowed_approval_policies = [{ granular = { sandbox_approval = true, rules = false, mcp_elicitations = true, skill_approval = true, request_permissions = false } }]', true),
  v("granular missing mcp_elicitations is refused", 'allowed_approval_policies = [{ granular = { sandbox_approval = true, rules = true } }]', false, err("missing-field")),
  v("granular missing sandbox_approval is refused", 'allowed_approval_policies = [{ granular = { rules = true, mcp_elicitations = true } }]', false, err("missing-field")),
  v("granular with a non-boolean flag is refused", 'allowed_approval_policies = [{ granular = { sandbox_approval = "yes", rules = true, mcp_elicitations = true } }]', false, err("type")),
  v("granular skill_approval wrong type is refused", 'allowed_approval_policies = [{ granular = { sandbox_approval = true, rules = true, mcp_elicitations = false, skill_approval = 1 } }]', false, err("type")),
  v("unknown policy table is refused", "allowed_approval_policies = [{ bogus = {} }]", false, err("unknown-field")),
  v("granular table with an extra key beside it is refused", 'allowed_approval_policies = [{ granular = { sandbox_approval = true, rules = true, mcp_elicitations = false }, extra = 1 }]', false, err("unknown-field")),

  // ----- allowed_approvals_reviewers -----
  v("reviewers user and auto_review load", 'allowed_approvals_reviewers = ["user", "auto_review"]', true, info("first-is-default", "allowed_approvals_reviewers")),
  v("legacy guardian_subagent reviewer alias loads", 'allowed_approvals_reviewers = ["guardian_subagent", "user"]', true),
  v("empty reviewers list is refused", "allowed_approvals_reviewers = []", false, err("empty-list", "allowed_approvals_reviewers")),
  v("reviewer with capital letter is refused", 'allowed_approvals_reviewers = ["User"]', false, err("enum", "allowed_approvals_reviewers[0]")),
  v("reviewer typo is refused", 'allowed_approvals_reviewers = ["autoreview"]', false, err("enum")),
  v("reviewers without user load but lose the human fallback", 'allowed_approvals_reviewers = ["auto_review"]', true, warn("reviewer-no-user", "allowed_approvals_reviewers")),

  // ----- allowed_sandbox_modes and remote_sandbox_config -----
  v("sandbox modes with read-only load", 'allowed_sandbox_modes = ["read-only", "workspace-write"]', true),
  v("every sandbox mode loads", 'allowed_sandbox_modes = ["read-only", "workspace-write", "danger-full-access", "external-sandbox"]', true),
  v("sandbox modes without read-only are refused", 'allowed_sandbox_modes = ["workspace-write"]', false, err("sandbox-read-only", "allowed_sandbox_modes")),
  v("empty sandbox modes are refused", "allowed_sandbox_modes = []", false, err("sandbox-read-only")),
  v("unknown sandbox mode is refused", 'allowed_sandbox_modes = ["read-only", "full-access"]', false, err("enum", "allowed_sandbox_modes[1]")),
  v("sandbox mode with underscore is refused", 'allowed_sandbox_modes = ["read_only"]', false, err("enum")),
  v("remote sandbox entry with read-only loads", '[[remote_sandbox_config]]\nhostname_patterns = ["*.corp.example"]\nallowed_sandbox_modes = ["read-only", "workspace-write"]', true),
  v("remote sandbox entry matching every host without read-only is refused", '[[remote_sandbox_config]]\nhostname_patterns = ["*"]\nallowed_sandbox_modes = ["workspace-write"]', false, err("sandbox-read-only", "remote_sandbox_config[0].allowed_sandbox_modes")),
  v("remote sandbox entry for other hosts without read-only bricks those hosts", '[[remote_sandbox_config]]\nhostname_patterns = ["build-*.corp.example"]\nallowed_sandbox_modes = ["workspace-write"]', false, err("sandbox-read-only"), { hostDependent: "Codex refuses it only on hosts matching build-*.corp.example" }),
  v("remote sandbox entry without hostname_patterns is refused", '[[remote_sandbox_config]]\nallowed_sandbox_modes = ["read-only"]', false, err("missing-field")),
  v("remote sandbox with empty pattern list loads", '[[remote_sandbox_config]]\nhostname_patterns = []\nallowed_sandbox_modes = ["read-only"]', true),
  v("remote sandbox unknown mode is refused", '[[remote_sandbox_config]]\nhostname_patterns = ["*"]\nallowed_sandbox_modes = ["read-only", "bogus"]', false, err("enum")),

  // ----- web search, residency, login, auth -----
  v("web search modes load", 'allowed_web_search_modes = ["cached", "indexed", "live"]', true),
  v("empty web search modes load (disabled is always allowed)", "allowed_web_search_modes = []", true),
  v("unknown web search mode is refused", 'allowed_web_search_modes = ["offline"]', false, err("enum")),
  v("residency us loads", 'enforce_residency = "us"', true),
  v("residency eu is refused", 'enforce_residency = "eu"', false, err("enum", "enforce_residency")),
  v("residency uppercase is refused", 'enforce_residency = "US"', false, err("enum")),
  v("login methods load", 'allowed_login_methods = ["chatgpt"]', true, info("local-only", "allowed_login_methods")),
  v("empty login methods are refused", "allowed_login_methods = []", false, err("empty-list", "allowed_login_methods")),
  v("unknown login method is refused", 'allowed_login_methods = ["apikey"]', false, err("enum")),
  v("chatgpt workspaces load", 'allowed_chatgpt_workspaces = ["ws-123"]', true),
  v("empty chatgpt workspaces load", "allowed_chatgpt_workspaces = []", true),
  v("chatgpt workspace as integer is refused", "allowed_chatgpt_workspaces = [123]", false, err("type")),
  v("credentials store keyring loads", 'cli_auth_credentials_store = "keyring"', true),
  v("unknown credentials store is refused", 'cli_auth_credentials_store = "vault"', false, err("enum")),
  v("chatgpt_base_url as string loads", 'chatgpt_base_url = "https://chatgpt.example"', true),
  v("chatgpt_base_url as boolean is refused", "chatgpt_base_url = true", false, err("type")),

  // ----- scalar overrides -----
  v("path overrides load", 'sqlite_home = "/var/lib/codex"\nlog_dir = "logs"', true),
  v("model catalog path loads where the file exists", 'model_catalog_json = "/etc/codex/models.json"', true, warn("file-must-exist", "model_catalog_json"), { hostDependent: "Codex reads the file at startup; the oracle host has none" }),
  v("sqlite_home as integer is refused", "sqlite_home = 1", false, err("type", "sqlite_home")),
  v("boolean overrides load", "check_for_update_on_startup = false\nallow_login_shell = false\nallow_managed_hooks_only = true", true),
  v("boolean override as string is refused", 'check_for_update_on_startup = "false"', false, err("type")),
  v("allow_login_shell as integer is refused", "allow_login_shell = 0", false, err("type")),
  v("browser and remote-control switches load", "allow_browser_and_computer_use = false\nallow_appshots = false\nallow_remote_control = false", true),
  v("allow_appshots as string is refused", 'allow_appshots = "no"', false, err("type")),
  v("feedback table loads", "[feedback]\nenabled = false", true),
  v("feedback enabled as string is refused", '[feedback]\nenabled = "no"', false, err("type", "feedback.enabled")),
  v("feedback as boolean is refused", "feedback = false", false, err("type", "feedback")),

  // ----- guardian policy and instructions -----
  v("guardian policy multi-line string loads", 'allowed_approvals_reviewers = ["user", "auto_review"]\nguardian_policy_config = """\n## Tenant rules\n- Never push to main.\n"""', true),
  v("blank guardian policy loads as unset", 'guardian_policy_config = "   \\n  "', true, info("policy-blank", "guardian_policy_config")),
  v("guardian policy as array is refused", 'guardian_policy_config = ["a"]', false, err("type")),
  v("guardian policy unused when auto_review is not allowed", 'allowed_approvals_reviewers = ["user"]\nguardian_policy_config = "Deny pushes."', true, warn("policy-unused", "guardian_policy_config")),
  v("guardian_extra_policy loads", 'guardian_extra_policy = "Also deny curl | sh."', true),
  v("guardian_extra_policy as integer is refused", "guardian_extra_policy = 1", false, err("type")),
  v(`very long guardian policy loads but warns (no cap in Codex)`, `guardian_policy_config = """\n${"Deny anything risky. ".repeat(2500)}\n"""`, true, warn("policy-size", "guardian_policy_config")),
  v("developer instructions load", 'additional_developer_instructions = "Follow the team style guide."', true),
  v("developer instructions at the byte cap load", `additional_developer_instructions = "${"a".repeat(39831)}"`, true),
  v("developer instructions one byte over the cap are refused", `additional_developer_instructions = "${"a".repeat(39832)}"`, false, err("instructions-too-long")),
  v("developer instructions cap counts multi-byte characters by bytes", `additional_developer_instructions = "${"é".repeat(19916)}"`, false, err("instructions-too-long")),
  v("developer instructions as table is refused", "[additional_developer_instructions]\ntext = 1", false, err("type")),

  // ----- features -----
  v("features table of booleans loads", "[features]\nweb_search_request = false\nunified_exec = true", true),
  v("feature_requirements alias loads", "[feature_requirements]\nweb_search_request = false", true),
  v("features and feature_requirements together are refused", "features = { a = true }\nfeature_requirements = { b = true }", false, err("duplicate-alias")),
  v("feature value as string is refused", '[features]\nweb_search_request = "off"', false, err("type")),
  v("empty features table loads", "features = {}", true),

  // ----- MCP servers and plugins -----
  v("MCP command identity loads", '[mcp_servers.docs.identity]\ncommand = "docs-mcp"', true),
  v("MCP url identity loads", '[mcp_servers.tracker.identity]\nurl = "https://mcp.example.com/mcp"', true),
  v("MCP identity with both command and url loads", '[mcp_servers.x.identity]\ncommand = "x"\nurl = "https://x.example"', true),
  v("MCP identity with empty command loads", '[mcp_servers.x.identity]\ncommand = ""', true),
  v("MCP identity with neither command nor url is refused", '[mcp_servers.x.identity]\nname = "x"', false, err("type", "mcp_servers.x.identity")),
  v("MCP server without identity is refused", "[mcp_servers.x]\nenabled = true", false, err("missing-field")),
  v("MCP command as integer is refused", "[mcp_servers.x.identity]\ncommand = 1", false, err("type")),
  v("empty mcp_servers table loads (disables all)", "mcp_servers = {}", true),
  v("MCP command identity with arg matchers loads", '[mcp_servers.x.identity]\ncommand = "npx"\nargs = ["-y", { match = "prefix", value = "@corp/" }]', true),
  v("MCP url regex matcher loads", '[mcp_servers.x.identity]\nurl = { match = "regex", expression = "https://[a-z]+\\\\.corp\\\\.example/mcp" }', true),
  v("MCP url regex that does not compile is refused", '[mcp_servers.x.identity]\nurl = { match = "regex", expression = "(" }', false, err("mcp-regex")),
  v("MCP matcher with unknown field is refused", '[mcp_servers.x.identity]\nurl = { match = "prefix", value = "https://", extra = 1 }', false, err("unknown-field")),
  v("MCP command as a matcher table is refused", '[mcp_servers.x.identity]\ncommand = { match = "exact", value = "x" }', false, err("type")),
  v("plugin MCP allowlist loads", '[plugins.corp.mcp_servers.docs.identity]\nurl = "https://docs.example/mcp"', true),
  v("plugin MCP identity as integer is refused", "[plugins.corp.mcp_servers.docs]\nidentity = 1", false, err("type")),

  // ----- apps -----
  v("app enabled flag loads", "[apps.drive]\nenabled = false", true),
  v("app enabled as integer is refused", "[apps.drive]\nenabled = 1", false, err("type", "apps.drive.enabled")),
  v("app tool approval mode writes loads", '[apps.drive.tools."files/delete"]\napproval_mode = "writes"', true),
  v("unknown app tool approval mode is refused", '[apps.drive.tools.search]\napproval_mode = "ask"', false, err("enum")),
  v("analytics_result_source with format and type loads", '[apps.a.tools.t]\nanalytics_result_source = { format = "detailed_message_search_v1", type = "email" }', true),
  v("analytics_result_source missing type is refused", '[apps.a.tools.t]\nanalytics_result_source = { format = "detailed_message_search_v1" }', false, err("missing-field")),

  // ----- marketplaces -----
  v("marketplace allowlist loads", '[marketplaces]\nrestrict_to_allowed_sources = true\n[marketplaces.allowed_sources.corp]\nsource = "git"\nurl = "https://git.example/plugins.git"\nref = "main"', true),
  v("marketplace restrict flag as integer is refused", "[marketplaces]\nrestrict_to_allowed_sources = 1", false, err("type")),
  v("unknown marketplace source kind is refused", '[marketplaces.allowed_sources.corp]\nsource = "svn"', false, err("enum")),

  // ----- rules.prefix_rules -----
  v("prompt prefix rule loads", PREFIX('pattern = [{ token = "git" }, { any_of = ["push", "fetch"] }]\ndecision = "prompt"\njustification = "Pushes need a human."'), true),
  v("forbidden prefix rule loads", PREFIX('pattern = [{ token = "rm" }]\ndecision = "forbidden"'), true),
  v("prompt-user decision loads", PREFIX('pattern = [{ token = "git" }]\ndecision = "prompt-user"'), true),
  v("allow decision is refused", PREFIX('pattern = [{ token = "git" }]\ndecision = "allow"'), false, err("prefix-rule-allow", "rules.prefix_rules[0].decision")),
  v("unknown decision is refused", PREFIX('pattern = [{ token = "git" }]\ndecision = "deny"'), false, err("enum", "rules.prefix_rules[0].decision")),
  v("missing decision is refused", PREFIX('pattern = [{ token = "git" }]'), false, err("prefix-rule-decision", "rules.prefix_rules[0]")),
  v("empty pattern is refused", PREFIX('pattern = []\ndecision = "prompt"'), false, err("prefix-rule-pattern")),
  v("token and any_of together are refused", PREFIX('pattern = [{ token = "git", any_of = ["a"] }]\ndecision = "prompt"'), false, err("prefix-rule-token")),
  v("pattern token with neither token nor any_of is refused", PREFIX('pattern = [{}]\ndecision = "prompt"'), false, err("prefix-rule-token")),
  v("blank token is refused", PREFIX('pattern = [{ token = " " }]\ndecision = "prompt"'), false, err("prefix-rule-token")),
  v("empty any_of is refused", PREFIX('pattern = [{ any_of = [] }]\ndecision = "prompt"'), false, err("prefix-rule-token")),
  v("any_of with a blank entry is refused", PREFIX('pattern = [{ any_of = ["a", ""] }]\ndecision = "prompt"'), false, err("prefix-rule-token")),
  v("blank justification is refused", PREFIX('pattern = [{ token = "git" }]\ndecision = "prompt"\njustification = "  "'), false, err("prefix-rule-justification")),
  v("justification as integer is refused", PREFIX('pattern = [{ token = "git" }]\ndecision = "prompt"\njustification = 1'), false, err("type")),
  v("canonical_matching flag loads", PREFIX('pattern = [{ token = "git" }]\ndecision = "prompt"\ncanonical_matching = true'), true),
  v("canonical_matching as float is refused", PREFIX('pattern = [{ token = "git" }]\ndecision = "prompt"\ncanonical_matching = 1.5'), false, err("type")),
  v("empty prefix_rules is refused", "rules = { prefix_rules = [] }", false, err("prefix-rules-empty")),
  v("rules table without prefix_rules is refused", "[rules]\nother = 1", false, err("missing-field")),
  v("second rule's error points at index 1", PREFIX('pattern = [{ token = "ls" }]\ndecision = "prompt"') + PREFIX('pattern = [{ token = "git" }]\ndecision = "allow"'), false, err("prefix-rule-allow", "rules.prefix_rules[1].decision")),

  // ----- hooks -----
  v("command hook loads", HOOK('type = "command"\ncommand = "/opt/hooks/check.sh"\ntimeout = 30\nstatusMessage = "Checking"\nasync = false', "^Bash$"), true, undefined, { hooks: true }),
  v("mcp_tool hook loads", HOOK('type = "mcp_tool"\nserver = "audit"\ntool = "log"'), true, undefined, { hooks: true }),
  v("mcp_tool hook without server is refused", HOOK('type = "mcp_tool"\ntool = "log"'), false, err("missing-field"), { hooks: true }),
  v("prompt hook is refused", HOOK('type = "prompt"\nprompt = "Is this safe?"'), false, err("hook-unsupported"), { hooks: true }),
  v("agent hook is refused", HOOK('type = "agent"'), false, err("hook-unsupported"), { hooks: true }),
  v("unknown hook type is refused", HOOK('type = "script"\ncommand = "x"'), false, err("enum"), { hooks: true }),
  v("hook without type is refused", HOOK('command = "x"'), false, err("missing-field"), { hooks: true }),
  v("empty hook command is refused", HOOK('type = "command"\ncommand = ""'), false, err("hook-command-empty"), { hooks: true }),
  v("hook matcher that is not a regex is refused", HOOK('type = "command"\ncommand = "x"', "(("), false, err("hook-matcher"), { hooks: true }),
  v("hook timeout as string is refused", HOOK('type = "command"\ncommand = "x"\ntimeout = "5"'), false, err("type"), { hooks: true }),
  v("negative hook timeout is refused", HOOK('type = "command"\ncommand = "x"\ntimeout = -1'), false, err("range"), { hooks: true }),
  v("hook statusMessage as integer is refused", HOOK('type = "command"\ncommand = "x"\nstatusMessage = 1'), false, err("type"), { hooks: true }),
  v("hook async as integer is refused", HOOK('type = "command"\ncommand = "x"\nasync = 1'), false, err("type"), { hooks: true }),
  v("hook event as integer is refused", "[hooks]\nStop = 1", false, err("type", "hooks.Stop"), { hooks: true }),
  v("hook group with empty handler list loads", "[[hooks.SessionStart]]\nhooks = []", true, undefined, { hooks: true }),
  v("hook matcher as integer is refused", "[[hooks.PreToolUse]]\nmatcher = 1\nhooks = []", false, err("type"), { hooks: true }),
  v("hooks managed_dir loads", '[hooks]\nmanaged_dir = "/etc/codex/hooks"', true, undefined, { hooks: true }),
  v("hooks managed_dir as integer is refused", "[hooks]\nmanaged_dir = 1", false, err("type"), { hooks: true }),
  v("hooks on every documented event load", ["PreToolUse", "PostToolUse", "PermissionRequest", "PreCompact", "PostCompact", "SessionStart", "SessionEnd", "Stop", "SubagentStart", "SubagentStop", "UserPromptSubmit"].map((e) => `[[hooks.${e}]]\n[[hooks.${e}.hooks]]\ntype = "command"\ncommand = "true"\n`).join(""), true, undefined, { hooks: true }),

  // ----- network -----
  v("canonical network table loads", '[experimental_network]\nenabled = true\nhttp_port = 3128\nsocks_port = 1080\ndomains = { "*.corp.example" = "allow", "evil.example" = "deny" }\nunix_sockets = { "/var/run/docker.sock" = "deny" }', true),
  v("network_proxy is another name for experimental_network", '[network_proxy]\nenabled = true\ndomains = { "corp.example" = "allow" }', true),
  v("experimental_network and network_proxy together are refused", "[experimental_network]\nenabled = true\n[network_proxy]\nenabled = true", false, err("network-duplicate")),
  v("network in both top level and permissions.network is refused by 0.169.0 (0.171.0 refuses them only when they differ)", "[experimental_network]\nenabled = true\n[permissions.network]\nenabled = true\nallow_local_binding = true", false, err("network-surfaces")),
  v("permissions.network alone loads", "[permissions.network]\nenabled = true", true),
  v("legacy domain lists load", '[experimental_network]\nallowed_domains = ["corp.example"]\ndenied_domains = ["evil.example"]', true),
  v("legacy allowed_domains with domains is refused", '[experimental_network]\nallowed_domains = ["a.example"]\ndomains = { "b.example" = "allow" }', false, err("network-legacy-mix")),
  v("empty legacy list with domains is still refused", '[experimental_network]\ndenied_domains = []\ndomains = { "b.example" = "allow" }', false, err("network-legacy-mix")),
  v("legacy allow_unix_sockets with unix_sockets is refused", '[experimental_network]\nallow_unix_sockets = ["/x"]\nunix_sockets = { "/y" = "allow" }', false, err("network-legacy-mix")),
  v("legacy mix in permissions.network is refused", '[permissions.network]\nallowed_domains = []\ndomains = { "a.example" = "allow" }', false, err("network-legacy-mix")),
  v("unix socket none is refused", '[experimental_network]\nunix_sockets = { "/y" = "none" }', false, err("enum")),
  v("domain permission block is refused", '[experimental_network]\ndomains = { "a.example" = "block" }', false, err("enum")),
  v("http_port above 65535 is refused", "[experimental_network]\nhttp_port = 70000", false, err("range", "experimental_network.http_port")),
  v("negative socks_port is refused", "[experimental_network]\nsocks_port = -1", false, err("range")),
  v("http_port as float is refused", "[experimental_network]\nhttp_port = 80.0", false, err("type")),
  v("http_port as string is refused", '[experimental_network]\nhttp_port = "80"', false, err("type")),
  v("managed_allowed_domains_only as integer is refused", "[experimental_network]\nmanaged_allowed_domains_only = 1", false, err("type")),
  v("legacy domain entry as integer is refused", "[experimental_network]\nallowed_domains = [1]", false, err("type")),
  v("complete header injection loads", HEADER + 'methods = ["GET"]\npath_prefixes = ["/v1"]\nheaders = { "x-org" = "corp" }', true),
  v("header injection without methods is refused", HEADER + 'path_prefixes = []\nheaders = {}', false, err("missing-field")),
  v("header injection without headers is refused", HEADER + 'methods = ["GET"]\npath_prefixes = []', false, err("missing-field")),
  v("header injection header value as integer is refused", HEADER + 'methods = ["GET"]\npath_prefixes = []\nheaders = { a = 1 }', false, err("type")),
  v("header_injections as integer is refused", "[experimental_network]\nheader_injections = 1", false, err("type")),

  // ----- permissions -----
  v("deny_read paths and globs load", '[permissions.filesystem]\ndeny_read = ["/etc/shadow", "~/.ssh", "**/*.pem"]', true),
  v("deny_read as string is refused", '[permissions.filesystem]\ndeny_read = "/etc/shadow"', false, err("type")),
  v("profile keys in permissions.filesystem are refused", '[permissions.filesystem]\ndescription = "x"', false, err("reserved-profile")),
  v("named profile with default and allowlist loads", PROFILES + '[permissions.dev]\ndescription = "Developers"\nextends = ":workspace"\n[permissions.dev.filesystem]\n"/srv/data" = "read"\n"/tmp" = { "cache" = "write" }', true),
  v("named profile without default_permissions is refused", '[permissions.dev]\ndescription = "x"', false, err("profiles-need-default")),
  v("default_permissions without allowlist is refused", 'default_permissions = ":read-only"', false, err("default-needs-allowlist")),
  v("allowlist naming an undefined profile is refused", 'default_permissions = "dev"\nallowed_permission_profiles = { dev = true }', false, err("undefined-profile")),
  v("default profile not allowed by allowlist is refused", 'default_permissions = "dev"\nallowed_permission_profiles = { other = true }\n[permissions.dev]\n[permissions.other]', false, err("default-not-allowed")),
  v("default profile set to false in allowlist is refused", 'default_permissions = "dev"\nallowed_permission_profiles = { dev = false }\n[permissions.dev]', false, err("default-not-allowed")),
  v("built-in read-only profile as default loads", 'default_permissions = ":read-only"\nallowed_permission_profiles = { ":read-only" = true }', true),
  v("built-in danger-full-access profile is known", 'default_permissions = ":danger-full-access"\nallowed_permission_profiles = { ":danger-full-access" = true, ":read-only" = true }', true),
  v("unknown built-in profile is refused", 'default_permissions = ":sandboxed"\nallowed_permission_profiles = { ":sandboxed" = true }', false, err("undefined-profile")),
  v("allowlist with workspace and read-only needs no default", 'allowed_permission_profiles = { ":workspace" = true, ":read-only" = true }', true),
  v("allowlist without default and without both built-ins is refused", 'allowed_permission_profiles = { ":read-only" = true }', false, err("default-needed")),
  v("profile extending an undefined profile is refused", PROFILES + '[permissions.dev]\nextends = "base"', false, err("undefined-profile", "permissions.dev.extends")),
  v("profile extending itself is refused", PROFILES + '[permissions.dev]\nextends = "dev"', false, err("profile-cycle")),
  v("profile filesystem access mode typo is refused", PROFILES + '[permissions.dev.filesystem]\n"/tmp" = "read-write"', false, err("enum")),
  v("profile network mode full loads", PROFILES + '[permissions.dev.network]\nmode = "full"', true),
  v("profile network mode unknown is refused", PROFILES + '[permissions.dev.network]\nmode = "open"', false, err("enum")),
  v("profile workspace_roots as array is refused", PROFILES + "[permissions.dev]\nworkspace_roots = []", false, err("type")),
  v("profile description as integer is refused", PROFILES + "[permissions.dev]\ndescription = 1", false, err("type")),
  v("allowed_permission_profiles as array is refused", 'allowed_permission_profiles = ["dev"]', false, err("type")),

  // ----- windows, auto_review, models -----
  v("windows sandbox implementations load", '[windows]\nallowed_sandbox_implementations = ["elevated", "unelevated"]\nrequire_mxc = true', true),
  v("empty windows sandbox implementations are refused", "[windows]\nallowed_sandbox_implementations = []", false, err("empty-list")),
  v("unknown windows sandbox implementation is refused", '[windows]\nallowed_sandbox_implementations = ["appcontainer"]', false, err("enum")),
  v("windows require_mxc as float is refused", "[windows]\nrequire_mxc = 1.5", false, err("type")),
  v("auto_review model slugs load", '[auto_review]\nrequired_on_models = ["gpt-5.4", "codex-auto-review"]\nignore_rules = ["r1"]', true),
  v("auto_review slug with provider prefix is refused", '[auto_review]\nrequired_on_models = ["openai/gpt-5"]', false, err("model-slug", "auto_review.required_on_models[0]")),
  v("auto_review slug with surrounding space is refused", '[auto_review]\nrequired_on_models = [" gpt-5"]', false, err("model-slug")),
  v("auto_review empty slug is refused", '[auto_review]\nrequired_on_models = [""]', false, err("model-slug")),
  v("auto_review empty model list loads", "[auto_review]\nrequired_on_models = []", true),
  v("auto_review ignore_rules entry as integer is refused", "[auto_review]\nignore_rules = [1]", false, err("type")),
  v("new-thread model defaults load", '[models.new_thread]\nmodel = "gpt-5.4"\nmodel_reasoning_effort = "high"\nservice_tier = "flex"', true),
  v("new-thread model as float is refused", "[models.new_thread]\nmodel = 1.5", false, err("type")),

  // ----- computer use, browser use -----
  v("computer use requirements load", '[computer_use]\nallow_locked_computer_use = false\ndefault_app_access = "deny"\n[computer_use.macos]\nbundle_ids = { "com.apple.Terminal" = "deny" }', true),
  v("computer use default_app_access unknown is refused", '[computer_use]\ndefault_app_access = "ask"', false, err("enum")),
  v("computer use bundle id permission unknown is refused", '[computer_use.macos]\nbundle_ids = { "com.x" = "maybe" }', false, err("enum")),
  v("computer use windows exe needs product_name", '[[computer_use.windows.exes]]\npublisher_name = "Corp"\naccess = "allow"', false, err("missing-field")),
  v("computer use windows exe loads", '[[computer_use.windows.exes]]\npublisher_name = "Corp"\nproduct_name = "Tool"\naccess = "allow"', true),
  v("browser use disable_auto_review as integer is refused", "[browser_use]\ndisable_auto_review = 1", false, err("type")),
  v("browser use origin access unknown is refused", '[browser_use.origins."https://a.example"]\naccess = "maybe"', false, err("enum")),

  // ----- application, otel, config_server -----
  v("application network and storage load", '[application.network]\nenabled = true\ndomains = { "corp.example" = "allow" }\n[application.storage]\ndefault_project_parent = "/srv/projects"', true),
  v("otel exporter name loads", '[otel]\nexporter = "none"\nlog_user_prompt = false', true),
  v("otel exporter unknown name is refused", '[otel]\nexporter = "jaeger"', false, err("enum")),
  v("config_server with an https base_url is well-formed", '[config_server]\nbase_url = "https://config.corp.example"', true, warn("config-server-fetch"), { hostDependent: "Codex fetches the bundle at startup and fails closed; the oracle host is offline" }),
  v("config_server without base_url is refused", "config_server = {}", false, err("missing-field", "config_server.base_url")),
  v("config_server http base_url is refused", '[config_server]\nbase_url = "http://config.corp.example"', false, err("config-server-url")),
  v("config_server base_url with a query is refused", '[config_server]\nbase_url = "https://config.corp.example/?org=1"', false, err("config-server-url")),
  v("config_server base_url with user info is refused", '[config_server]\nbase_url = "https://admin@config.corp.example/"', false, err("config-server-url")),
  v("config_server oauth without client_id is refused", '[config_server]\nbase_url = "https://config.corp.example"\n[config_server.oauth]\nauthorization_url = "https://a.example"\ntoken_url = "https://b.example"', false, err("missing-field")),
  v("config_server oauth unknown field is refused", '[config_server]\nbase_url = "https://config.corp.example"\n[config_server.oauth]\nauthorization_url = "https://a.example"\ntoken_url = "https://b.example"\nclient_id = "c"\nsecret = "s"', false, err("unknown-field")),
  // ----- TOML as Codex's parser decides it -----
  v("integer just inside 64 bits loads", "fancy = 9223372036854775807", true, warn("unknown-key")),
  v("integer beyond 64 bits is refused even in an unknown key", "fancy = 9223372036854775808", false, err("toml-syntax")),
  v("negative integer beyond 64 bits is refused", "fancy = -9223372036854775809", false, err("toml-syntax")),
  v("hex integer beyond 64 bits is refused", "fancy = 0xffffffffffffffff", false, err("toml-syntax")),
  v("u64 hook timeout beyond i64 is refused by the parser", HOOK('type = "command"\ncommand = "x"\ntimeout = 18446744073709551615'), false, err("toml-syntax"), { hooks: true }),
  v("February 30 is refused", "fancy = 1979-02-30", false, err("toml-syntax")),
  v("February 29 of a common year is refused", "fancy = 1979-02-29", false, err("toml-syntax")),
  v("February 29 of a leap year loads", "fancy = 1980-02-29", true, warn("unknown-key")),
  v("April 31 is refused", "fancy = 1979-04-31T00:00:00Z", false, err("toml-syntax")),
  v("a leap second loads", "fancy = 1979-12-31T23:59:60Z", true, warn("unknown-key")),
  v("a leap second where text is expected loads", "guardian_extra_policy = 1979-12-31T23:59:60Z", true),
  v("a date-like bare key loads", '1979-05-27 = "x"', true, warn("unknown-key")),
  v("a date-time as an inline-table key is refused", "fancy = { 1979-05-27T00:00:00Z = 1 }", false, err("toml-syntax")),
  v("80 nested arrays load in Codex (past Charter's depth limit)", `fancy = ${"[".repeat(80)}${"]".repeat(80)}`, true, undefined, { charterLimit: "depth" }),
  v("81 nested arrays are refused", `fancy = ${"[".repeat(81)}${"]".repeat(81)}`, false, undefined, { charterLimit: "depth" }),
  v("81 nested inline tables are refused", `fancy = ${"{a=".repeat(81)}1${"}".repeat(81)}`, false, undefined, { charterLimit: "depth" }),
  v("a header with 80 parts loads in Codex (past Charter's depth limit)", `[${Array(80).fill("a").join(".")}]`, true, undefined, { charterLimit: "depth" }),
  v("a header with 81 parts is refused", `[${Array(81).fill("a").join(".")}]`, false, undefined, { charterLimit: "depth" }),
  v("a dotted key with 81 parts is refused", `${Array(81).fill("a").join(".")} = 1`, false, undefined, { charterLimit: "depth" }),
  v("two BOMs are refused", '\uFEFF\uFEFFallowed_sandbox_modes = ["read-only"]\n', false, err("toml-syntax")),
  v("Latin-1 byte in a comment is refused", "# caf\u00e9\nallow_login_shell = true\n", false, err("toml-encoding"), { bytes: Uint8Array.from([...Buffer.from("# caf"), 0xe9, ...Buffer.from("\nallow_login_shell = true\n")]) }),
  v("lone continuation byte in a string is refused", 'guardian_extra_policy = "x"\n', false, err("toml-encoding"), { bytes: Uint8Array.from([...Buffer.from('guardian_extra_policy = "'), 0x80, ...Buffer.from('"\n')]) }),
  v("UTF-8 encoded surrogate is refused", 'guardian_extra_policy = "x"\n', false, err("toml-encoding"), { bytes: Uint8Array.from([...Buffer.from('guardian_extra_policy = "'), 0xed, 0xa0, 0x80, ...Buffer.from('"\n')]) }),

  // ----- Rust whitespace -----
  v("a prefix token of U+0085 is blank in Rust and refused", PREFIX('pattern = [{ token = "\\u0085" }]\ndecision = "prompt"'), false, err("prefix-rule-token")),
  v("a prefix token of U+FEFF is not whitespace in Rust and loads", PREFIX('pattern = [{ token = "\\uFEFF" }]\ndecision = "prompt"'), true),
  v("a justification of U+2003 is blank and refused", PREFIX('pattern = [{ token = "git" }]\ndecision = "prompt"\njustification = "\\u2003"'), false, err("prefix-rule-justification")),
  v("a justification of U+FEFF loads", PREFIX('pattern = [{ token = "git" }]\ndecision = "prompt"\njustification = "\\uFEFF"'), true),
  v("a model slug ending in U+0085 is refused", 'auto_review = { required_on_models = ["gpt-5\\u0085"] }', false, err("model-slug")),
  v("a model slug ending in U+FEFF loads", 'auto_review = { required_on_models = ["gpt-5\\uFEFF"] }', true),

  // ----- regexes: hook matchers (Rust regex crate) -----
  v("hook matcher with (?i) loads", HOOK('type = "command"\ncommand = "x"', "(?i)bash"), true, undefined, { hooks: true }),
  v("hook matcher with \\pL loads", HOOK('type = "command"\ncommand = "x"', "\\pL+"), true, undefined, { hooks: true }),
  v("hook matcher with a POSIX class loads", HOOK('type = "command"\ncommand = "x"', "[[:alpha:]]+"), true, undefined, { hooks: true }),
  v("hook matcher with (?P<name>) loads", HOOK('type = "command"\ncommand = "x"', "(?P<tool>Bash)"), true, undefined, { hooks: true }),
  v("hook matcher with \\A and \\z loads", HOOK('type = "command"\ncommand = "x"', "\\ABash\\z"), true, undefined, { hooks: true }),
  v("hook matcher with class intersection loads", HOOK('type = "command"\ncommand = "x"', "[a-z&&[^x]]+"), true, undefined, { hooks: true }),
  v("hook matcher with (?x) loads", HOOK('type = "command"\ncommand = "x"', "(?x) Bash | Edit"), true, undefined, { hooks: true }),
  v("hook matcher * matches every tool and loads", HOOK('type = "command"\ncommand = "x"', "*"), true, undefined, { hooks: true }),
  v("hook matcher ** is refused", HOOK('type = "command"\ncommand = "x"', "**"), false, err("hook-matcher"), { hooks: true }),
  v("hook matcher Bash|* is refused", HOOK('type = "command"\ncommand = "x"', "Bash|*"), false, err("hook-matcher"), { hooks: true }),
  v("hook matcher with look-ahead is refused", HOOK('type = "command"\ncommand = "x"', "(?=Bash)"), false, err("hook-matcher"), { hooks: true }),
  v("hook matcher with a backreference is refused", HOOK('type = "command"\ncommand = "x"', "(a)\\1"), false, err("hook-matcher"), { hooks: true }),
  v("hook matcher nesting past 250 is refused", HOOK('type = "command"\ncommand = "x"', "(".repeat(251) + ")".repeat(251)), false, err("hook-matcher"), { hooks: true }),
  v("hook matcher past the compiled-size limit is refused", HOOK('type = "command"\ncommand = "x"', "a{1000}{1000}"), false, err("hook-matcher"), { hooks: true }),
  v("Stop ignores its matcher: look-ahead loads", '[[hooks.Stop]]\nmatcher = "(?=a)"\n[[hooks.Stop.hooks]]\ntype = "command"\ncommand = "x"', true, undefined, { hooks: true }),
  v("UserPromptSubmit ignores its matcher", '[[hooks.UserPromptSubmit]]\nmatcher = "(("\n[[hooks.UserPromptSubmit.hooks]]\ntype = "command"\ncommand = "x"', true, undefined, { hooks: true }),
  v("SessionStart checks its matcher", '[[hooks.SessionStart]]\nmatcher = "(?=a)"\n[[hooks.SessionStart.hooks]]\ntype = "command"\ncommand = "x"', false, err("hook-matcher"), { hooks: true }),
  v("SubagentStop checks its matcher", '[[hooks.SubagentStop]]\nmatcher = "(?=a)"\n[[hooks.SubagentStop.hooks]]\ntype = "command"\ncommand = "x"', false, err("hook-matcher"), { hooks: true }),
  v("hook group without a hooks list loads (empty)", '[[hooks.PreToolUse]]\nmatcher = "Bash"', true, undefined, { hooks: true }),

  // ----- regexes: MCP url matchers (regex_lite) -----
  v("MCP url regex with (?i) loads", '[mcp_servers.x.identity]\nurl = { match = "regex", expression = "(?i)https://a" }', true),
  v("MCP url regex with \\pL is refused by regex_lite", '[mcp_servers.x.identity]\nurl = { match = "regex", expression = "\\\\pL+" }', false, err("mcp-regex")),
  v("MCP url regex with \\p{Greek} is refused by regex_lite", '[mcp_servers.x.identity]\nurl = { match = "regex", expression = "\\\\p{Greek}" }', false, err("mcp-regex")),
  v("MCP url regex with class intersection is refused by regex_lite", '[mcp_servers.x.identity]\nurl = { match = "regex", expression = "[a-z&&[^x]]" }', false, err("mcp-regex")),
  v("MCP url regex with class difference is refused by regex_lite", '[mcp_servers.x.identity]\nurl = { match = "regex", expression = "[a-z--x]" }', false, err("mcp-regex")),
  v("MCP url regex with a POSIX class loads", '[mcp_servers.x.identity]\nurl = { match = "regex", expression = "[[:alpha:]]+" }', true),
  v("MCP url regex with (?P<name>) loads", '[mcp_servers.x.identity]\nurl = { match = "regex", expression = "(?P<h>a)" }', true),
  v("MCP url regex * is refused", '[mcp_servers.x.identity]\nurl = { match = "regex", expression = "*" }', false, err("mcp-regex")),
  v("MCP url regex with look-behind is refused", '[mcp_servers.x.identity]\nurl = { match = "regex", expression = "(?<=a)b" }', false, err("mcp-regex")),
  v("MCP url regex past the size limit is refused", '[mcp_servers.x.identity]\nurl = { match = "regex", expression = "a{1000}{1000}" }', false, err("mcp-regex")),
  v("plugin MCP url regex with \\pL is refused", '[plugins.p.mcp_servers.x.identity]\nurl = { match = "regex", expression = "\\\\pL" }', false, err("mcp-regex")),

  // ----- otel -----
  v("otel statsig exporter loads", '[otel]\nexporter = "statsig"', true),
  v("otel otlp-http as a bare name is refused", '[otel]\nexporter = "otlp-http"', false, err("enum")),
  v("otel otlp-http with endpoint and protocol loads", '[otel]\nexporter = { otlp-http = { endpoint = "http://127.0.0.1:4318/v1/logs", protocol = "json", headers = { "x-host" = "h1" } } }', true),
  v("otel otlp-http without endpoint is refused", '[otel]\nexporter = { otlp-http = { protocol = "json" } }', false, err("missing-field")),
  v("otel otlp-http without protocol is refused", '[otel]\nexporter = { otlp-http = { endpoint = "http://x" } }', false, err("missing-field")),
  v("otel otlp-http unknown protocol is refused", '[otel]\nexporter = { otlp-http = { endpoint = "http://x", protocol = "xml" } }', false, err("enum")),
  v("otel otlp-http unknown field is ignored", '[otel]\nexporter = { otlp-http = { endpoint = "http://x", protocol = "json", batch = 1 } }', true),
  v("otel otlp-grpc with endpoint loads", '[otel]\ntrace_exporter = { otlp-grpc = { endpoint = "http://x", tls = { ca-certificate = "/etc/ca.pem" } } }', true),
  v("otel exporter naming two exporters is refused", '[otel]\nexporter = { otlp-grpc = { endpoint = "http://x" }, otlp-http = { endpoint = "http://x", protocol = "json" } }', false, err("otel-exporter")),
  v("otel exporter empty table is refused", '[otel]\nmetrics_exporter = {}', false, err("otel-exporter")),
  v("otel exporter header value as integer is refused", '[otel]\nexporter = { otlp-grpc = { endpoint = "http://x", headers = { a = 1 } } }', false, err("type")),
  v("otel tool_result as a table loads", "[otel]\ntool_result = {}", true),
  v("otel tool_result as a boolean is refused", "[otel]\ntool_result = true", false, err("type")),
  v("otel span_attributes of strings load", '[otel]\nspan_attributes = { team = "infra" }', true),
  v("otel span_attributes value as integer is refused", "[otel]\nspan_attributes = { team = 1 }", false, err("type")),
  v("otel tracestate as a string is refused", '[otel]\ntracestate = "x"', false, err("type")),
  v("otel tracestate of tables of strings loads", '[otel]\ntracestate = { vendor = { k = "v" } }', true),
  v("otel headers_helper is new in 0.171.0", '[otel]\nheaders_helper = "/usr/local/bin/otel-headers"', true, undefined, { byVersion: { "0.169.0": false } }),
  v("otel headers_helper_refresh_interval_ms is new in 0.171.0", "[otel]\nheaders_helper_refresh_interval_ms = 60000", true, undefined, { byVersion: { "0.169.0": false } }),
  v("otel headers_helper_refresh_interval_ms of zero is refused", "[otel]\nheaders_helper_refresh_interval_ms = 0", false),
  v("otel headers_helper as integer is refused", "[otel]\nheaders_helper = 1", false),

  // ----- network, per version -----
  v("permissions.network beside experimental_network with the same policy via legacy lists loads in 0.171.0", '[experimental_network]\nenabled = true\nallowed_domains = ["a.example"]\n[permissions.network]\nenabled = true\ndomains = { "a.example" = "allow" }', true, undefined, { byVersion: { "0.169.0": false } }),
  v("permissions.network beside network_proxy with the same policy loads in 0.171.0", "[network_proxy]\nhttp_port = 3128\n[permissions.network]\nhttp_port = 3128", true, undefined, { byVersion: { "0.169.0": false } }),
  v("permissions.network differing from experimental_network is refused", "[experimental_network]\nenabled = true\n[permissions.network]\nenabled = false", false, err("network-surfaces", "permissions.network")),
  v("permissions.network absent flag differs from false and is refused", "[experimental_network]\nenabled = true\n[permissions.network]\nenabled = true\nallow_local_binding = false", false, err("network-surfaces")),
  v("an empty permissions.network is read as a profile and refused", "[permissions.network]", false, err("reserved-profile", "permissions.network")),
  v("permissions.network with a profile key is refused", '[permissions.network]\ndescription = "x"', false, err("reserved-profile", "permissions.network.description")),
  v("permissions.network with only an unknown key loads", "[permissions.network]\nmitm = 1", true),
  v("an empty permissions.filesystem loads", "[permissions.filesystem]", true),
  v("permissions.network beside experimental_network loads in 0.171.0", "[experimental_network]\nenabled = true\n[permissions.network]\nenabled = true", true, undefined, { byVersion: { "0.169.0": false } }),
  v("transparent_tcp as a boolean loads", "[experimental_network]\ntransparent_tcp = true", true),
  v("transparent_tcp as a string is refused by 0.171.0 only", '[experimental_network]\ntransparent_tcp = "yes"', false, undefined, { byVersion: { "0.169.0": true } }),
  v("review_domains as a list loads", '[experimental_network]\nreview_domains = ["corp.example"]', true),
  v("review_domains as an integer is refused", "[experimental_network]\nreview_domains = 1", false, err("type")),

  // ----- keys modelled this round -----
  v("windows.allow_mxc loads", "[windows]\nallow_mxc = true", true),
  v("windows.allow_mxc as integer is refused", "[windows]\nallow_mxc = 1", false, err("type")),
  v("unsafe_enforce_sqlite_journal_mode loads", "unsafe_enforce_sqlite_journal_mode = true", true),
  v("unsafe_enforce_sqlite_journal_mode as a string is refused", 'unsafe_enforce_sqlite_journal_mode = "wal"', false, err("type")),
  v("in_app_browser ignores its fields", "[in_app_browser]\norigins = 1", true),
  v("browser_use origin policy loads", '[browser_use.origins."https://a.example"]\naccess = "allow"\ndownloads = "deny"\naccess_approval_lifetime = "turn"', true),
  v("model_provider naming a built-in loads", 'model_provider = "ollama"', true),
  v("model_provider naming amazon-bedrock loads", 'model_provider = "amazon-bedrock"', true),
  v("model_provider naming an undefined provider is refused", 'model_provider = "azure"', false, err("model-provider-unknown")),
  v("model_provider naming a defined provider loads", 'model_provider = "corp"\n[model_providers.corp]\nname = "Corp gateway"\nbase_url = "https://llm.corp.example/v1"', true),
  v("model_provider as integer is refused", "model_provider = 1", false, err("type")),
  v("model_providers entry without a name is refused", "[model_providers.corp]\nbase_url = \"https://x\"", false, err("model-provider-name")),
  v("model_providers entry with a blank name is refused", '[model_providers.corp]\nname = " "', false, err("model-provider-name")),
  v("model_providers redefining openai is refused", '[model_providers.openai]\nname = "Mine"', false, err("model-provider-reserved")),
  v("model_providers base_url as integer is refused", '[model_providers.corp]\nname = "x"\nbase_url = 1', false, err("type")),
  v("empty model_providers loads", "model_providers = {}", true),
  // ----- permission profile rules (the loaded profile is checked; every name is) -----
  v("a profile name with the reserved : prefix is refused", `${PROFILES}[permissions.dev]\n[permissions.":mine"]`, false, err("reserved-profile")),
  v("a relative filesystem path in the default profile is refused", `${PROFILES}[permissions.dev]\nfilesystem = { "relative/path" = "read" }`, false, err("profile-path")),
  v("an empty filesystem path in the default profile is refused", `${PROFILES}[permissions.dev]\nfilesystem = { "" = "read" }`, false, err("profile-path")),
  v("~user paths in the default profile are refused", `${PROFILES}[permissions.dev]\nfilesystem = { "~user/x" = "read" }`, false, err("profile-path")),
  v("absolute, ~, ~/ and :special paths in the default profile load", `${PROFILES}[permissions.dev]\nfilesystem = { "/srv" = "read", "~" = "read", "~/code" = "write", ":project_roots" = { "src" = "write" }, "/a/*.txt" = "deny" }`, true),
  v("an absolute scoped sub-path is refused", `${PROFILES}[permissions.dev]\nfilesystem = { "/srv" = { "/x" = "read" } }`, false, err("profile-path")),
  v("a scoped sub-path with .. is refused", `${PROFILES}[permissions.dev]\nfilesystem = { "/srv" = { "a/../b" = "read" } }`, false, err("profile-path")),
  v("a scoped sub-path starting with ./ is refused", `${PROFILES}[permissions.dev]\nfilesystem = { "/srv" = { "./b" = "read" } }`, false, err("profile-path")),
  v("a relative path in a profile Codex does not load is not checked", 'default_permissions = "dev"\nallowed_permission_profiles = { dev = true }\n[permissions.dev]\n[permissions.other]\nfilesystem = { "rel" = "read" }', true),
  v("the default profile extending :danger-full-access is refused", `${PROFILES}[permissions.dev]\nextends = ":danger-full-access"`, false, err("profile-extends")),
  v("the default profile extending :read-only loads", `${PROFILES}[permissions.dev]\nextends = ":read-only"`, true),
  v("the default profile extending :workspace loads", `${PROFILES}[permissions.dev]\nextends = ":workspace"`, true),
  v("a profile Codex does not load may extend :danger-full-access", 'default_permissions = "dev"\nallowed_permission_profiles = { dev = true }\n[permissions.dev]\n[permissions.other]\nextends = ":danger-full-access"', true),
  v("a profile network table with unknown fields loads", `${PROFILES}[permissions.dev]\nnetwork = { enabled = true, mode = "full", extra = 1 }`, true),
  // ----- network domain rules -----
  v("a bare * domain in experimental_network is refused", '[experimental_network]\ndomains = { "*" = "allow" }', false, err("network-domain")),
  v("a bare * denied domain is refused too", '[experimental_network]\ndomains = { " * " = "deny" }', false, err("network-domain")),
  v("a bare * in legacy allowed_domains is refused", '[network_proxy]\nallowed_domains = ["*"]', false, err("network-domain", "network_proxy.allowed_domains[0]")),
  v("a bare * in permissions.network is refused", '[permissions.network]\ndomains = { "*" = "allow" }', false, err("network-domain")),
  v("scoped wildcards and odd hosts load in the proxy", '[experimental_network]\ndomains = { "*.example.com" = "allow", "**.example.org" = "allow", "**" = "deny", "*.*" = "deny", "a.com:443" = "allow", "1.2.3.4" = "deny" }', true),
  v("application.network takes exact domain names", '[application.network]\ndomains = { "corp.example" = "allow", "A.COM" = "deny", "localhost" = "allow", "1.2.3.4" = "allow", "b.com." = "allow" }', true),
  v("application.network refuses one name twice after lowercasing and dropping the trailing dot", '[application.network]\ndomains = { "A.COM" = "deny", "a.com." = "allow" }', false, err("app-domain", "application.network.domains.\"a.com.\"")),
  v("application.network refuses a wildcard", '[application.network]\ndomains = { "*.corp.example" = "allow" }', false, err("app-domain")),
  v("application.network refuses a URL", '[application.network]\ndomains = { "https://corp.example" = "allow" }', false, err("app-domain")),
  v("application.network refuses an underscore", '[application.network]\ndomains = { "a_b.example" = "allow" }', false, err("app-domain")),
  v("application.network refuses a label starting with a hyphen", '[application.network]\ndomains = { "-a.example" = "allow" }', false, err("app-domain")),
  v("application.network refuses non-ASCII", '[application.network]\ndomains = { "bücher.example" = "allow" }', false, err("app-domain")),
  v("application.network refuses an empty name", '[application.network]\ndomains = { "" = "allow" }', false, err("app-domain")),
  v("unix socket paths are not checked", '[experimental_network]\nunix_sockets = { "rel/sock" = "allow", "" = "deny" }', true),
  ...wrongTypeVectors(),
];
