import { describe, expect, it } from "vitest";
import { effectiveRequirements, orderLayers, type Layer } from "../../../lib/requirements/layers";

const system = (text: string, name = "/etc/codex/requirements.toml"): Layer => ({ kind: "system", name, text });
const cloud = (name: string, text: string): Layer => ({ kind: "cloud", name, text });
const legacy = (text: string): Layer => ({ kind: "legacy-managed-config", name: "/etc/codex/managed_config.toml", text });
const mdmLegacy = (text: string): Layer => ({ kind: "mdm-legacy-config", name: "com.openai.codex:config_toml_base64", text });
const mdm = (text: string): Layer => ({ kind: "mdm", name: "com.openai.codex:requirements_toml_base64", text });

describe("effectiveRequirements: precedence", () => {
  it("orders layers system < cloud < legacy managed_config < legacy MDM config < MDM, whatever order they are given in", () => {
    const layers = [mdm(""), legacy(""), cloud("c1", ""), system(""), mdmLegacy("")];
    expect(orderLayers(layers).map((l) => l.kind)).toEqual(["system", "cloud", "legacy-managed-config", "mdm-legacy-config", "mdm"]);
  });

  it("lets each higher layer replace a scalar and records the source of the winning value", () => {
    const r = effectiveRequirements([
      mdm(`enforce_residency = "us"`),
      system(`enforce_residency = "eu"\nallow_login_shell = false`),
      cloud("Base", `enforce_residency = "ca"`),
    ]);
    expect(r.value).toEqual({ enforce_residency: "us", allow_login_shell: false });
    expect(r.sources.enforce_residency).toEqual({ kind: "mdm", name: "com.openai.codex:requirements_toml_base64" });
    expect(r.sources.allow_login_shell).toEqual({ kind: "system", name: "/etc/codex/requirements.toml" });
  });

  it("replaces arrays wholesale (no element merge): a higher layer's allowlist wins entirely", () => {
    const r = effectiveRequirements([system(`allowed_sandbox_modes = ["read-only", "workspace-write"]`), mdm(`allowed_sandbox_modes = ["read-only"]`)]);
    expect(r.value.allowed_sandbox_modes).toEqual(["read-only"]);
    expect(r.sources.allowed_sandbox_modes.kind).toBe("mdm");
  });

  it("merges tables recursively, keeping keys the higher layer does not set", () => {
    const r = effectiveRequirements([
      system(`[experimental_network]\nenabled = true\nhttp_port = 3128\n[experimental_network.domains]\n"a.com" = "allow"`),
      cloud("Net", `[experimental_network]\nhttp_port = 8080\n[experimental_network.domains]\n"b.com" = "deny"`),
    ]);
    expect(r.value.experimental_network).toEqual({ enabled: true, http_port: 8080, domains: { "a.com": "allow", "b.com": "deny" } });
    expect(r.sources["experimental_network.enabled"].kind).toBe("system");
    expect(r.sources["experimental_network.http_port"]).toEqual({ kind: "cloud", name: "Net" });
    expect(r.sources['experimental_network.domains."a.com"'].kind).toBe("system");
    expect(r.sources['experimental_network.domains."b.com"'].kind).toBe("cloud");
  });

  it("lets the first cloud fragment in the server's response win over later ones", () => {
    const r = effectiveRequirements([cloud("Team override", `allowed_approval_policies = ["on-request"]`), cloud("Org base", `allowed_approval_policies = ["never"]\nenforce_residency = "us"`)]);
    expect(r.value.allowed_approval_policies).toEqual(["on-request"]);
    expect(r.sources.allowed_approval_policies).toEqual({ kind: "cloud", name: "Team override" });
    expect(r.sources.enforce_residency).toEqual({ kind: "cloud", name: "Org base" });
    expect(r.order.map((l) => l.name)).toEqual(["Org base", "Team override"]);
  });
});

