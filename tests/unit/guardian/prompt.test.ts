/**
 * Charter's approximate reviewer prompt (used when a Codex version's own prompt was not captured). These tests state
 * what composition does (slots, trimming, fallback, order, the contract at the end) and compare the output schema with
 * what Codex really sends; they do not restate the template's wording, so rewording it cannot break them and a
 * composition bug cannot hide behind a copy of the text.
 *
 * The output-schema test needs Codex's captured reviewer requests (../shared/codex-telemetry, see codex-prompt.test.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors";
import { composeReviewerPrompt } from "../../../lib/guardian/prompt";
import { STARTER_TENANT_POLICY } from "../../../lib/guardian/starter-policy";
import { DEFAULT_POLICY_TEMPLATE, GUARDIAN_OUTPUT_SCHEMA, OUTPUT_CONTRACT, POLICY_PLACEHOLDER, TEMPLATE_SECTIONS } from "../../../lib/guardian/template";
import { estimateTokens } from "../../../lib/guardian/tokens";

const count = (text: string, needle: string) => text.split(needle).length - 1;
const headings = (text: string) => [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
/** A policy no template contains, so where it lands is unambiguous. */
const POLICY = "Tenant rule 4711: never push to public remotes.";

const repo = resolve(__dirname, "../../..");
const telemetry = [process.env.CHARTER_CODEX_TELEMETRY, join(repo, "../shared/codex-telemetry"), join(repo, "../../shared/codex-telemetry"), "/work/shared/codex-telemetry"].find(
  (d): d is string => !!d && existsSync(d),
);

describe("DEFAULT_POLICY_TEMPLATE", () => {
  it("has a preamble, the sections TEMPLATE_SECTIONS names in that order, and exactly one policy slot", () => {
    expect(headings(DEFAULT_POLICY_TEMPLATE)).toEqual([...TEMPLATE_SECTIONS]);
    expect(DEFAULT_POLICY_TEMPLATE.indexOf("## ")).toBeGreaterThan(0);
    expect(count(DEFAULT_POLICY_TEMPLATE, POLICY_PLACEHOLDER)).toBe(1);
  });

  it("puts the policy slot inside the section that follows the one before it (not at the start or the end)", () => {
    const composed = composeReviewerPrompt({ policy: POLICY }).text;
    const at = composed.indexOf(POLICY);
    const sectionStarts = TEMPLATE_SECTIONS.map((s) => composed.indexOf(`## ${s}`));
    const inside = sectionStarts.filter((p) => p < at).length;
    expect(inside).toBeGreaterThan(0);
    expect(inside).toBeLessThan(TEMPLATE_SECTIONS.length);
  });
});

describe("GUARDIAN_OUTPUT_SCHEMA and OUTPUT_CONTRACT", () => {
  it("is the output schema Codex sends its reviewer, in every captured run", () => {
    if (!telemetry) throw new Error("This test needs Codex's captured reviewer requests (../shared/codex-telemetry or CHARTER_CODEX_TELEMETRY)");
    for (const runDir of ["0.169.0-deny1", "0.171.0-deny1", "0.171.0-allow1"]) {
      const body = JSON.parse(readFileSync(join(telemetry, runDir, "reviewer-requests", "003-POST-_v1_responses.raw"), "utf8"));
      expect(GUARDIAN_OUTPUT_SCHEMA, runDir).toEqual(body.text.format.schema);
    }
  });

  it("embeds the schema and names every field of it", () => {
    expect(OUTPUT_CONTRACT).toContain(JSON.stringify(GUARDIAN_OUTPUT_SCHEMA));
    for (const field of Object.keys(GUARDIAN_OUTPUT_SCHEMA.properties)) expect(OUTPUT_CONTRACT).toContain(`\`${field}\``);
  });
});

