import { composeOverlay } from "../../../lib/groups/compose";
import type { Vector } from "../requirements/vectors";

/*
 * Base + overlay pairs, one per merge rule of lib/groups/compose.ts, composed into the single file a group's hosts
 * receive. The oracle (scripts/codex-oracle.ts) hands each composed file to the real Codex binaries, so "Codex loads
 * what Charter composes" is checked against Codex itself; composed-vectors.test.ts checks Charter's own verdict.
 */

const BASE = `allowed_approval_policies = ["on-request", "never"]
allowed_approvals_reviewers = ["auto_review", "user"]
allowed_sandbox_modes = ["read-only", "workspace-write"]
`;

interface Pair {
  name: string;
  base: string;
  overlay: string;
  hooks?: boolean;
  hostDependent?: string;
}

const PAIRS: Pair[] = [
  { name: "scalars replaced, other base keys kept", base: `${BASE}enforce_residency = "us"\nguardian_policy_config = "base policy"\n`, overlay: `guardian_policy_config = "contractor policy"\n` },
  { name: "allow-lists intersected", base: BASE, overlay: `allowed_approval_policies = ["never", "untrusted"]\nallowed_approvals_reviewers = ["user"]\n` },
  { name: "sandbox and web search modes intersected", base: `${BASE}allowed_web_search_modes = ["cached"]\n`, overlay: `allowed_sandbox_modes = ["read-only", "danger-full-access"]\nallowed_web_search_modes = ["live", "cached"]\n` },
  {
    name: "prefix rules and hooks appended, overlay first",
    base: `${BASE}[[rules.prefix_rules]]\npattern = [{ token = "git" }, { token = "push" }]\ndecision = "prompt"\n\n[[hooks.Stop]]\nhooks = [{ type = "command", command = "base-stop" }]\n`,
    overlay: `[[rules.prefix_rules]]\npattern = [{ token = "curl" }]\ndecision = "forbidden"\n\n[[hooks.Stop]]\nhooks = [{ type = "command", command = "overlay-stop" }]\n`,
    hooks: true,
  },
  {
    name: "deny_read and required_on_models unioned",
    base: `${BASE}[permissions.filesystem]\ndeny_read = ["/etc/secrets"]\n[auto_review]\nrequired_on_models = ["gpt-5"]\n`,
    overlay: `[permissions.filesystem]\ndeny_read = ["/home/*/.ssh", "/etc/secrets"]\n[auto_review]\nrequired_on_models = ["o4"]\n`,
  },
  {
    name: "sticky denials (apps, permission profiles, network)",
    base: `${BASE}[apps.drive]\nenabled = false\n[allowed_permission_profiles]\n":read-only" = true\n":workspace" = true\n":danger-full-access" = false\n[experimental_network]\ndomains = { "evil.example" = "deny", "ok.example" = "allow" }\nunix_sockets = { "/var/run/docker.sock" = "deny" }\n`,
    overlay: `[apps.drive]\nenabled = true\n[allowed_permission_profiles]\n":danger-full-access" = true\n[experimental_network]\ndomains = { "evil.example" = "allow", "ok.example" = "deny" }\nunix_sockets = { "/var/run/docker.sock" = "allow" }\n`,
  },
  { name: "tables merged key by key (features, mcp_servers)", base: `${BASE}[features]\nweb_search = true\nfast_mode = true\n[mcp_servers.docs.identity]\ncommand = "docs-mcp"\n`, overlay: `[features]\nfast_mode = false\n[mcp_servers.jira.identity]\nurl = "https://jira.example/mcp"\n` },
  { name: "login methods intersected", base: `${BASE}allowed_login_methods = ["chatgpt", "api"]\n`, overlay: `allowed_login_methods = ["chatgpt"]\n` },
  { name: "alias spellings read as Codex reads them", base: `${BASE}[feature_requirements]\nfast_mode = true\n`, overlay: `[features]\nfast_mode = false\n` },
  {
    name: "remote_sandbox_config: base entries after the overlay's",
    base: `allowed_approval_policies = ["on-request"]\nallowed_sandbox_modes = ["read-only", "workspace-write", "danger-full-access"]\n[[remote_sandbox_config]]\nhostname_patterns = ["build-*"]\nallowed_sandbox_modes = ["read-only", "danger-full-access"]\n`,
    overlay: `[[remote_sandbox_config]]\nhostname_patterns = ["build-secure*"]\nallowed_sandbox_modes = ["read-only"]\n`,
  },
  { name: "remote_sandbox_config: overlay entries narrowed to the base", base: BASE, overlay: `[[remote_sandbox_config]]\nhostname_patterns = ["ci-*"]\nallowed_sandbox_modes = ["read-only", "danger-full-access"]\n` },
  { name: "an allow-list intersected to nothing (refused)", base: BASE, overlay: `allowed_approval_policies = ["untrusted"]\n` },
];

/** Each pair's composed file as an oracle vector: `valid` is Charter's verdict on the composed file. */
export function composedVectors(): Vector[] {
  return PAIRS.map((p) => {
    const c = composeOverlay(p.base, p.overlay, { overlayName: 'group "oracle"' });
    return { name: `composed: ${p.name}`, toml: c.toml, valid: c.valid, ...(p.hooks ? { hooks: true } : {}), ...(p.hostDependent ? { hostDependent: p.hostDependent } : {}) };
  });
}
