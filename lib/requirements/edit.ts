/**
 * Form edits applied to the admin's TOML text. Only the value of the key being set changes; comments, layout, key
 * order and every key the form does not know stay byte for byte. Each patch is checked by parsing the result: if the
 * text would not mean exactly "the old document with this one value changed", the edit is refused instead of guessed.
 */
import { parse } from "smol-toml";
import { assertWithinLimits } from "./limits";
import { AppError } from "../errors";
import { isTable } from "./compare";
import { stripBom } from "./toml";

import { FORM_LIST_KEYS, listControl, type FormListKey } from "./keys";

/** The keys the console's list controls edit and their options: from the key table (keys.ts). */
export { FORM_LIST_KEYS, type FormListKey };
export const FORM_OPTIONS = {} as Record<FormListKey, readonly string[]>;
for (const key of FORM_LIST_KEYS) FORM_OPTIONS[key] = listControl(key).options;

export interface FormFields {
  /** undefined = key absent (unconstrained). `editable` is false when the list holds entries the form cannot show. */
  lists: Record<FormListKey, { values: string[] | undefined; editable: boolean }>;
  features: Record<string, boolean>;
  /** The table the feature pins live in (`features`, or its alias `feature_requirements`). */
  featuresKey: "features" | "feature_requirements";
  guardianPolicyConfig: string | undefined;
}

type Table = Record<string, unknown>;

// The documents parsed last, newest first. A form edit reads the text it patches (the form's reading, then the proof)
// and the next edit starts from the text the previous one proved: each is parsed once. Callers never mutate them.
let recent: { text: string; doc: Table }[] = [];

function parseDoc(text: string): Table {
  const hit = recent.find((r) => r.text === text);
  if (hit) return hit.doc;
  assertWithinLimits(text);
  const doc = parse(stripBom(text)) as Table;
  recent = [{ text, doc }, recent[0]].filter(Boolean).slice(0, 2);
  return doc;
}

/** Reads the form's view of a document; null when the TOML does not parse (the form waits for the text to be fixed). */
export function readFormFields(text: string): FormFields | null {
  let doc: Table;
  try {
    doc = parseDoc(text);
  } catch {
    return null;
  }
  const lists = {} as FormFields["lists"];
  for (const key of FORM_LIST_KEYS) {
    const value = doc[key];
    if (value === undefined) lists[key] = { values: undefined, editable: true };
    else if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      // Codex reads `guardian_subagent` as `auto_review`; the form shows the current name.
      const values = (value as string[]).map((v) => (key === "allowed_approvals_reviewers" && v === "guardian_subagent" ? "auto_review" : v));
      lists[key] = { values, editable: values.every((v) => FORM_OPTIONS[key].includes(v)) };
    } else lists[key] = { values: undefined, editable: false };
  }
  const featuresKey = doc.features === undefined && doc.feature_requirements !== undefined ? "feature_requirements" : "features";
  const rawFeatures = doc[featuresKey];
  const features: Record<string, boolean> = {};
  if (rawFeatures && typeof rawFeatures === "object" && !Array.isArray(rawFeatures)) {
    for (const [k, v] of Object.entries(rawFeatures as Table)) if (typeof v === "boolean") features[k] = v;
  }
  const policy = doc.guardian_policy_config;
  return { lists, features, featuresKey, guardianPolicyConfig: typeof policy === "string" ? policy : undefined };
}

// ---------------------------------------------------------------------------------------------------------------
// A coarse scanner: where each key/value entry of the document sits, and which table it belongs to.

interface Entry {
  /** Header of the table the entry is in: "" for the root, "features" for `[features]`, … */
  table: string;
  /** The key as written, dotted parts joined with "." (quotes removed). */
  key: string;
  /** Offsets: start of the line, start of the value, end of the value, end of the line (after its newline). */
  lineStart: number;
  valueStart: number;
  valueEnd: number;
  lineEnd: number;
}

interface Scan {
  entries: Entry[];
  /** Offset of each table header line, by header name. */
  headers: { name: string; lineStart: number; array: boolean }[];
}

