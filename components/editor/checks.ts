/**
 * Everything the requirements editor shows about one text besides the text itself: the form's view of it, the
 * engine's verdict for each Codex version of the fleet, and what changes against the published version. On a large
 * file this takes hundreds of milliseconds, so the editor computes it in a Web Worker (checks.worker.ts); this module
 * is the pure part both sides share.
 */
import { validateForFleet, type FleetValidation } from "@/lib/requirements";
import { compareRequirements, type Change } from "@/lib/requirements/compare";
import { readFormFields, type FormFields } from "@/lib/requirements/edit";
import { policyVerdict, type Verdict } from "@/lib/policies/verdict";

export interface CheckRequest {
  text: string;
  codexVersions: string[];
  /** The published version's TOML ("" when nothing is published yet). */
  published: string;
}

export type Validation = Pick<FleetValidation, "valid" | "diagnostics" | "codexVersion" | "versions">;

/** The worker answers twice: the form first (one parse), then the slower checks. */
export type CheckReply =
  | { text: string; kind: "fields"; fields: FormFields | null }
  | { text: string; kind: "checks"; validation: Validation; comparison: Comparison | null };

export interface Comparison {
  changes: Change[];
  wider: Verdict;
}

export function compareWithPublished(published: string, text: string): Comparison | null {
  try {
    return { changes: compareRequirements(published, text), wider: policyVerdict(published, text) };
  } catch {
    return null; // the text does not parse: the diagnostics say why
  }
}

export function validate(text: string, codexVersions: string[]): Validation {
  const { valid, diagnostics, codexVersion, versions } = validateForFleet(text, codexVersions);
  return { valid, diagnostics, codexVersion, versions };
}

/** Both answers for one request, in the order the worker sends them. */
export function answer(req: CheckRequest): [CheckReply, CheckReply] {
  const fields: CheckReply = { text: req.text, kind: "fields", fields: readFormFields(req.text) };
  return [fields, { text: req.text, kind: "checks", validation: validate(req.text, req.codexVersions), comparison: compareWithPublished(req.published, req.text) }];
}
