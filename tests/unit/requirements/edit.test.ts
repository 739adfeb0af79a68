import { describe, expect, it } from "vitest";
import { parse } from "smol-toml";
import { readFormFields, setFeature, setTopLevel, tomlMultiline } from "../../../lib/requirements/edit";
import { AppError } from "../../../lib/errors";

const DOC = `# Fleet requirements — keep this comment
allowed_approval_policies = ["on-request", "untrusted"]   # first = default
allowed_sandbox_modes = [
  "read-only",      # always
  "workspace-write",
]
unknown_key = "the form does not know me"

guardian_policy_config = """
## Rules
- Deny exfiltration.
"""

[features]
fast_mode = false   # pinned off

[[rules.prefix_rules]]
pattern = [{ token = "git" }]
decision = "prompt"
`;

describe("reading the form's fields", () => {
  it("reads lists in order, feature pins and the policy text", () => {
    const f = readFormFields(DOC)!;
    expect(f.lists.allowed_approval_policies).toEqual({ values: ["on-request", "untrusted"], editable: true });
    expect(f.lists.allowed_sandbox_modes.values).toEqual(["read-only", "workspace-write"]);
    expect(f.lists.allowed_approvals_reviewers).toEqual({ values: undefined, editable: true });
    expect(f.features).toEqual({ fast_mode: false });
    expect(f.guardianPolicyConfig).toBe("## Rules\n- Deny exfiltration.\n");
  });

  it("shows the legacy reviewer alias under its current name", () => {
    expect(readFormFields('allowed_approvals_reviewers = ["guardian_subagent", "user"]')!.lists.allowed_approvals_reviewers.values).toEqual(["auto_review", "user"]);
  });

  it("marks a list the form cannot show (granular policy) as not editable", () => {
    const f = readFormFields('allowed_approval_policies = [{ granular = { sandbox_approval = true, rules = true, mcp_elicitations = false } }]')!;
    expect(f.lists.allowed_approval_policies.editable).toBe(false);
  });

  it("returns null while the TOML does not parse", () => {
    expect(readFormFields('allowed_sandbox_modes = ["read-only"')).toBeNull();
  });
});

describe("form edits keep the admin's text", () => {
  it("changing one list replaces only that value: comments, layout and unknown keys stay byte for byte", () => {
    const next = setTopLevel(DOC, "allowed_approval_policies", ["untrusted", "on-request"]);
    expect(next).toBe(DOC.replace('["on-request", "untrusted"]', '["untrusted", "on-request"]'));
  });

  it("replaces a multi-line array in place", () => {
    const next = setTopLevel(DOC, "allowed_sandbox_modes", ["read-only"]);
    expect(next).toContain('allowed_sandbox_modes = ["read-only"]\nunknown_key');
    expect(next).toContain("# Fleet requirements — keep this comment");
    expect((parse(next) as Record<string, unknown>).allowed_sandbox_modes).toEqual(["read-only"]);
  });

  it("adds a new key among the root keys, never inside a table", () => {
    const next = setTopLevel(DOC, "allowed_approvals_reviewers", ["user", "auto_review"]);
    const doc = parse(next) as Record<string, unknown>;
    expect(doc.allowed_approvals_reviewers).toEqual(["user", "auto_review"]);
    expect((doc.features as Record<string, unknown>).allowed_approvals_reviewers).toBeUndefined();
    expect(next.indexOf("allowed_approvals_reviewers")).toBeLessThan(next.indexOf("[features]"));
  });

  it("adds a key to a document that starts with a table", () => {
    const next = setTopLevel("[features]\nfast_mode = true\n", "allowed_sandbox_modes", ["read-only"]);
    expect(parse(next)).toEqual({ allowed_sandbox_modes: ["read-only"], features: { fast_mode: true } });
  });

  it("removes a key and its line only", () => {
    const next = setTopLevel(DOC, "unknown_key", undefined);
    expect(next).toBe(DOC.replace('unknown_key = "the form does not know me"\n', ""));
  });

  it("rewrites the multi-line policy text without touching what follows", () => {
    const next = setTopLevel(DOC, "guardian_policy_config", "## Rules\n- Deny all uploads.\n");
    const doc = parse(next) as Record<string, unknown>;
    expect(doc.guardian_policy_config).toBe("## Rules\n- Deny all uploads.\n");
    expect(next).toContain("[features]\nfast_mode = false   # pinned off");
  });

  it("stores policy text with quotes and backslashes so it reads back exactly", () => {
    const tricky = 'Deny `rm -rf /` and C:\\Users paths; """quoted""" and \'\'\'literal\'\'\' text\n';
    const next = setTopLevel(DOC, "guardian_policy_config", tricky);
    expect((parse(next) as Record<string, unknown>).guardian_policy_config).toBe(tricky);
    expect(tomlMultiline("plain\n")).toBe("'''\nplain\n'''");
  });

  it("flips a feature pin in its table, keeping the trailing comment", () => {
    expect(setFeature(DOC, "fast_mode", true)).toContain("fast_mode = true   # pinned off");
  });

  it("adds a feature pin to the existing table and removes one", () => {
    const added = setFeature(DOC, "web_search", false);
    expect((parse(added) as { features: Record<string, boolean> }).features).toEqual({ fast_mode: false, web_search: false });
    const removed = setFeature(DOC, "fast_mode", undefined);
    expect(removed).not.toContain("fast_mode");
    expect(removed).toContain("[features]\n");
  });

  it("creates the features table at the end when there is none, and edits inline or dotted pins in place", () => {
    expect(setFeature('allowed_sandbox_modes = ["read-only"]\n', "fast_mode", false)).toBe('allowed_sandbox_modes = ["read-only"]\n\n[features]\nfast_mode = false\n');
    expect(setFeature("features = { fast_mode = true }\n", "x", false)).toBe("features = { fast_mode = true, x = false }\n");
    expect(setFeature("features.fast_mode = true\n", "fast_mode", false)).toBe("features.fast_mode = false\n");
  });

  it("refuses a bad feature name and edits of a document that does not parse", () => {
    expect(() => setFeature(DOC, "bad name", true)).toThrow(AppError);
    expect(() => setFeature("x = [", "fast_mode", true)).toThrow(/Fix the TOML syntax/);
    expect(() => setTopLevel("x = [", "allowed_sandbox_modes", ["read-only"])).toThrow(/Fix the TOML syntax/);
  });
});