function scan(text: string): Scan {
  const entries: Entry[] = [];
  const headers: Scan["headers"] = [];
  let table = "";
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lineStart = i;
    while (i < n && (text[i] === " " || text[i] === "\t")) i++;
    const c = text[i];
    if (c === "\n" || c === "\r" || c === "#" || i >= n) {
      i = endOfLine(text, i);
      continue;
    }
    if (c === "[") {
      const array = text[i + 1] === "[";
      const close = text.indexOf(array ? "]]" : "]", i);
      table = normalizeKey(text.slice(i + (array ? 2 : 1), close));
      headers.push({ name: table, lineStart, array });
      i = endOfLine(text, close);
      continue;
    }
    const eq = findEquals(text, i);
    const key = normalizeKey(text.slice(i, eq));
    let v = eq + 1;
    while (text[v] === " " || text[v] === "\t") v++;
    const valueEnd = skipValue(text, v);
    entries.push({ table, key, lineStart, valueStart: v, valueEnd, lineEnd: endOfLine(text, valueEnd) });
    i = endOfLine(text, valueEnd);
  }
  return { entries, headers };
}

/** Offset just after the newline that ends the line containing `i` (comments included). */
function endOfLine(text: string, i: number): number {
  const nl = text.indexOf("\n", i);
  return nl === -1 ? text.length : nl + 1;
}

function findEquals(text: string, i: number): number {
  let quote: string | null = null;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "=") return i;
  }
  throw new AppError("bad_request", "The TOML text could not be scanned (a key without `=`).");
}