describe("STARTER_TENANT_POLICY", () => {
  it("is a non-trivial policy with its own headings, and composing with no policy inserts it", () => {
    expect([...STARTER_TENANT_POLICY.matchAll(/^#{2,3} /gm)].length).toBeGreaterThan(2);
    const r = composeReviewerPrompt({});
    expect(r.usedDefaultPolicy).toBe(true);
    expect(r.text).toContain(STARTER_TENANT_POLICY.trim());
  });
});

describe("composeReviewerPrompt", () => {
  it("puts the trimmed tenant policy into the slot, and nothing else of the template changes", () => {
    const r = composeReviewerPrompt({ policy: `\n\n  ${POLICY}  \n\n` });
    expect(r.tenantPolicy).toBe(POLICY);
    expect(r.usedDefaultPolicy).toBe(false);
    expect(r.text).not.toContain(POLICY_PLACEHOLDER);
    const [before, after] = DEFAULT_POLICY_TEMPLATE.split(POLICY_PLACEHOLDER);
    expect(r.text).toBe(`${before}${POLICY}${after}\n\n${OUTPUT_CONTRACT}`);
  });

  it("replaces every occurrence of the placeholder in a custom template", () => {
    const template = `A ${POLICY_PLACEHOLDER} B\n${POLICY_PLACEHOLDER}\nC ${POLICY_PLACEHOLDER}`;
    const r = composeReviewerPrompt({ policy: "P", template });
    expect(r.text).toBe(`A P B\nP\nC P\n\n${OUTPUT_CONTRACT}`);
  });

  it("inserts the policy literally, even with $ replacement patterns or a placeholder inside it", () => {
    const policy = `Cost cap $& and $1 stay as written; ${POLICY_PLACEHOLDER} is text here.`;
    const r = composeReviewerPrompt({ policy, template: `[${POLICY_PLACEHOLDER}]` });
    expect(r.text).toBe(`[${policy}]\n\n${OUTPUT_CONTRACT}`);
  });

  it("falls back to the starter policy when the policy is missing, empty or whitespace", () => {
    for (const policy of [undefined, null, "", "   \n\t  "]) {
      const r = composeReviewerPrompt({ policy });
      expect(r.usedDefaultPolicy).toBe(true);
      expect(r.tenantPolicy).toBe(STARTER_TENANT_POLICY.trim());
    }
  });

  it("keeps the template's section order and ends with a blank line and the output contract", () => {
    const r = composeReviewerPrompt({ policy: "## Tenant rules\n- deny pushes" });
    expect(headings(r.text).filter((h) => (TEMPLATE_SECTIONS as readonly string[]).includes(h))).toEqual([...TEMPLATE_SECTIONS]);
    expect(r.text.endsWith(`\n\n${OUTPUT_CONTRACT}`)).toBe(true);
  });

  it("rejects a custom template without the placeholder as bad_request", () => {
    let caught: unknown;
    try {
      composeReviewerPrompt({ policy: "P", template: "Review carefully. {tenant_policy_config}" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe("bad_request");
    expect((caught as AppError).status).toBe(400);
  });

  it("uses the default template when the custom template is blank", () => {
    expect(composeReviewerPrompt({ policy: "P", template: "  " }).text).toBe(composeReviewerPrompt({ policy: "P" }).text);
  });
});

describe("estimateTokens", () => {
  it("estimates UTF-8 bytes / 4, rounded up", () => {
    expect([estimateTokens(""), estimateTokens("abc"), estimateTokens("abcd"), estimateTokens("abcde")]).toEqual([0, 1, 1, 2]);
  });

  it("counts multi-byte characters by their bytes", () => {
    expect(estimateTokens("é")).toBe(1); // 2 bytes
    expect(estimateTokens("éééé")).toBe(2); // 8 bytes
    expect(estimateTokens("😀😀")).toBe(2); // 8 bytes, 4 UTF-16 units
    expect(estimateTokens("x".repeat(40_000))).toBe(10_000);
  });
});
