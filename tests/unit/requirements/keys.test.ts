import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compareRequirements, widenedAccess, WIDENING_CHECKS } from "../../../lib/requirements/compare";
import { FORM_LIST_KEYS, FORM_OPTIONS } from "../../../lib/requirements/edit";
import { CONSTRAINT_KEYS, KEY_ALIASES, LOCAL_ONLY_KEYS, mergeRuleOf, REQUIREMENT_KEYS, renderKeysDoc, SWITCH_KEYS, type KeyInfo } from "../../../lib/requirements/keys";
import { effectiveRequirements } from "../../../lib/requirements/layers";
import { schemasFor } from "../../../lib/requirements/schema";
import { compareVersions, KNOWN_CODEX_VERSIONS } from "../../../lib/requirements/versions";

const table = REQUIREMENT_KEYS as Record<string, KeyInfo>;
const schemaKeys = (version: string) => Object.keys((schemasFor(version).structure as unknown as { def: { shape: object } }).def.shape);

describe("the requirement key table (keys.ts)", () => {
  it.each(KNOWN_CODEX_VERSIONS)("describes exactly the top-level keys of Codex %s's schema", (version) => {
    const expected = Object.keys(table).filter((k) => !table[k].since || compareVersions(table[k].since!, version) <= 0);
    expect(schemaKeys(version).sort()).toEqual(expected.sort());
  });

  it("feeds the form: list controls, their options (every option a value the schema accepts) and order", () => {
    expect(FORM_LIST_KEYS).toEqual(["allowed_approval_policies", "allowed_sandbox_modes", "allowed_approvals_reviewers", "allowed_web_search_modes"]);
    const schema = schemasFor().schema;
    for (const key of FORM_LIST_KEYS) {
      for (const option of FORM_OPTIONS[key]) {
        const doc = { [key]: key === "allowed_sandbox_modes" ? ["read-only", option] : [option] };
        expect(schema.safeParse(doc).success, `${key} = ${option}`).toBe(true);
      }
    }
  });

  it("feeds the layer merge: appended, unioned and plain keys", () => {
    expect(mergeRuleOf(["rules", "prefix_rules"])).toBe("append");
    expect(mergeRuleOf(["hooks", "Stop"])).toBe("append");
    expect(mergeRuleOf(["permissions", "filesystem", "deny_read"])).toBe("union");
    expect(mergeRuleOf(["auto_review", "required_on_models"])).toBe("union");
    expect(mergeRuleOf(["allowed_sandbox_modes"])).toBe("replace");
    const merged = effectiveRequirements([
      { kind: "system", name: "/etc/codex/requirements.toml", text: 'auto_review = { required_on_models = ["a"] }\nallowed_sandbox_modes = ["read-only"]' },
      { kind: "mdm", name: "mdm", text: 'auto_review = { required_on_models = ["b"] }\nallowed_sandbox_modes = ["read-only", "workspace-write"]' },
    ]);
    expect(merged.value.auto_review).toEqual({ required_on_models: ["b", "a"] });
    expect(merged.value.allowed_sandbox_modes).toEqual(["read-only", "workspace-write"]);
  });

  it("feeds compare and widening: allowlists, default-first lists, text keys, aliases", () => {
    expect(widenedAccess('allowed_web_search_modes = ["cached"]', 'allowed_web_search_modes = ["cached", "disabled"]').verdict).toBe("PASS");
    expect(widenedAccess('allowed_web_search_modes = ["cached"]', 'allowed_web_search_modes = ["cached", "live"]').verdict).toBe("WIDENS");
    expect(widenedAccess('enforce_residency = "us"', "").reasons).toContain("`enforce_residency` removed: it no longer constrains agents");
    expect(compareRequirements('allowed_sandbox_modes = ["read-only", "workspace-write"]', 'allowed_sandbox_modes = ["workspace-write", "read-only"]')[0].summary).toMatch(/is now first, so it is the default/);
    expect(compareRequirements('rules = { prefix_rules = [{ pattern = [{ token = "a" }], decision = "prompt" }, { pattern = [{ token = "b" }], decision = "prompt" }] }', 'rules = { prefix_rules = [{ pattern = [{ token = "b" }], decision = "prompt" }, { pattern = [{ token = "a" }], decision = "prompt" }] }')).toEqual([]);
    expect(compareRequirements('guardian_extra_policy = "a"', 'guardian_extra_policy = "b"')[0].summary).toMatch(/characters/);
    expect(KEY_ALIASES).toEqual([["features", "feature_requirements"], ["experimental_network", "network_proxy"]]);
    expect(LOCAL_ONLY_KEYS).toEqual(["allowed_login_methods", "allowed_chatgpt_workspaces", "cli_auth_credentials_store", "chatgpt_base_url"]);
  });

  it("gives every key a widening rule, a merge rule and a docs row; constraint keys their checks, switches and allowlists theirs", () => {
    const doc = readFileSync(new URL("../../../docs/requirements-keys.md", import.meta.url), "utf8");
    for (const [key, k] of Object.entries(table)) {
      expect(["allowlist", "constraint", "switch", "none"], `${key}: widening rule`).toContain(k.widen.kind);
      expect(["replace", "table", "append", "union", "per-layer"], `${key}: merge rule`).toContain(mergeRuleOf([key]));
      expect(doc, `${key}: docs row`).toContain(`| \`${key}\` |`);
      // An allowlist is edited with a list control whose options the form offers.
      if (k.widen.kind === "allowlist") expect(FORM_OPTIONS[key as keyof typeof FORM_OPTIONS], `${key}: form control`).toEqual(k.control?.kind === "list" ? k.control.options : "a list control");
    }
    // compare.ts has checks for exactly the constraint keys.
    expect(Object.keys(WIDENING_CHECKS).sort()).toEqual([...CONSTRAINT_KEYS].sort());
    // The leaf rules read every switch: turning it one way or the other widens.
    for (const key of SWITCH_KEYS) {
      const flips = [widenedAccess(`${key} = false`, `${key} = true`), widenedAccess(`${key} = true`, `${key} = false`)];
      expect(flips.map((f) => f.verdict), key).toContain("WIDENS");
    }
  });

  it("docs/requirements-keys.md is generated from the table (run `npx tsx scripts/keys-doc.ts` after changing it)", () => {
    expect(readFileSync(new URL("../../../docs/requirements-keys.md", import.meta.url), "utf8")).toBe(renderKeysDoc());
  });
});