describe("effectiveRequirements: special merges", () => {
  it("appends rules.prefix_rules across layers, highest priority first", () => {
    const rule = (cmd: string) => `[[rules.prefix_rules]]\npattern = [{ token = "${cmd}" }]\ndecision = "forbidden"\n`;
    const r = effectiveRequirements([system(rule("rm")), mdm(rule("curl")), cloud("c", rule("git"))]);
    const tokens = (r.value.rules as { prefix_rules: Array<{ pattern: Array<{ token: string }> }> }).prefix_rules.map((p) => p.pattern[0].token);
    expect(tokens).toEqual(["curl", "git", "rm"]);
    expect(r.sources["rules.prefix_rules[0]"].kind).toBe("mdm");
    expect(r.sources["rules.prefix_rules[1]"].kind).toBe("cloud");
    expect(r.sources["rules.prefix_rules[2]"].kind).toBe("system");
  });

  it("appends hook event lists highest priority first, and keeps other hook keys merged", () => {
    const hook = (cmd: string) => `[[hooks.PreToolUse]]\nmatcher = "shell"\n[[hooks.PreToolUse.hooks]]\ntype = "command"\ncommand = "${cmd}"\n`;
    const r = effectiveRequirements([system(`[hooks]\nmanaged_dir = "/opt/hooks"\n` + hook("low")), mdm(hook("high"))]);
    const hooks = r.value.hooks as { managed_dir: string; PreToolUse: Array<{ hooks: Array<{ command: string }> }> };
    expect(hooks.PreToolUse.map((h) => h.hooks[0].command)).toEqual(["high", "low"]);
    expect(hooks.managed_dir).toBe("/opt/hooks");
    expect(r.errors).toEqual([]);
  });

  it("reports conflicting hooks.managed_dir as an error (Codex fails closed)", () => {
    const r = effectiveRequirements([system(`[hooks]\nmanaged_dir = "/a"`), mdm(`[hooks]\nmanaged_dir = "/b"`)]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].layer.kind).toBe("mdm");
    expect(r.errors[0].message).toContain("hooks.managed_dir");
  });

  it("unions permissions.filesystem.deny_read, highest first, without duplicates", () => {
    const r = effectiveRequirements([system(`[permissions.filesystem]\ndeny_read = ["/etc/shadow", "~/.ssh"]`), mdm(`[permissions.filesystem]\ndeny_read = ["~/.aws", "~/.ssh"]`)]);
    expect((r.value.permissions as { filesystem: { deny_read: string[] } }).filesystem.deny_read).toEqual(["~/.aws", "~/.ssh", "/etc/shadow"]);
    expect(r.sources["permissions.filesystem.deny_read[1]"].kind).toBe("mdm");
    expect(r.sources["permissions.filesystem.deny_read[2]"].kind).toBe("system");
  });

  it("unions auto_review.required_on_models while ignore_rules follows the normal override", () => {
    const r = effectiveRequirements([
      system(`[auto_review]\nrequired_on_models = ["gpt-5"]\nignore_rules = ["a"]`),
      cloud("c", `[auto_review]\nrequired_on_models = ["o4"]\nignore_rules = ["b"]`),
    ]);
    expect(r.value.auto_review).toEqual({ required_on_models: ["o4", "gpt-5"], ignore_rules: ["b"] });
  });

  it("keeps apps.*.enabled = false from any layer (sticky), while other app settings follow precedence", () => {
    const r = effectiveRequirements([
      system(`[apps.drive]\nenabled = false\n[apps.mail]\nenabled = true`),
      mdm(`[apps.drive]\nenabled = true\n[apps.drive.tools."search"]\napproval_mode = "auto"\n[apps.mail]\nenabled = false`),
    ]);
    expect(r.value.apps).toEqual({ drive: { enabled: false, tools: { search: { approval_mode: "auto" } } }, mail: { enabled: false } });
    expect(r.sources["apps.drive.enabled"].kind).toBe("system");
    expect(r.sources["apps.mail.enabled"].kind).toBe("mdm");
  });

  it("resolves remote_sandbox_config per layer before merging: the first matching entry replaces that layer's sandbox modes", () => {
    const layers = [
      system(`allowed_sandbox_modes = ["read-only"]`),
      cloud(
        "Remote",
        `allowed_sandbox_modes = ["read-only", "workspace-write"]\n` +
          `[[remote_sandbox_config]]\nhostname_patterns = ["build-??.CI.example.com"]\nallowed_sandbox_modes = ["read-only", "danger-full-access"]\n` +
          `[[remote_sandbox_config]]\nhostname_patterns = ["*.example.com"]\nallowed_sandbox_modes = ["read-only"]\n`,
      ),
    ];
    const ci = effectiveRequirements(layers, { hostname: "build-07.ci.example.com." });
    expect(ci.value.allowed_sandbox_modes).toEqual(["read-only", "danger-full-access"]);
    expect(ci.value.remote_sandbox_config).toBeUndefined();
    expect(ci.sources.allowed_sandbox_modes).toEqual({ kind: "cloud", name: "Remote" });
    expect(ci.notes.some((n) => n.includes("remote_sandbox_config[0]"))).toBe(true);

    expect(effectiveRequirements(layers, { hostname: "laptop.example.com" }).value.allowed_sandbox_modes).toEqual(["read-only"]);
    expect(effectiveRequirements(layers, { hostname: "laptop.other.org" }).value.allowed_sandbox_modes).toEqual(["read-only", "workspace-write"]);
    const unresolved = effectiveRequirements(layers);
    expect(unresolved.value.allowed_sandbox_modes).toEqual(["read-only", "workspace-write"]);
    expect(unresolved.notes.some((n) => n.includes("no host name"))).toBe(true);
  });

  it("does not let one layer's remote_sandbox_config apply to another layer", () => {
    const r = effectiveRequirements(
      [system(`[[remote_sandbox_config]]\nhostname_patterns = ["*"]\nallowed_sandbox_modes = ["read-only", "workspace-write"]`), mdm(`allowed_sandbox_modes = ["read-only"]`)],
      { hostname: "x" },
    );
    expect(r.value.allowed_sandbox_modes).toEqual(["read-only"]);
  });
});

