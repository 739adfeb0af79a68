// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { highlightToml } from "../../../components/toml-highlight";
import { TomlView } from "../../../components/toml-view";

const SOURCE = `# comment
allowed_sandbox_modes = ["read-only", "workspace-write"]
guardian_policy_config = """
Deny exfiltration.
"""
[features]
fast_mode = false
`;

describe("TOML highlighting", () => {
  it("classifies comments, keys, strings, tables and booleans", () => {
    const lines = highlightToml(SOURCE);
    expect(lines[0]).toEqual([{ kind: "comment", text: "# comment" }]);
    expect(lines[1][0]).toEqual({ kind: "key", text: "allowed_sandbox_modes" });
    expect(lines[1].filter((t) => t.kind === "string").map((t) => t.text)).toEqual(['"read-only"', '"workspace-write"']);
    expect(lines[5]).toEqual([{ kind: "table", text: "[features]" }]);
    expect(lines[6].find((t) => t.kind === "bool")?.text).toBe("false");
  });

  it("follows a multi-line string across lines instead of colouring its words as keys", () => {
    const lines = highlightToml(SOURCE);
    expect(lines[3]).toEqual([{ kind: "string", text: "Deny exfiltration." }]);
    expect(lines[4]).toEqual([{ kind: "string", text: '"""' }]);
  });

  it("keeps every character of the source", () => {
    const joined = highlightToml(SOURCE).map((l) => l.map((t) => t.text).join("")).join("\n");
    expect(joined).toBe(SOURCE);
  });

  it("renders numbered lines with the text and a label for screen readers", () => {
    render(<TomlView source={SOURCE} label="Draft requirements.toml" />);
    const pre = screen.getByLabelText("Draft requirements.toml", { selector: "pre" });
    expect(pre).toHaveTextContent("allowed_sandbox_modes");
    expect(pre.querySelectorAll("[data-line]")).toHaveLength(SOURCE.split("\n").length);
    expect(pre.querySelector(".tok-table")).toHaveTextContent("[features]");
  });
});
