import { describe, expect, it } from "vitest";
import { validateRequirements } from "../../../lib/requirements";

const errorAt = (text: string) => validateRequirements(text).diagnostics.filter((d) => d.severity === "error").map((d) => [d.line, d.column]);

describe("a syntax error points where the mistake is", () => {
  it("an array left open is reported at the end of its last line, not on the next key's line", () => {
    expect(errorAt('a = 1\nallowed_sandbox_modes = ["read-only"\nb = 2\n')).toEqual([[2, 37]]);
    // Blank lines and comments in between do not move it either.
    expect(errorAt('allowed_sandbox_modes = ["read-only"  # the default\n\n# note\nb = 2\n')).toEqual([[1, 37]]);
  });

  it("other errors keep the parser's position", () => {
    expect(errorAt("x = \n")).toEqual([[1, 5]]);
    expect(errorAt('allowed_sandbox_modes = ["read-only"]\nfoo bar\n')).toEqual([[2, 5]]);
  });
});