/** `a . "b.c"` → `a.b.c` is ambiguous, but only as a display key; callers compare against plain keys. */
function normalizeKey(raw: string): string {
  return raw
    .split(/\.(?=(?:[^"']|"[^"]*"|'[^']*')*$)/)
    .map((p) => p.trim().replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1"))
    .join(".");
}

/** Offset just after the value that starts at `i`: strings, arrays and inline tables may span lines. */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (text.startsWith('"""', i) || text.startsWith("'''", i)) {
    const q = text.slice(i, i + 3);
    let j = i + 3;
    for (;;) {
      const k = text.indexOf(q, j);
      if (k === -1) return text.length;
      if (q === '"""' && isEscaped(text, k)) {
        j = k + 1;
        continue;
      }
      let end = k + 3;
      while (text[end] === q[0] && end - k < 5) end++;
      return end;
    }
  }
  if (c === '"' || c === "'") return skipString(text, i);
  if (c === "[" || c === "{") {
    let depth = 0;
    let j = i;
    while (j < text.length) {
      const d = text[j];
      if (d === '"' || d === "'") {
        j = text.startsWith(d.repeat(3), j) ? skipValue(text, j) : skipString(text, j);
        continue;
      }
      if (d === "#") {
        j = text.indexOf("\n", j);
        if (j === -1) return text.length;
        continue;
      }
      if (d === "[" || d === "{") depth++;
      else if (d === "]" || d === "}") {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return text.length;
  }
  let j = i;
  while (j < text.length && text[j] !== "\n" && text[j] !== "#") j++;
  while (j > i && /\s/.test(text[j - 1])) j--;
  return j;
}

function skipString(text: string, i: number): number {
  const q = text[i];
  let j = i + 1;
  while (j < text.length && text[j] !== q && text[j] !== "\n") j += q === '"' && text[j] === "\\" ? 2 : 1;
  return j + 1;
}

function isEscaped(text: string, k: number): boolean {
  let backslashes = 0;
  while (text[k - 1 - backslashes] === "\\") backslashes++;
  return backslashes % 2 === 1;
}

// ---------------------------------------------------------------------------------------------------------------
// Serialising the values the form produces.

export function tomlString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function tomlStringArray(values: readonly string[]): string {
  return `[${values.map(tomlString).join(", ")}]`;
}

/**
 * Multi-line text as TOML that reads back exactly: a literal block when it can be (no escapes to read), else an
 * escaped basic block. The closing quotes follow the last character, so text that does not end in a newline (the
 * admin typing at the very end) stays that way instead of gaining one. Carriage returns are always escaped: a parser
 * may turn a raw CRLF inside a block into LF.
 */
export function tomlMultiline(text: string): string {
  if (!text.includes("'''") && !text.endsWith("'") && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) return `'''\n${text}'''`;
  const escaped = text
    .replace(/\\/g, "\\\\")
    .replace(/"$/, '\\"')
    .replace(/"""/g, '""\\"')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `"""\n${escaped}"""`;
}

// ---------------------------------------------------------------------------------------------------------------
// Patches.

/** Sets (or with `undefined`, removes) a top-level key. */
export function setTopLevel(text: string, key: string, value: readonly string[] | string | undefined): string {
  const serialized = value === undefined ? undefined : typeof value === "string" ? (value.includes("\n") ? tomlMultiline(value) : tomlString(value)) : tomlStringArray(value);
  const { entries, headers } = scan(text);
  const existing = entries.find((e) => e.table === "" && e.key === key);
  let next: string;
  if (existing) {
    next =
      serialized === undefined
        ? text.slice(0, existing.lineStart) + text.slice(existing.lineEnd)
        : text.slice(0, existing.valueStart) + serialized + text.slice(existing.valueEnd);
  } else if (serialized === undefined) {
    return text;
  } else {
    // New root keys go after the last root entry (or before the first table), never inside a table.
    const lastRoot = [...entries].reverse().find((e) => e.table === "");
    const at = lastRoot ? lastRoot.lineEnd : (headers[0]?.lineStart ?? text.length);
    const before = text.slice(0, at);
    const sep = before.length > 0 && !before.endsWith("\n") ? "\n" : "";
    const after = text.slice(at);
    const gap = !lastRoot && headers.length > 0 ? "\n" : "";
    next = `${before}${sep}${key} = ${serialized}\n${gap}${after}`;
  }
  return checked(text, next, (doc) => {
    if (value === undefined) delete doc[key];
    else doc[key] = value;
  });
}

/** Pins a feature on/off, or with `undefined` unpins it; keeps the table the document already uses. */
export function setFeature(text: string, name: string, value: boolean | undefined): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new AppError("validation_failed", `\`${name}\` is not a feature name (letters, digits, "_" and "-").`);
  const fields = readFormFields(text);
  if (!fields) throw new AppError("validation_failed", "Fix the TOML syntax before editing with the form.");
  const table = fields.featuresKey;
  const { entries, headers } = scan(text);
  const entry = entries.find((e) => (e.table === table && e.key === name) || (e.table === "" && e.key === `${table}.${name}`));
  const inline = entries.find((e) => e.table === "" && e.key === table);
  let next: string;
  if (entry) {
    next = value === undefined ? text.slice(0, entry.lineStart) + text.slice(entry.lineEnd) : text.slice(0, entry.valueStart) + String(value) + text.slice(entry.valueEnd);
  } else if (value === undefined) {
    return text;
  } else if (inline) {
    const pins = { ...fields.features, [name]: value };
    const body = Object.entries(pins).map(([k, v]) => `${k} = ${v}`).join(", ");
    next = text.slice(0, inline.valueStart) + `{ ${body} }` + text.slice(inline.valueEnd);
  } else {
    const header = headers.find((h) => h.name === table && !h.array);
    if (header) {
      const inTable = entries.filter((e) => e.table === table);
      const at = inTable.length ? inTable[inTable.length - 1].lineEnd : endOfLine(text, header.lineStart);
      const sep = at > 0 && text[at - 1] !== "\n" ? "\n" : "";
      next = `${text.slice(0, at)}${sep}${name} = ${value}\n${text.slice(at)}`;
    } else {
      const sep = text.length === 0 || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
      next = `${text}${sep}[${table}]\n${name} = ${value}\n`;
    }
  }
  return checked(text, next, (doc) => {
    const pins = { ...((doc[table] as Table | undefined) ?? {}) };
    if (value === undefined) delete pins[name];
    else pins[name] = value;
    doc[table] = pins;
  });
}

/** Refuses a patch whose result does not parse to the expected document. */
function checked(before: string, after: string, expectChange: (doc: Table) => void): string {
  let expected: Table;
  try {
    // A copy of the top level: the expected change sets or removes top-level keys only.
    expected = { ...parseDoc(before) };
  } catch {
    throw new AppError("validation_failed", "Fix the TOML syntax before editing with the form.");
  }
  expectChange(expected);
  let actual: Table;
  try {
    actual = parseDoc(after);
  } catch {
    throw new AppError("conflict", "This value is written in a way the form cannot edit safely; change it in the TOML editor.");
  }
  if (!sameValue(actual, expected)) {
    throw new AppError("conflict", "This value is written in a way the form cannot edit safely; change it in the TOML editor.");
  }
  return after;
}

/** Structural equality of parsed TOML, stopping at the first difference (no canonical text of a whole document). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isTable(a)) {
    if (!isTable(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
  }
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  // Dates: equal when they read the same.
  return typeof a === "object" && typeof b === "object" && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);
}
