import { describe, expect, it } from "vitest";
import { validateRequirements } from "../../../lib/requirements/index";
import { vectors } from "./vectors";

describe("requirements vectors (verdicts checked against the Codex 0.169.0 binary)", () => {
  it("the table holds at least 150 vectors with unique names", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(150);
    expect(new Set(vectors.map((v) => v.name)).size).toBe(vectors.length);
  });

  it.each(vectors.map((v) => [v.name, v] as const))("%s", (_name, vec) => {
    const result = validateRequirements(vec.toml);
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    expect(result.valid, JSON.stringify(result.diagnostics, null, 1)).toBe(vec.valid);
    expect(errors.length === 0).toBe(vec.valid);
    if (vec.expect) {
      expect(result.diagnostics).toContainEqual(
        expect.objectContaining({
          code: vec.expect.code,
          ...(vec.expect.path !== undefined ? { path: vec.expect.path } : {}),
          ...(vec.expect.severity ? { severity: vec.expect.severity } : {}),
        }),
      );
    }
    // Every diagnostic points inside the admin's text, in reading order.
    const lines = vec.toml.split("\n").length;
    for (const d of result.diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.line).toBeLessThanOrEqual(lines);
      expect(d.column).toBeGreaterThanOrEqual(1);
    }
    const order = result.diagnostics.map((d) => d.line * 1e6 + d.column);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});
