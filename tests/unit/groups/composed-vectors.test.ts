import { describe, expect, it } from "vitest";
import { validateRequirements } from "../../../lib/requirements";
import { composedVectors } from "./composed-vectors";

describe("composed base + overlay files handed to the Codex oracle", () => {
  const vectors = composedVectors();

  it("covers each merge rule, with one composition Codex must refuse", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(12);
    expect(vectors.filter((v) => !v.valid).map((v) => v.name)).toEqual(["composed: an allow-list intersected to nothing (refused)"]);
  });

  it.each(vectors.map((v) => [v.name, v] as const))("%s: Charter's Codex model gives the composed file the vector's verdict", (_name, v) => {
    expect(validateRequirements(v.toml).valid).toBe(v.valid);
    expect(v.toml.startsWith("# Composed by Charter")).toBe(true);
  });
});
