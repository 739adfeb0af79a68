import { describe, expect, it } from "vitest";
import { CODEX_VERSION, closest, requirementsSchema, validateRequirements } from "../../../lib/requirements/index";

const find = (text: string, code: string, opts?: Parameters<typeof validateRequirements>[1]) =>
  validateRequirements(text, opts).diagnostics.filter((d) => d.code === code);

describe("validateRequirements", () => {
  it("names the Codex version it models", () => {
    expect(CODEX_VERSION).toBe("0.171.0");
    expect(validateRequirements("").codexVersion).toBe("0.171.0");
    expect(validateRequirements("", { codex: "0.169.0" }).codexVersion).toBe("0.169.0");
    expect(() => validateRequirements("", { codex: "1.0.0" })).toThrow(/known versions: 0.169.0, 0.171.0/);
  });

  it("says what Codex does in an error message, naming the key in backticks", () => {
    const [d] = find('allowed_sandbox_modes = ["workspace-write"]', "sandbox-read-only");
    expect(d.message).toBe('`allowed_sandbox_modes` must include "read-only"; Codex refuses to start without it');
  });

  it("suggests the key a typo was meant to be", () => {
    const [d] = find('allowed_approvals_reviewer = ["user"]', "unknown-key");
    expect(d.message).toContain("Codex silently ignores it");
    expect(d.message).toContain("did you mean `allowed_approvals_reviewers`?");
    expect(closest("allowed_sandbox_mdoes", ["allowed_sandbox_modes", "rules"])).toBe("allowed_sandbox_modes");
    expect(closest("zzz", ["allowed_sandbox_modes"])).toBeUndefined();
  });

  it("suggests keys inside nested tables too", () => {
    const [d] = find('[[rules.prefix_rules]]\npattern = [{ token = "git" }]\ndecision = "prompt"\njustificaton = "why"', "unknown-key");
    expect(d.path).toBe("rules.prefix_rules[0].justificaton");
    expect(d.message).toContain("did you mean `justification`?");
  });

  it("flags local-only keys as info for cloud delivery and stays quiet for the system file", () => {
    const text = 'allowed_login_methods = ["chatgpt"]\nchatgpt_base_url = "https://x.example"';
    expect(find(text, "local-only", { source: "cloud" }).map((d) => [d.severity, d.path])).toEqual([
      ["info", "allowed_login_methods"],
      ["info", "chatgpt_base_url"],
    ]);
    expect(find(text, "local-only", { source: "system" })).toEqual([]);
    expect(find(text, "local-only", { source: "mdm" })).toEqual([]);
  });

  it("refuses config_server in cloud-delivered requirements only", () => {
    const text = '[config_server]\nbase_url = "https://config.example"';
    expect(validateRequirements(text, { source: "cloud" }).valid).toBe(false);
    expect(validateRequirements(text, { source: "system" }).valid).toBe(true);
  });

  it("warns that reviewers without user lose the human fallback and guardianv2", () => {
    const [d] = find('allowed_approvals_reviewers = ["guardian_subagent"]', "reviewer-no-user");
    expect(d.severity).toBe("warning");
    expect(d.message).toContain("guardianv2");
  });

  it("warns when no allowed reviewer will read guardian_policy_config", () => {
    expect(find('allowed_approvals_reviewers = ["user"]\nguardian_policy_config = "x"', "policy-unused")).toHaveLength(1);
    expect(find('allowed_approvals_reviewers = ["user", "auto_review"]\nguardian_policy_config = "x"', "policy-unused")).toHaveLength(0);
    expect(find('guardian_policy_config = "x"', "policy-unused")).toHaveLength(0);
  });

  it("tells that the first list entry becomes the default", () => {
    const [d] = find('allowed_approval_policies = ["on-request", "never"]', "first-is-default");
    expect(d.severity).toBe("info");
    expect(d.message).toContain('"on-request"');
    expect(find('allowed_approval_policies = ["never"]', "first-is-default")).toHaveLength(0);
  });

  it("warns about a policy beyond the reviewer's 10,000-token budget (4 bytes per token)", () => {
    expect(find(`guardian_policy_config = "${"a".repeat(40_000)}"`, "policy-size")).toHaveLength(0);
    const [d] = find(`guardian_policy_config = "${"a".repeat(40_004)}"`, "policy-size");
    expect(d.message).toContain("10001 estimated tokens");
  });

  it("normalizes what Codex normalizes: aliases, blank policy, empty features", () => {
    const result = validateRequirements(
      'allowed_approvals_reviewers = ["guardian_subagent", "user"]\nguardian_policy_config = "  "\n[feature_requirements]\nweb_search_request = false\n[network_proxy]\nenabled = true',
    );
    expect(result.valid).toBe(true);
    expect(result.requirements).toMatchObject({
      allowed_approvals_reviewers: ["auto_review", "user"],
      features: { web_search_request: false },
      experimental_network: { enabled: true },
    });
    expect(result.requirements?.guardian_policy_config).toBeUndefined();
    expect(validateRequirements("features = {}").requirements?.features).toBeUndefined();
  });

  it("turns integers into numbers and dates in text fields into their TOML text", () => {
    const r = validateRequirements("guardian_extra_policy = 2026-01-02\n[experimental_network]\nhttp_port = 3128").requirements;
    expect(r?.experimental_network?.http_port).toBe(3128);
    expect(r?.guardian_extra_policy).toBe("2026-01-02");
  });

  it("returns no requirements when the file is invalid", () => {
    expect(validateRequirements("allowed_approval_policies = []").requirements).toBeUndefined();
  });

  it("exports the zod schema for reuse", () => {
    expect(requirementsSchema.safeParse({ allowed_sandbox_modes: ["read-only"] }).success).toBe(true);
    expect(requirementsSchema.safeParse({ allowed_sandbox_modes: ["workspace-write"] }).success).toBe(false);
  });

  it("reports every independent problem, not only the first", () => {
    const codes = validateRequirements('allowed_sandbox_modes = ["bogus"]\nenforce_residency = "eu"\nallow_login_shell = 1').diagnostics.map((d) => d.code);
    expect(codes).toEqual(["enum", "enum", "type"]);
  });

  it("validates a 256 KiB file quickly enough for an editor (smoke check, the bench measures)", () => {
    const text = Array.from({ length: 2500 }, (_, i) => `[[rules.prefix_rules]]\npattern = [{ token = "tool${i}" }, { any_of = ["a", "b"] }]\ndecision = "prompt"\n`).join("");
    expect(validateRequirements(text).valid).toBe(true);
  });
});
