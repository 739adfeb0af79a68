import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors";
import { assertWithinLimits, findLimitViolation, REQUIREMENTS_LIMITS } from "../../../lib/requirements/limits";
import { validateRequirements } from "../../../lib/requirements/validate";
import { readFormFields } from "../../../lib/requirements/edit";
import { diffPolicies } from "../../../lib/policies/common";
import { vectors } from "./vectors";

const errorOf = (fn: () => void): AppError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected an AppError");
};

// The shapes an attacker reaches for, each past exactly one limit.
const LONG_KEY = `"${"k".repeat(REQUIREMENTS_LIMITS.keyLength + 1)}" = 1\n`;
const DEEP_DOTTED = `"a"${".a".repeat(50_000)} = 1\n`;
const DEEP_ARRAYS = `a = ${"[".repeat(REQUIREMENTS_LIMITS.depth + 1)}${"]".repeat(REQUIREMENTS_LIMITS.depth + 1)}\n`;
const MANY_TABLES = Array.from({ length: REQUIREMENTS_LIMITS.keys + 1 }, (_, i) => `[t${i}]\n`).join("");

describe("requirements limits", () => {
  it("names the limit a document breaks, with where: 413 for its size, 422 for its shape", () => {
    const cases: [string, string, string, number][] = [
      ["#".repeat(REQUIREMENTS_LIMITS.bytes + 1), "bytes", "payload_too_large", 413],
      [LONG_KEY, "keyLength", "validation_failed", 422],
      [DEEP_DOTTED, "depth", "validation_failed", 422],
      [DEEP_ARRAYS, "depth", "validation_failed", 422],
      [MANY_TABLES, "keys", "validation_failed", 422],
    ];
    for (const [text, limit, code, status] of cases) {
      const err = errorOf(() => assertWithinLimits(text));
      expect({ code: err.code, status: err.status, limit: (err.details as { limit: string }).limit }).toEqual({ code, status, limit });
      expect(err.message).toContain(`the limit is ${REQUIREMENTS_LIMITS[limit as keyof typeof REQUIREMENTS_LIMITS]}`);
    }
    expect(findLimitViolation(DEEP_DOTTED)).toMatchObject({ limit: "depth", actual: REQUIREMENTS_LIMITS.depth + 1, line: 1 });
  });

  it("counts multi-byte characters as UTF-8 bytes", () => {
    const text = `x = "${"é".repeat(REQUIREMENTS_LIMITS.bytes / 2)}"\n`; // fewer characters than bytes, more bytes than the limit
    expect(text.length).toBeLessThan(REQUIREMENTS_LIMITS.bytes);
    expect(findLimitViolation(text)?.limit).toBe("bytes");
  });

  it("counts nesting through headers, arrays of tables, inline tables and arrays, and ignores brackets inside strings", () => {
    const limits = { ...REQUIREMENTS_LIMITS, depth: 4 };
    expect(findLimitViolation(`[a.b]\nc = { d = 1 }\n`, limits)).toBeNull(); // a.b.c.d
    expect(findLimitViolation(`[a.b]\nc = { d = [1] }\n`, limits)?.limit).toBe("depth"); // a.b.c.d[0]
    expect(findLimitViolation(`[[a.b]]\nc.d = 1\n`, limits)?.limit).toBe("depth"); // a.b[0].c.d
    expect(findLimitViolation(`a = "[[[[[[{{{{"\nb = '''\n[[[[\n'''\n# [[[[[[[[\n`, limits)).toBeNull();
  });

  it("leaves every document of the Codex vector table alone", () => {
    for (const v of vectors.filter((x) => !x.charterLimit)) expect(findLimitViolation(v.toml), v.name).toBeNull();
  });

  it("reports a broken limit as one diagnostic instead of walking the document", () => {
    for (const text of [LONG_KEY, DEEP_DOTTED, DEEP_ARRAYS, MANY_TABLES]) {
      const result = validateRequirements(text);
      expect(result.valid).toBe(false);
      expect(result.diagnostics).toEqual([expect.objectContaining({ severity: "error", code: "limit" })]);
    }
  });

  it("compares a stored draft past the limits with anything instead of overflowing the stack", () => {
    const diff = diffPolicies(DEEP_DOTTED, "allowed_approvals_reviewers = [\"user\"]\n");
    expect(diff.wider.verdict).toBe("WIDENS");
    expect(diff.wider.reasons[0]).toContain("the limit is 32 levels");
    expect(diffPolicies("a = [", DEEP_DOTTED).changes).toEqual([]);
    expect(readFormFields(DEEP_DOTTED)).toBeNull();
  });
});
