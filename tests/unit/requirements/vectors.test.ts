import { describe, expect, it } from "vitest";
import { validateRequirements } from "../../../lib/requirements/index";
import { decodeRequirementsBytes } from "../../../lib/requirements/toml";
import { validateRequirementsBytes } from "../../../lib/requirements/validate";
import { KNOWN_CODEX_VERSIONS, vectors, verdictFor, type Vector } from "./vectors";

const check = (vec: Vector, codex: string) => (vec.bytes ? validateRequirementsBytes(vec.bytes, { codex }) : validateRequirements(vec.toml, { codex }));

describe("requirements vectors (verdicts checked against the real Codex binaries by scripts/codex-oracle.ts)", () => {
  it("the table holds at least 150 vectors with unique names, and names only known versions", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(150);
    expect(new Set(vectors.map((v) => v.name)).size).toBe(vectors.length);
    for (const v of vectors) for (const version of Object.keys(v.byVersion ?? {})) expect(KNOWN_CODEX_VERSIONS).toContain(version);
  });

  it("byte vectors are not UTF-8 (their toml is only a readable stand-in)", () => {
    for (const v of vectors.filter((x) => x.bytes)) expect(decodeRequirementsBytes(v.bytes!).ok).toBe(false);
  });

  const cases = vectors.flatMap((v) => KNOWN_CODEX_VERSIONS.map((version) => [`${version}: ${v.name}`, v, version] as const));
  it.each(cases)("%s", (_name, vec, version) => {
    const result = check(vec, version);
    if (vec.charterLimit) {
      // Charter's own limit refuses the file first; the oracle still checks Codex's verdict on it.
      expect(result.diagnostics).toEqual([expect.objectContaining({ severity: "error", code: "limit" })]);
      return;
    }
    const want = verdictFor(vec, version);
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    expect(result.codexVersion).toBe(version);
    expect(result.valid, JSON.stringify(result.diagnostics, null, 1)).toBe(want);
    expect(errors.length === 0).toBe(want);
    if (vec.expect && want === vec.valid) {
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