describe("effectiveRequirements: aliases, legacy backfill, cloud drops, errors", () => {
  it("treats network_proxy as experimental_network and merges the two spellings across layers", () => {
    const r = effectiveRequirements([system(`[network_proxy]\nenabled = true`), mdm(`[experimental_network]\nhttp_port = 3128`)]);
    expect(r.value).toEqual({ experimental_network: { enabled: true, http_port: 3128 } });
    expect(r.sources["experimental_network.enabled"].kind).toBe("system");
  });

  it("reads feature_requirements as features and guardian_subagent as auto_review", () => {
    const r = effectiveRequirements([system(`allowed_approvals_reviewers = ["guardian_subagent"]\n[feature_requirements]\nweb_search = false`)]);
    expect(r.value).toEqual({ allowed_approvals_reviewers: ["auto_review"], features: { web_search: false } });
  });

  it("reports a layer that sets both network_proxy and experimental_network", () => {
    const r = effectiveRequirements([mdm(`[network_proxy]\nenabled = true\n[experimental_network]\nenabled = false`)]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toContain("Codex refuses");
  });

  it("backfills legacy managed_config values as single-value requirements", () => {
    const r = effectiveRequirements([legacy(`approval_policy = "on-request"\napprovals_reviewer = "auto_review"\nsandbox_mode = "workspace-write"\nmodel = "gpt-5"`)]);
    expect(r.value).toEqual({
      allowed_approval_policies: ["on-request"],
      allowed_approvals_reviewers: ["auto_review", "user"],
      allowed_sandbox_modes: ["read-only", "workspace-write"],
    });
    expect(r.sources.allowed_sandbox_modes.kind).toBe("legacy-managed-config");
    expect(r.notes.filter((n) => n.includes("backfilled"))).toHaveLength(3);
  });

  it("backfills approvals_reviewer = user as [user] and a read-only sandbox_mode as [read-only]", () => {
    const r = effectiveRequirements([mdmLegacy(`approvals_reviewer = "user"\nsandbox_mode = "read-only"`)]);
    expect(r.value).toEqual({ allowed_approvals_reviewers: ["user"], allowed_sandbox_modes: ["read-only"] });
  });

  it("ranks legacy backfill above cloud and below MDM requirements", () => {
    const r = effectiveRequirements([
      cloud("c", `allowed_approval_policies = ["never"]\nallowed_sandbox_modes = ["read-only", "danger-full-access"]`),
      legacy(`approval_policy = "on-request"\nsandbox_mode = "workspace-write"`),
      mdm(`allowed_sandbox_modes = ["read-only"]`),
    ]);
    expect(r.value.allowed_approval_policies).toEqual(["on-request"]);
    expect(r.value.allowed_sandbox_modes).toEqual(["read-only"]);
  });

  it("drops local-only auth requirements from cloud layers with a note, but keeps them from local layers", () => {
    const auth = `allowed_login_methods = ["chatgpt"]\nallowed_chatgpt_workspaces = ["ws_1"]\ncli_auth_credentials_store = "keyring"\nchatgpt_base_url = "https://x"\nenforce_residency = "us"`;
    const fromCloud = effectiveRequirements([cloud("Auth", auth)]);
    expect(fromCloud.value).toEqual({ enforce_residency: "us" });
    expect(fromCloud.notes.filter((n) => n.includes("dropped"))).toHaveLength(4);
    const fromSystem = effectiveRequirements([system(auth)]);
    expect(fromSystem.value.allowed_login_methods).toEqual(["chatgpt"]);
    expect(fromSystem.notes).toEqual([]);
  });

  it("reports a layer whose TOML fails to parse and composes the others", () => {
    const r = effectiveRequirements([system(`enforce_residency = "us"`), cloud("Broken", `allowed_sandbox_modes = [`)]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].layer).toEqual({ kind: "cloud", name: "Broken" });
    expect(r.errors[0].message).toMatch(/TOML syntax error at line 1/);
    expect(r.value).toEqual({ enforce_residency: "us" });
    expect(r.order).toEqual([{ kind: "system", name: "/etc/codex/requirements.toml" }]);
  });

  it("notes that a blank guardian_policy_config in a higher layer overrides a lower policy and counts as unset", () => {
    const r = effectiveRequirements([system(`guardian_policy_config = "Deny pushes."`), mdm(`guardian_policy_config = "  "`)]);
    expect(r.value.guardian_policy_config).toBe("  ");
    expect(r.notes.some((n) => n.includes("blank") && n.includes("overridden"))).toBe(true);
  });

  it("records a source for an empty table, which carries meaning (no MCP server allowed)", () => {
    const r = effectiveRequirements([system(`enforce_residency = "us"`), cloud("Lockdown", `[mcp_servers]`)]);
    expect(r.value.mcp_servers).toEqual({});
    expect(r.sources.mcp_servers).toEqual({ kind: "cloud", name: "Lockdown" });
  });

  it("returns an empty result for no layers", () => {
    expect(effectiveRequirements([])).toEqual({ value: {}, sources: {}, notes: [], errors: [], order: [] });
  });
});
