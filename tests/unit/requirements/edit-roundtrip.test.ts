/**
 * Property test of the form → TOML direction: random edits at random positions (start, middle, end, right after the
 * last newline) with awkward text (quotes, backslashes, multi-byte characters, CRLF) must always apply, and the TOML
 * must read back as exactly what the form holds. A fixed seed keeps failures reproducible; the seed is in the name.
 */
import { describe, expect, it } from "vitest";
import { FORM_LIST_KEYS, FORM_OPTIONS, readFormFields, setFeature, setTopLevel, type FormListKey } from "../../../lib/requirements/edit";
import { validateRequirements } from "../../../lib/requirements";
import { STARTER_TENANT_POLICY } from "../../../lib/guardian/starter-policy";

/** mulberry32: a tiny seeded generator. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ["x", " ", "\n", "\t", "é", "中文", "😀", "'", "''", "'''", '"', '"""', "\\", "\\n", "\r\n", "#", "[x]", "= 1", "- Deny pushes.", "## Always deny\n"];

function randomText(r: () => number): string {
  let out = "";
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) out += PIECES[Math.floor(r() * PIECES.length)];
  return out;
}

/** Positions an admin reaches: start, end, after the last newline, or anywhere (never inside a surrogate pair). */
function randomPosition(r: () => number, text: string): number {
  const pick = r();
  if (pick < 0.2) return 0;
  if (pick < 0.45) return text.length;
  if (pick < 0.6) return text.lastIndexOf("\n") + 1;
  let at = Math.floor(r() * (text.length + 1));
  if (at > 0 && at < text.length && /[\udc00-\udfff]/.test(text[at])) at--;
  return at;
}

const START = `# Managed by Charter
allowed_approval_policies = ["on-request", "untrusted"]
allowed_sandbox_modes = ["read-only", "workspace-write"]
guardian_policy_config = '''
${STARTER_TENANT_POLICY.slice(0, 400)}
'''

[features]
fast_mode = false
`;

describe("every form edit round-trips through the TOML", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`policy keystrokes at random positions keep TOML and form equal (seed ${seed})`, () => {
      const r = rng(seed);
      let toml = START;
      let policy = readFormFields(toml)!.guardianPolicyConfig!;
      for (let step = 0; step < 120; step++) {
        const at = randomPosition(r, policy);
        const typed = r() < 0.15 && policy.length > 0 ? "" : randomText(r);
        // A deletion now and then (Backspace), else an insertion.
        policy = typed === "" ? policy.slice(0, Math.max(0, at - 1)) + policy.slice(at) : policy.slice(0, at) + typed + policy.slice(at);
        if (policy.trim() === "") policy = "- Deny everything.";
        toml = setTopLevel(toml, "guardian_policy_config", policy);
        const fields = readFormFields(toml);
        expect(fields?.guardianPolicyConfig, `step ${step}`).toBe(policy);
        expect(validateRequirements(toml).diagnostics.filter((d) => d.message.includes("TOML syntax"))).toEqual([]);
      }
      // The untouched parts of the document stay as written.
      expect(toml.startsWith("# Managed by Charter\nallowed_approval_policies")).toBe(true);
      expect(toml.endsWith("[features]\nfast_mode = false\n")).toBe(true);
    });
  }

  for (const seed of [11, 12, 13]) {
    it(`random list, pin and policy edits keep TOML and form equal (seed ${seed})`, () => {
      const r = rng(seed);
      let toml = START;
      for (let step = 0; step < 150; step++) {
        const before = readFormFields(toml)!;
        const kind = r();
        if (kind < 0.5) {
          const key = FORM_LIST_KEYS[Math.floor(r() * FORM_LIST_KEYS.length)] as FormListKey;
          const options = FORM_OPTIONS[key];
          const current = before.lists[key].values;
          // Unset, toggle an option, or move one to the front: the operations the list control offers.
          const op = r();
          let next: string[] | undefined;
          if (op < 0.1) next = undefined;
          else if (op < 0.7 || !current || current.length < 2) {
            const o = options[Math.floor(r() * options.length)];
            next = current?.includes(o) ? current.filter((v) => v !== o) : [...(current ?? []), o];
          } else next = [current[current.length - 1], ...current.slice(0, -1)];
          toml = setTopLevel(toml, key, next);
          expect(readFormFields(toml)!.lists[key].values, `step ${step}`).toEqual(next);
        } else if (kind < 0.8) {
          const name = ["fast_mode", "web_search", "unified_exec", "x-1"][Math.floor(r() * 4)];
          const value = r() < 0.3 ? undefined : r() < 0.5;
          toml = setFeature(toml, name, value);
          const expected = { ...before.features };
          if (value === undefined) delete expected[name];
          else expected[name] = value;
          expect(readFormFields(toml)!.features, `step ${step}`).toEqual(expected);
        } else {
          const policy = before.guardianPolicyConfig ?? "";
          const at = randomPosition(r, policy);
          const next = policy.slice(0, at) + randomText(r) + policy.slice(at);
          toml = setTopLevel(toml, "guardian_policy_config", next);
          expect(readFormFields(toml)!.guardianPolicyConfig, `step ${step}`).toBe(next);
        }
        // Nothing else moved: every other field reads as before.
        const after = readFormFields(toml)!;
        for (const key of FORM_LIST_KEYS) if (kind >= 0.5) expect(after.lists[key]).toEqual(before.lists[key]);
      }
      expect(toml.startsWith("# Managed by Charter\n")).toBe(true);
    });
  }
});
