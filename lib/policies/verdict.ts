/**
 * The verdict of one policy change, in three states:
 * - WIDENS: a structured rule proves agents get more freedom (with the reasons);
 * - REVIEW: nothing structured widens, but the Auto-review policy text changed in meaning (anything beyond
 *   whitespace). Prose cannot be proved narrower, so a person must read the changed sections, which are named here
 *   side by side;
 * - PASS: provably no wider (and the policy text, if any, means the same).
 * Pure and dependency-light: the editor runs it in the browser on every deferred keystroke.
 */
import { parseRequirementsToml, widenedAccess } from "../requirements/compare";

export type VerdictState = "PASS" | "WIDENS" | "REVIEW";

/** One section of the Auto-review policy that changed: null when it was added (before) or removed (after). */
export interface PolicySectionChange {
  /** Heading path, e.g. "Tenant Risk Rules › Data Exfiltration"; "(untitled)" for text before the first heading. */
  section: string;
  before: string | null;
  after: string | null;
}

export interface Verdict {
  verdict: VerdictState;
  reasons: string[];
  /** Changed sections of `guardian_policy_config` (also listed when the verdict is WIDENS for other reasons). */
  policySections?: PolicySectionChange[];
}

/** Whitespace never changes what a reviewer reads: runs collapse to one space, ends are trimmed. */
const squash = (s: string) => s.replace(/\s+/g, " ").trim();

interface Section {
  key: string;
  body: string;
}

/** Splits markdown at its headings; each section keeps its heading path so a moved paragraph is named where it lives. */
export function policySections(text: string): Section[] {
  const out: Section[] = [];
  const path: string[] = [];
  let current: Section = { key: "(untitled)", body: "" };
  for (const line of text.split("\n")) {
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      if (current.body.trim() !== "" || current.key !== "(untitled)") out.push(current);
      const depth = heading[1].length;
      path.length = Math.min(path.length, depth - 1);
      while (path.length < depth - 1) path.push("");
      path.push(heading[2]);
      current = { key: path.filter(Boolean).join(" › "), body: "" };
    } else current.body += `${line}\n`;
  }
  if (current.body.trim() !== "" || current.key !== "(untitled)") out.push(current);
  return out;
}

/** Sections whose text differs beyond whitespace, in the order of the proposed text (removed ones last). */
export function changedPolicySections(before: string, after: string): PolicySectionChange[] {
  const group = (sections: Section[]) => {
    const map = new Map<string, string>();
    for (const s of sections) map.set(s.key, map.has(s.key) ? `${map.get(s.key)}${s.body}` : s.body);
    return map;
  };
  const b = group(policySections(before));
  const a = group(policySections(after));
  const out: PolicySectionChange[] = [];
  for (const [key, body] of a) {
    const was = b.get(key);
    if (was === undefined) out.push({ section: key, before: null, after: body.trim() });
    else if (squash(was) !== squash(body)) out.push({ section: key, before: was.trim(), after: body.trim() });
  }
  for (const [key, body] of b) if (!a.has(key)) out.push({ section: key, before: body.trim(), after: null });
  return out;
}

function policyText(toml: string): string {
  if (toml.trim() === "") return "";
  const value = parseRequirementsToml(toml).guardian_policy_config;
  return typeof value === "string" ? value : "";
}

/**
 * PASS / WIDENS / REVIEW for going from `beforeToml` to `afterToml` (empty text = no policy). Throws
 * AppError("validation_failed") when either is not TOML, like widenedAccess.
 */
export function policyVerdict(beforeToml: string, afterToml: string): Verdict {
  const structured = widenedAccess(beforeToml, afterToml);
  // A shorter policy text is not proof of wider access (nor is a longer one proof of narrower): both are REVIEW.
  const reasons = structured.reasons.filter((r) => !r.startsWith("`guardian_policy_config` shortened"));
  const wider = { verdict: reasons.length > 0 ? "WIDENS" : "PASS", reasons };
  const before = policyText(beforeToml);
  const after = policyText(afterToml);
  const textChanged = squash(before) !== squash(after);
  const sections = textChanged ? changedPolicySections(before, after) : [];
  if (wider.verdict === "WIDENS") return { verdict: "WIDENS", reasons: wider.reasons, ...(textChanged ? { policySections: sections } : {}) };
  if (!textChanged) return { verdict: "PASS", reasons: [] };
  const names = sections.map((s) => s.section);
  const reason =
    before === ""
      ? "`guardian_policy_config` set: read the new Auto-review policy"
      : `\`guardian_policy_config\` text changed in ${names.length === 1 ? "section" : "sections"} ${names.map((n) => `"${n}"`).join(", ")}: a person must judge whether Auto-review allows more`;
  return { verdict: "REVIEW", reasons: [reason], policySections: sections };
}
