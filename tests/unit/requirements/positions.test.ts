import { describe, expect, it } from "vitest";
import { locateKeys, validateRequirements } from "../../../lib/requirements/index";
import { positionOf } from "../../../lib/requirements/toml";

const at = (text: string, code: string) => {
  const d = validateRequirements(text).diagnostics.find((x) => x.code === code);
  if (!d) throw new Error(`no ${code} diagnostic`);
  return { path: d.path, line: d.line, column: d.column };
};

describe("key positions", () => {
  it("maps tables, dotted keys, arrays of tables and inline tables to line and column", () => {
    const text = [
      "allowed_sandbox_modes = [\"read-only\", \"workspace-write\"]",
      "mcp_servers = { docs = { identity = { command = \"x\" } } }",
      "[experimental_network]",
      "domains.\"corp.example\" = \"allow\"",
      "[[rules.prefix_rules]]",
      "pattern = [{ token = \"git\" }]",
      "[[rules.prefix_rules]]",
      "pattern = [ { any_of = [\"a\", \"b\"] } ]",
    ].join("\n");
    const loc = locateKeys(text);
    const key = (p: string) => positionOf(loc, p, "key");
    const value = (p: string) => positionOf(loc, p, "value");
    expect(key("allowed_sandbox_modes")).toEqual({ line: 1, column: 1 });
    expect(value("allowed_sandbox_modes[1]")).toEqual({ line: 1, column: 39 });
    expect(key("experimental_network.domains.\"corp.example\"")).toEqual({ line: 4, column: 9 });
    expect(key("rules.prefix_rules[0].pattern")).toEqual({ line: 6, column: 1 });
    expect(key("rules.prefix_rules[1].pattern[0].any_of")).toEqual({ line: 8, column: 15 });
    expect(value("rules.prefix_rules[1].pattern[0].any_of[1]")).toEqual({ line: 8, column: 30 });
    expect(key("mcp_servers.docs.identity.command")).toEqual({ line: 2, column: 39 });
  });

  it("skips strings and comments that look like keys", () => {
    const text = 'guardian_policy_config = """\n[not_a_table]\nx = 1\n"""\n# allowed_sandbox_modes = []\nallow_login_shell = "yes"';
    expect(at(text, "type")).toEqual({ path: "allow_login_shell", line: 6, column: 21 });
  });

  it("points a semantic error at its key and a type error at its value", () => {
    expect(at('\n\nallowed_sandbox_modes = ["workspace-write"]', "sandbox-read-only")).toEqual({ path: "allowed_sandbox_modes", line: 3, column: 1 });
    expect(at('[[rules.prefix_rules]]\npattern = [{ token = "ls" }]\ndecision = "prompt"\n[[rules.prefix_rules]]\npattern = [{ token = "git" }]\ndecision = "allow"', "prefix-rule-allow")).toEqual({
      path: "rules.prefix_rules[1].decision",
      line: 6,
      column: 1,
    });
  });

  it("points a missing field at the table that lacks it", () => {
    expect(at('x = 1\n[mcp_servers.docs]\nenabled = true', "missing-field")).toEqual({ path: "mcp_servers.docs.identity", line: 2, column: 1 });
  });

  it("reports TOML syntax errors at smol-toml's line and column", () => {
    expect(at('allow_login_shell = true\nallowed_sandbox_modes = ["read-only" "x"]', "toml-syntax")).toEqual({ path: "", line: 2, column: 38 });
  });

  it("keeps positions right with CRLF line endings and a BOM", () => {
    expect(at('\uFEFFallow_login_shell = true\r\nenforce_residency = "eu"\r\n', "enum")).toEqual({ path: "enforce_residency", line: 2, column: 21 });
  });
});
