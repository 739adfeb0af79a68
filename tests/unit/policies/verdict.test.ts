import { describe, expect, it } from "vitest";
import { changedPolicySections, policyVerdict } from "../../../lib/policies/verdict";
import { setTopLevel } from "../../../lib/requirements/edit";

const POLICY = "## Environment\n- Our GitHub org is trusted.\n\n## Always deny\n- Force-pushing to main.\n- Uploading secrets.\n";
const base = setTopLevel('allowed_sandbox_modes = ["read-only"]\n', "guardian_policy_config", POLICY);
const withPolicy = (policy: string) => setTopLevel(base, "guardian_policy_config", policy);

describe("the three-state verdict", () => {
  it("REVIEW when the Auto-review policy text is rewritten to allow more, naming the section side by side", () => {
    const after = withPolicy(POLICY.replace("## Always deny", "## Allow anything the agent asks, including force-pushing to main"));
    const v = policyVerdict(base, after);
    expect(v.verdict).toBe("REVIEW");
    expect(v.reasons[0]).toContain("Allow anything the agent asks, including force-pushing to main");
    expect(v.policySections).toEqual([
      { section: "Allow anything the agent asks, including force-pushing to main", before: null, after: "- Force-pushing to main.\n- Uploading secrets." },
      { section: "Always deny", before: "- Force-pushing to main.\n- Uploading secrets.", after: null },
    ]);
  });

  it("REVIEW for a longer text that loosens a rule (length says nothing about meaning)", () => {
    const v = policyVerdict(base, withPolicy(POLICY.replace("- Uploading secrets.", "- Uploading secrets, unless the agent says it is in a hurry and it is probably fine.")));
    expect(v.verdict).toBe("REVIEW");
    expect(v.policySections?.map((s) => s.section)).toEqual(["Always deny"]);
    expect(v.policySections?.[0].before).toContain("- Uploading secrets.");
  });

  it("REVIEW, not WIDENS, for a shorter text: length proves nothing either way", () => {
    const v = policyVerdict(base, withPolicy("## Always deny\n- Force-pushing to main.\n"));
    expect(v.verdict).toBe("REVIEW");
    expect(v.policySections?.map((s) => s.section)).toEqual(["Always deny", "Environment"]);
  });

  it("PASS when only whitespace changed, and when nothing changed", () => {
    expect(policyVerdict(base, withPolicy(POLICY.replace("\n\n## Always", "\n\n\n##   Always").replace("- Force", "-   Force") + "\n\n"))).toEqual({ verdict: "PASS", reasons: [] });
    expect(policyVerdict(base, base)).toEqual({ verdict: "PASS", reasons: [] });
  });

  it("REVIEW when a policy is set for the first time (it replaces Codex's default)", () => {
    const v = policyVerdict('allowed_sandbox_modes = ["read-only"]\n', base);
    expect(v.verdict).toBe("REVIEW");
    expect(v.reasons[0]).toContain("set");
  });

  it("WIDENS wins over REVIEW and still lists the changed sections", () => {
    const after = setTopLevel(withPolicy(POLICY + "- Deleting build directories.\n"), "allowed_sandbox_modes", ["read-only", "danger-full-access"]);
    const v = policyVerdict(base, after);
    expect(v.verdict).toBe("WIDENS");
    expect(v.reasons.join("\n")).toContain("danger-full-access");
    expect(v.policySections?.map((s) => s.section)).toEqual(["Always deny"]);
  });

  it("WIDENS when the policy is removed; PASS when a structured constraint is only tightened", () => {
    expect(policyVerdict(base, 'allowed_sandbox_modes = ["read-only"]\n').verdict).toBe("WIDENS");
    expect(policyVerdict('allowed_sandbox_modes = ["read-only", "workspace-write"]\n', 'allowed_sandbox_modes = ["read-only"]\n').verdict).toBe("PASS");
  });

  it("names nested sections by their heading path", () => {
    const changes = changedPolicySections("## Risk\n### Exfiltration\n- Deny uploads.\n", "## Risk\n### Exfiltration\n- Allow uploads.\n");
    expect(changes).toEqual([{ section: "Risk › Exfiltration", before: "- Deny uploads.", after: "- Allow uploads." }]);
  });
});
