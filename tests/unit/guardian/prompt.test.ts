import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors";
import { composeReviewerPrompt } from "../../../lib/guardian/prompt";
import { STARTER_TENANT_POLICY } from "../../../lib/guardian/starter-policy";
import { DEFAULT_POLICY_TEMPLATE, GUARDIAN_OUTPUT_SCHEMA, OUTPUT_CONTRACT, POLICY_PLACEHOLDER, TEMPLATE_SECTIONS } from "../../../lib/guardian/template";
import { estimateTokens } from "../../../lib/guardian/tokens";

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe("DEFAULT_POLICY_TEMPLATE", () => {
  it("has a preamble, then the sections in Codex's order, with the placeholder inside Policy Configuration", () => {
    const headings = [...DEFAULT_POLICY_TEMPLATE.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([...TEMPLATE_SECTIONS]);
    expect(headings).toEqual(["Evidence Handling", "User Authorization Scoring", "Base Risk Taxonomy", "Policy Configuration", "Investigation Guidelines", "Outcome Policy"]);
    expect(DEFAULT_POLICY_TEMPLATE.indexOf("## Evidence Handling")).toBeGreaterThan(0); // a preamble comes first
    const slot = DEFAULT_POLICY_TEMPLATE.indexOf(POLICY_PLACEHOLDER);
    expect(slot).toBeGreaterThan(DEFAULT_POLICY_TEMPLATE.indexOf("## Policy Configuration"));
    expect(slot).toBeLessThan(DEFAULT_POLICY_TEMPLATE.indexOf("## Investigation Guidelines"));
    expect(count(DEFAULT_POLICY_TEMPLATE, POLICY_PLACEHOLDER)).toBe(1);
  });

  it("uses the newer placeholder spelling", () => {
    expect(POLICY_PLACEHOLDER).toBe("{{ tenant_policy_config }}");
  });
});

describe("GUARDIAN_OUTPUT_SCHEMA and OUTPUT_CONTRACT", () => {
  it("is exactly Codex's output schema: only outcome required, no extra properties", () => {
    expect(GUARDIAN_OUTPUT_SCHEMA).toEqual({
      type: "object",
      additionalProperties: false,
      properties: {
        risk_level: { enum: ["low", "medium", "high", "critical"] },
        user_authorization: { enum: ["unknown", "low", "medium", "high"] },
        outcome: { enum: ["allow", "deny"] },
        rationale: { type: "string" },
      },
      required: ["outcome"],
    });
  });

  it("tells the model to answer {\"outcome\":\"allow\"} for low risk and all four fields otherwise, with the schema embedded", () => {
    expect(OUTPUT_CONTRACT).toContain('{"outcome":"allow"}');
    expect(OUTPUT_CONTRACT).toContain(JSON.stringify(GUARDIAN_OUTPUT_SCHEMA));
    for (const field of ["risk_level", "user_authorization", "outcome", "rationale"]) expect(OUTPUT_CONTRACT).toContain(`\`${field}\``);
  });
});

describe("STARTER_TENANT_POLICY", () => {
  it("covers the default policy groups in order", () => {
    const groups = ["Environment Profile", "Data Exfiltration", "Credential Probing", "Persistent Security Weakening", "Destructive Actions", "Low-Risk Actions"];
    const positions = groups.map((g) => STARTER_TENANT_POLICY.indexOf(`## ${g}`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it("always denies secret exfiltration even with high authorization", () => {
    expect(STARTER_TENANT_POLICY).toMatch(/Always deny[^\n]*even when `user_authorization` is `high`/);
  });
});

describe("composeReviewerPrompt", () => {
  it("puts the trimmed tenant policy into the Policy Configuration slot", () => {
    const r = composeReviewerPrompt({ policy: "\n\n  Never push to public remotes.  \n\n" });
    expect(r.tenantPolicy).toBe("Never push to public remotes.");
    expect(r.usedDefaultPolicy).toBe(false);
    expect(r.text).toContain("## Policy Configuration");
    expect(r.text).toContain("\n\nNever push to public remotes.\n\n## Investigation Guidelines");
    expect(r.text).not.toContain(POLICY_PLACEHOLDER);
  });

  it("replaces every occurrence of the placeholder in a custom template", () => {
    const template = `A ${POLICY_PLACEHOLDER} B\n${POLICY_PLACEHOLDER}\nC ${POLICY_PLACEHOLDER}`;
    const r = composeReviewerPrompt({ policy: "P", template });
    expect(r.text.startsWith("A P B\nP\nC P\n\n")).toBe(true);
    expect(count(r.text, POLICY_PLACEHOLDER)).toBe(0);
  });

  it("inserts the policy literally, even with $ replacement patterns or a placeholder inside it", () => {
    const policy = "Cost cap $& and $1 stay as written; {{ tenant_policy_config }} is text here.";
    const r = composeReviewerPrompt({ policy, template: `[${POLICY_PLACEHOLDER}]` });
    expect(r.text.startsWith(`[${policy}]\n\n`)).toBe(true);
  });

  it("falls back to the starter policy when the policy is missing, empty or whitespace", () => {
    for (const policy of [undefined, null, "", "   \n\t  "]) {
      const r = composeReviewerPrompt({ policy });
      expect(r.usedDefaultPolicy).toBe(true);
      expect(r.tenantPolicy).toBe(STARTER_TENANT_POLICY.trim());
      expect(r.text).toContain(STARTER_TENANT_POLICY.trim());
    }
    expect(composeReviewerPrompt().usedDefaultPolicy).toBe(true);
  });

  it("ends with a blank line and then the output contract", () => {
    const r = composeReviewerPrompt({ policy: "P" });
    expect(r.text.endsWith(`\n\n${OUTPUT_CONTRACT}`)).toBe(true);
    expect(r.text).toBe(DEFAULT_POLICY_TEMPLATE.replace(POLICY_PLACEHOLDER, "P") + "\n\n" + OUTPUT_CONTRACT);
    expect(r.text.indexOf("## Outcome Policy")).toBeLessThan(r.text.indexOf(OUTPUT_CONTRACT));
  });

  it("keeps the section order of the template in the composed prompt", () => {
    const r = composeReviewerPrompt({ policy: "## Tenant rules\n- deny pushes" });
    const at = TEMPLATE_SECTIONS.map((s) => r.text.indexOf(`## ${s}`));
    expect(at.every((p) => p >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it("rejects a custom template without the placeholder as bad_request", () => {
    try {
      composeReviewerPrompt({ policy: "P", template: "Review carefully. {tenant_policy_config}" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("bad_request");
      expect((err as AppError).status).toBe(400);
    }
  });

  it("uses the default template when the custom template is blank", () => {
    expect(composeReviewerPrompt({ policy: "P", template: "  " }).text).toBe(composeReviewerPrompt({ policy: "P" }).text);
  });
});

describe("estimateTokens", () => {
  it("estimates UTF-8 bytes / 4, rounded up", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abc")).toBe(1);
    expect(estimateTokens("abcd")).toBe(1);
    expect(estimateTokens("abcde")).toBe(2);
  });

  it("counts multi-byte characters by their bytes", () => {
    expect(estimateTokens("é")).toBe(1); // 2 bytes
    expect(estimateTokens("éééé")).toBe(2); // 8 bytes
    expect(estimateTokens("😀😀")).toBe(2); // 8 bytes, 4 UTF-16 units
    expect(estimateTokens("x".repeat(40_000))).toBe(10_000);
  });
});
