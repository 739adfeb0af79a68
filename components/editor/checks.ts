/**
 * Everything the requirements editor shows about one text besides the text itself: the form's view of it, the
 * engine's verdict for each Codex version of the fleet, and what changes against the published version. On a large
 * file this takes hundreds of milliseconds, so the editor computes it in a Web Worker (checks.worker.ts); this module
 * is the pure part both sides share.
 */
import { validateForFleet, type FleetValidation } from "@/lib/requirements";
import { compareRequirements, type Change } from "@/lib/requirements/compare";
import { readFormFields, setFeature, setTopLevel, type FormFields, type FormListKey } from "@/lib/requirements/edit";
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

/**
 * One change made with the form. It is applied to the text off the main thread too: a patch proves itself by parsing
 * the whole file before and after, which on a large file is most of a frame.
 */
export type FormEdit =
  | { kind: "list"; key: FormListKey; values: string[] | undefined }
  | { kind: "feature"; name: string; value: boolean | undefined }
  | { kind: "policy"; value: string | undefined };

export interface EditRequest {
  kind: "edit";
  text: string;
  edit: FormEdit;
}

/** The text the next form edit will likely patch: read ahead (no answer), so the edit itself parses only its result. */
export interface ReadAheadRequest {
  kind: "read-ahead";
  text: string;
}

/** The patched text; or why the form cannot make this edit, with the form's reading of the unchanged text. */
export type EditReply = { kind: "edited"; text: string } | { kind: "edit-failed"; message: string; fields: FormFields | null };

export function answerEdit({ text, edit }: EditRequest): EditReply {
  try {
    const next =
      edit.kind === "list" ? setTopLevel(text, edit.key, edit.values)
      : edit.kind === "feature" ? setFeature(text, edit.name, edit.value)
      : setTopLevel(text, "guardian_policy_config", edit.value);
    return { kind: "edited", text: next };
  } catch (err) {
    return { kind: "edit-failed", message: err instanceof Error ? err.message : String(err), fields: readFormFields(text) };
  }
}

/** The form as it reads once `edit` is applied: shown at once, so the next click builds on it before the text arrives. */
export function withEdit(fields: FormFields, edit: FormEdit): FormFields {
  if (edit.kind === "list") return { ...fields, lists: { ...fields.lists, [edit.key]: { values: edit.values, editable: true } } };
  if (edit.kind === "policy") return { ...fields, guardianPolicyConfig: edit.value };
  const features = { ...fields.features };
  if (edit.value === undefined) delete features[edit.name];
  else features[edit.name] = edit.value;
  return { ...fields, features };
}

/** Two edits of the same value: only the newer one needs applying. */
export function sameTarget(a: FormEdit, b: FormEdit): boolean {
  return a.kind === b.kind && (a.kind === "policy" || (a.kind === "list" && b.kind === "list" && a.key === b.key) || (a.kind === "feature" && b.kind === "feature" && a.name === b.name));
}
