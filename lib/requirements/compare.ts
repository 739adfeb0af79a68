import { parse, TomlError } from "smol-toml";
import { assertWithinLimits } from "./limits";
import { AppError } from "../errors";
import { ALLOWLISTS, CONSTRAINING_KEYS, CONSTRAINT_KEYS, KEY_ALIASES, LIST_ORDER, TEXT_KEYS, type ConstraintKey } from "./keys";
import { formatPath } from "./toml";

/*
 * Semantic comparison of two requirements.toml texts (what Codex would enforce differently), and a
 * "does this give agents more freedom?" verdict. Formatting, comments and alias spellings are not changes.
 * Models Codex 0.169 semantics (codex-reference.md §0, §1).
 */

export type TomlPlainValue = string | number | boolean | TomlPlainValue[] | TomlPlainTable;
export interface TomlPlainTable {
  [key: string]: TomlPlainValue;
}

export type PathSegment = string | number;

export type ChangeKind =
  | "added" // key absent before, present after
  | "removed" // key present before, absent after
  | "changed" // value replaced (scalar, text, or a different type)
  | "reordered" // same list items, different order (where order means something)
  | "list-added-item"
  | "list-removed-item";

export interface Change {
  /** Display path: dotted keys, quoted when not bare (`mcp_servers."a.b"`), list positions as `[i]`. */
  path: string;
  segments: PathSegment[];
  kind: ChangeKind;
  /** Old value: the key's value, the removed list item, or the whole list for "reordered". */
  before?: TomlPlainValue;
  /** New value: the key's value, the added list item, or the whole list for "reordered". */
  after?: TomlPlainValue;
  /** For list-item changes: position in the list it belongs to (before for removed items, after for added ones). */
  index?: number;
  /** One line for humans, with code spans in backticks. */
  summary: string;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by layers.ts)

export function isTable(v: unknown): v is TomlPlainTable {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** smol-toml output → plain JSON-like data: ordinary prototypes, dates as their TOML text (Codex reads them as text). */
export function toPlain(v: unknown): TomlPlainValue {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(toPlain);
  if (isTable(v)) {
    const out: TomlPlainTable = {};
    for (const [k, x] of Object.entries(v)) out[k] = toPlain(x);
    return out;
  }
  return v as string | number | boolean;
}

/** Parses TOML or throws AppError("validation_failed") with the position of the syntax error. */
export function parseRequirementsToml(text: string, label = "requirements"): TomlPlainTable {
  assertWithinLimits(text, label);
  try {
    return toPlain(parse(text)) as TomlPlainTable;
  } catch (err) {
    if (err instanceof TomlError) {
      const first = err.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
      throw new AppError("validation_failed", `${label}: TOML syntax error at line ${err.line}, column ${err.column}: ${first}`, {
        line: err.line,
        column: err.column,
      });
    }
    throw err;
  }
}

// One path format for diagnostics, changes and layer sources.
export { formatPath };

/** Stable text of a value with sorted table keys, for equality and multiset matching. */
export function canonicalKey(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalKey).join(",")}]`;
  if (isTable(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalKey(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return canonicalKey(a) === canonicalKey(b);
}

const REVIEWER_ALIASES: Record<string, string> = { guardian_subagent: "auto_review" };
/** Top-level keys Codex accepts under two names (key table); the first is the one we keep. */
export { KEY_ALIASES };

export interface AliasNote {
  message: string;
  /** true when both spellings are set in one document, which Codex refuses. */
  conflict: boolean;
}

/**
 * Rewrites alias spellings to the canonical ones (`feature_requirements` → `features`, `network_proxy` →
 * `experimental_network`, reviewer `guardian_subagent` → `auto_review`). Mutates and returns `doc`.
 */
export function normalizeAliases(doc: TomlPlainTable, notes?: AliasNote[]): TomlPlainTable {
  for (const [canonical, alias] of KEY_ALIASES) {
    if (!(alias in doc)) continue;
    if (canonical in doc) {
      notes?.push({ message: `both \`${canonical}\` and its alias \`${alias}\` are set; Codex refuses this`, conflict: true });
      const a = doc[alias];
      const c = doc[canonical];
      doc[canonical] = isTable(a) && isTable(c) ? { ...a, ...c } : c;
    } else {
      doc[canonical] = doc[alias];
      notes?.push({ message: `\`${alias}\` read as \`${canonical}\``, conflict: false });
    }
    delete doc[alias];
  }
  const reviewers = doc.allowed_approvals_reviewers;
  if (Array.isArray(reviewers)) {
    doc.allowed_approvals_reviewers = reviewers.map((r) => {
      if (typeof r === "string" && r in REVIEWER_ALIASES) {
        notes?.push({ message: `reviewer \`${r}\` read as \`${REVIEWER_ALIASES[r]}\``, conflict: false });
        return REVIEWER_ALIASES[r];
      }
      return r;
    });
  }
  return doc;
}

/** Normal form for comparing: aliases resolved, and a blank guardian_policy_config dropped (Codex treats it as unset and trims it). */
function semanticForm(text: string, label: string): TomlPlainTable {
  const doc = normalizeAliases(parseRequirementsToml(text, label));
  for (const key of ["guardian_policy_config", "guardian_extra_policy"]) {
    const v = doc[key];
    if (typeof v === "string") {
      if (v.trim() === "") delete doc[key];
      else doc[key] = v.trim();
    }
  }
  return doc;
}

// ---------------------------------------------------------------------------------------------
// compareRequirements

/** List semantics from the key table: order Codex ignores, a first entry that is the default, a first match that applies. */
const listsWith = (order: string) => new Set([...LIST_ORDER].filter(([, o]) => o === order).map(([shape]) => shape));
const ORDER_INSENSITIVE = listsWith("insensitive");
const DEFAULT_FIRST = listsWith("default-first");
const FIRST_MATCH = listsWith("first-match");

function shapeOf(segments: readonly PathSegment[]): string {
  return formatPath(segments.map((s) => (typeof s === "number" ? 0 : s))).replace(/\[0\]/g, "[]");
}

function charCount(s: string): number {
  return [...s].length;
}

function isTextValue(segments: readonly PathSegment[], v: unknown): v is string {
  if (typeof v !== "string") return false;
  const last = segments[segments.length - 1];
  return (typeof last === "string" && TEXT_KEYS.has(last)) || v.includes("\n") || charCount(v) > 120;
}

function truncate(s: string, max = 80): string {
  return charCount(s) > max ? `${[...s].slice(0, max - 1).join("")}…` : s;
}

/** Short human rendering of a value for summaries. */
export function describeValue(v: TomlPlainValue | undefined): string {
  if (v === undefined) return "nothing";
  if (typeof v === "string") return v.includes("\n") || charCount(v) > 120 ? `text (${charCount(v)} characters)` : `\`${v}\``;
  if (typeof v === "number" || typeof v === "boolean") return `\`${String(v)}\``;
  if (Array.isArray(v)) {
    if (v.every((x) => !isTable(x) && !Array.isArray(x))) return truncate(`[${v.map((x) => describeValue(x)).join(", ")}]`, 160);
    return `${v.length} ${v.length === 1 ? "entry" : "entries"}`;
  }
  const rule = describePrefixRule(v);
  if (rule) return rule;
  return `\`${truncate(JSON.stringify(v))}\``;
}

function describePrefixRule(v: TomlPlainTable): string | null {
  if (!Array.isArray(v.pattern)) return null;
  const tokens = v.pattern.map((p) => {
    if (isTable(p) && typeof p.token === "string") return p.token;
    if (isTable(p) && Array.isArray(p.any_of)) return `{${p.any_of.join("|")}}`;
    return "?";
  });
  return `prefix rule \`${tokens.join(" ")}\`${typeof v.decision === "string" ? ` (${v.decision})` : ""}`;
}

/** Key that pairs two different versions of "the same" table entry in a list, so edits show as field changes. */
function entryIdentity(item: TomlPlainValue): string | null {
  if (!isTable(item)) return null;
  for (const k of ["pattern", "hostname_patterns", "matcher", "host", "binary_name", "product_name"]) {
    if (k in item) return `${k}=${canonicalKey(item[k])}`;
  }
  return null;
}

function code(segments: readonly PathSegment[]): string {
  return `\`${formatPath(segments)}\``;
}

function diffValues(before: TomlPlainValue, after: TomlPlainValue, segments: PathSegment[], out: Change[]): void {
  if (deepEqual(before, after)) return;
  const path = formatPath(segments);
  if (isTable(before) && isTable(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !(k in before))];
    for (const k of keys) {
      const sub = [...segments, k];
      if (!(k in before)) out.push(addedChange(sub, after[k]));
      else if (!(k in after)) out.push(removedChange(sub, before[k]));
      else diffValues(before[k], after[k], sub, out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    diffLists(before, after, segments, out);
    return;
  }
  if (isTextValue(segments, before) && isTextValue(segments, after)) {
    out.push({ path, segments, kind: "changed", before, after, summary: `${code(segments)} changed (${charCount(before)} → ${charCount(after)} characters)` });
    return;
  }
  out.push({ path, segments, kind: "changed", before, after, summary: `${code(segments)} changed from ${describeValue(before)} to ${describeValue(after)}` });
}

function addedChange(segments: PathSegment[], after: TomlPlainValue): Change {
  const base = { path: formatPath(segments), segments, kind: "added" as const, after };
  if (isTable(after)) return { ...base, summary: `${code(segments)} added` };
  if (isTextValue(segments, after)) return { ...base, summary: `${code(segments)} added (${charCount(after)} characters)` };
  if (Array.isArray(after)) return { ...base, summary: `${code(segments)} added: ${describeValue(after)}` };
  return { ...base, summary: `${code(segments)} set to ${describeValue(after)}` };
}

function removedChange(segments: PathSegment[], before: TomlPlainValue): Change {
  const base = { path: formatPath(segments), segments, kind: "removed" as const, before };
  if (isTable(before)) return { ...base, summary: `${code(segments)} removed` };
  if (isTextValue(segments, before)) return { ...base, summary: `${code(segments)} removed (was ${charCount(before)} characters)` };
  return { ...base, summary: `${code(segments)} removed (was ${describeValue(before)})` };
}

function diffLists(before: TomlPlainValue[], after: TomlPlainValue[], segments: PathSegment[], out: Change[]): void {
  const path = formatPath(segments);
  const shape = shapeOf(segments);
  // Each value's unused positions in `before`, first first: an entry pairs with the first equal one not yet paired.
  const positions = new Map<string, { at: number[]; next: number }>();
  before.forEach((item, i) => {
    const key = canonicalKey(item);
    const seen = positions.get(key);
    if (seen) seen.at.push(i);
    else positions.set(key, { at: [i], next: 0 });
  });
  const usedBefore = new Set<number>();
  const pairs: Array<[number, number]> = []; // [before index, after index] of entries present on both sides
  const unmatchedAfter: number[] = [];
  after.forEach((item, ai) => {
    const seen = positions.get(canonicalKey(item));
    const bi = seen && seen.next < seen.at.length ? seen.at[seen.next++] : -1;
    if (bi >= 0) {
      usedBefore.add(bi);
      pairs.push([bi, ai]);
    } else unmatchedAfter.push(ai);
  });
  let unmatchedBefore = before.map((_, i) => i).filter((i) => !usedBefore.has(i));

  // Edited table entries (same pattern/host/matcher) are recursed into instead of shown as remove + add.
  const nested: Change[] = [];
  const stillAdded: number[] = [];
  for (const ai of unmatchedAfter) {
    const id = entryIdentity(after[ai]);
    const bi = id === null ? -1 : unmatchedBefore.find((i) => entryIdentity(before[i]) === id) ?? -1;
    if (bi >= 0) {
      unmatchedBefore = unmatchedBefore.filter((i) => i !== bi);
      pairs.push([bi, ai]);
      diffValues(before[bi], after[ai], [...segments, ai], nested);
    } else stillAdded.push(ai);
  }

  for (const bi of unmatchedBefore) {
    const item = before[bi];
    let summary = `${describeValue(item)} removed from \`${path}\``;
    if (DEFAULT_FIRST.has(shape) && bi === 0 && after.length > 0 && !deepEqual(after[0], before[0])) summary += ` (the default is now ${describeValue(after[0])})`;
    out.push({ path, segments, kind: "list-removed-item", before: item, index: bi, summary });
  }
  for (const ai of stillAdded) {
    const item = after[ai];
    let summary = `${describeValue(item)} added to \`${path}\``;
    if (DEFAULT_FIRST.has(shape) && ai === 0 && before.length > 0) summary += " (now the default)";
    out.push({ path, segments, kind: "list-added-item", after: item, index: ai, summary });
  }
  out.push(...nested);

  if (ORDER_INSENSITIVE.has(shape)) return;
  const order = [...pairs].sort((x, y) => x[1] - y[1]).map(([bi]) => bi);
  const reordered = order.some((bi, i) => i > 0 && bi < order[i - 1]);
  if (!reordered) return;
  let summary = `\`${path}\` reordered`;
  if (DEFAULT_FIRST.has(shape) && !deepEqual(before[0], after[0])) {
    summary += `: ${describeValue(after[0])} is now first, so it is the default (was ${describeValue(before[0])})`;
  } else if (FIRST_MATCH.has(shape)) {
    summary += " (the first matching entry applies, so this can change which entry a host gets)";
  }
  out.push({ path, segments, kind: "reordered", before, after, summary });
}

/**
 * Which keys of the requirements changed between two TOML texts, and how. Comments, formatting, key order,
 * alias spellings and trimming of the Auto-review policy are not changes. Throws AppError("validation_failed")
 * when either text is not TOML.
 */
export function compareRequirements(beforeText: string, afterText: string): Change[] {
  const before = semanticForm(beforeText, "before");
  const after = semanticForm(afterText, "after");
  const out: Change[] = [];
  diffValues(before, after, [], out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// widenedAccess

export interface WideningVerdict {
  verdict: "PASS" | "WIDENS";
  reasons: string[];
}

type Doc = TomlPlainTable;

function get(doc: unknown, ...segments: string[]): TomlPlainValue | undefined {
  let cur: unknown = doc;
  for (const s of segments) {
    if (!isTable(cur) || !(s in cur)) return undefined;
    cur = cur[s];
  }
  return cur as TomlPlainValue;
}

function asList(v: TomlPlainValue | undefined): TomlPlainValue[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

function asTable(v: TomlPlainValue | undefined): TomlPlainTable | undefined {
  return isTable(v) ? v : undefined;
}

function newItems(before: TomlPlainValue[], after: TomlPlainValue[]): TomlPlainValue[] {
  const have = new Set(before.map(canonicalKey));
  return after.filter((x) => !have.has(canonicalKey(x)));
}

function lostItems(before: TomlPlainValue[], after: TomlPlainValue[]): TomlPlainValue[] {
  return newItems(after, before);
}

/** Allowlists: a missing list means "anything goes". */
function checkAllowlist(b: Doc, a: Doc, segments: string[], what: string, reasons: string[], alwaysAllowed: TomlPlainValue[] = []): void {
  const path = formatPath(segments);
  const before = asList(get(b, ...segments));
  const after = asList(get(a, ...segments));
  if (!before) return; // was unconstrained: nothing can widen
  if (!after) {
    reasons.push(`\`${path}\` removed: any ${what} is allowed now`);
    return;
  }
  for (const item of newItems([...before, ...alwaysAllowed], after)) reasons.push(`${what} ${describeValue(item)} newly allowed in \`${path}\``);
}

function checkReviewers(b: Doc, a: Doc, reasons: string[]): void {
  const before = asList(b.allowed_approvals_reviewers);
  const after = asList(a.allowed_approvals_reviewers);
  if (!before) return;
  if (!after) {
    reasons.push("`allowed_approvals_reviewers` removed: any approvals reviewer is allowed now");
    return;
  }
  if (before.includes("user") && !after.includes("user")) {
    reasons.push("`user` removed from `allowed_approvals_reviewers`: approvals can no longer go to a person");
  }
  for (const item of newItems(before, after)) {
    if (item !== "user") reasons.push(`approvals reviewer ${describeValue(item)} newly allowed in \`allowed_approvals_reviewers\``);
  }
}

function checkRemoteSandbox(b: Doc, a: Doc, reasons: string[]): void {
  const before = asList(b.remote_sandbox_config) ?? [];
  const after = asList(a.remote_sandbox_config) ?? [];
  const topBefore = asList(b.allowed_sandbox_modes);
  const topAfter = asList(a.allowed_sandbox_modes);
  const byHosts = (list: TomlPlainValue[], hosts: TomlPlainValue | undefined) =>
    list.find((e) => isTable(e) && deepEqual(e.hostname_patterns, hosts)) as TomlPlainTable | undefined;
  for (const entry of after) {
    if (!isTable(entry)) continue;
    const hosts = describeValue(entry.hostname_patterns);
    const previous = byHosts(before, entry.hostname_patterns);
    // A new entry overrides the top-level list for matching hosts; compare with what those hosts had.
    const baseline = previous ? asList(previous.allowed_sandbox_modes) : topBefore;
    const modes = asList(entry.allowed_sandbox_modes);
    if (!baseline || !modes) continue;
    for (const m of newItems(baseline, modes)) reasons.push(`sandbox mode ${describeValue(m)} newly allowed for hosts ${hosts} in \`remote_sandbox_config\``);
  }
  for (const entry of before) {
    if (!isTable(entry) || byHosts(after, entry.hostname_patterns)) continue;
    const modes = asList(entry.allowed_sandbox_modes);
    if (!modes) continue;
    const hosts = describeValue(entry.hostname_patterns);
    if (!topAfter) reasons.push(`\`remote_sandbox_config\` entry for hosts ${hosts} removed: those hosts are unconstrained now`);
    else for (const m of newItems(modes, topAfter)) reasons.push(`\`remote_sandbox_config\` entry for hosts ${hosts} removed: sandbox mode ${describeValue(m)} is allowed there now`);
  }
}

function checkPrefixRules(b: Doc, a: Doc, reasons: string[]): void {
  const before = asList(get(b, "rules", "prefix_rules")) ?? [];
  const after = asList(get(a, "rules", "prefix_rules")) ?? [];
  // The first rule of `after` with each pattern (a lookup, not a search per rule: files have thousands of rules).
  const byPattern = new Map<string, TomlPlainTable>();
  for (const r of after) if (isTable(r) && !byPattern.has(canonicalKey(r.pattern))) byPattern.set(canonicalKey(r.pattern), r);
  for (const rule of before) {
    if (!isTable(rule)) continue;
    const match = byPattern.get(canonicalKey(rule.pattern));
    if (!match) reasons.push(`${describeValue(rule)} removed from \`rules.prefix_rules\``);
    else if (rule.decision === "forbidden" && match.decision !== "forbidden") {
      reasons.push(`${describeValue({ pattern: rule.pattern })} relaxed from \`forbidden\` to ${describeValue(match.decision)}`);
    }
  }
}

const NETWORK_KEYS = ["experimental_network"];

function checkNetwork(b: Doc, a: Doc, reasons: string[]): void {
  for (const key of NETWORK_KEYS) {
    const before = asTable(b[key]);
    const after = asTable(a[key]) ?? {};
    if (!before) continue;
    for (const list of ["denied_domains"]) {
      for (const d of lostItems(asList(before[list]) ?? [], asList(after[list]) ?? [])) reasons.push(`network deny ${describeValue(d)} removed from \`${key}.${list}\``);
    }
    for (const list of ["allowed_domains", "allow_unix_sockets"]) {
      const was = asList(before[list]);
      if (!was) continue;
      for (const d of newItems(was, asList(after[list]) ?? [])) reasons.push(`network allow ${describeValue(d)} added to \`${key}.${list}\``);
    }
  }
}

function checkDenyRead(b: Doc, a: Doc, reasons: string[]): void {
  const before = asList(get(b, "permissions", "filesystem", "deny_read")) ?? [];
  const after = asList(get(a, "permissions", "filesystem", "deny_read")) ?? [];
  for (const p of lostItems(before, after)) reasons.push(`${describeValue(p)} removed from \`permissions.filesystem.deny_read\`: agents may read it now`);
}

function checkMcpServers(b: Doc, a: Doc, segments: string[], reasons: string[]): void {
  const before = asTable(get(b, ...segments));
  if (!before) return; // no table = every server allowed already
  const after = asTable(get(a, ...segments));
  const path = formatPath(segments);
  if (!after) {
    reasons.push(`\`${path}\` removed: any MCP server is allowed now`);
    return;
  }
  for (const [name, server] of Object.entries(after)) {
    const sub = formatPath([...segments, name]);
    if (!(name in before)) reasons.push(`MCP server \`${sub}\` added`);
    else if (!deepEqual(before[name], server)) reasons.push(`MCP server \`${sub}\` now matches a different identity`);
  }
}

function checkPluginMcp(b: Doc, a: Doc, reasons: string[]): void {
  const plugins = asTable(b.plugins) ?? {};
  for (const name of Object.keys(plugins)) checkMcpServers(b, a, ["plugins", name, "mcp_servers"], reasons);
}

function checkFeatures(b: Doc, a: Doc, reasons: string[]): void {
  const before = asTable(b.features) ?? {};
  const after = asTable(a.features) ?? {};
  for (const [name, pinned] of Object.entries(before)) {
    const path = formatPath(["features", name]);
    if (!(name in after)) reasons.push(`feature pin \`${path}\` removed (was ${describeValue(pinned)})`);
    else if (pinned === false && after[name] === true) reasons.push(`feature \`${path}\` now pinned on (was pinned off)`);
  }
}

function checkGuardianPolicy(b: Doc, a: Doc, reasons: string[]): void {
  const before = typeof b.guardian_policy_config === "string" ? b.guardian_policy_config : "";
  const after = typeof a.guardian_policy_config === "string" ? a.guardian_policy_config : "";
  if (before === "") return;
  if (after === "") reasons.push("`guardian_policy_config` removed: Auto-review falls back to the bundled default policy");
  else if (charCount(after) < charCount(before)) {
    reasons.push(`\`guardian_policy_config\` shortened (${charCount(before)} → ${charCount(after)} characters): review rules may have been dropped`);
  }
}

function checkApps(b: Doc, a: Doc, reasons: string[]): void {
  const before = asTable(b.apps) ?? {};
  for (const [id, app] of Object.entries(before)) {
    if (!isTable(app) || app.enabled !== false) continue;
    if (get(a, "apps", id, "enabled") !== false) reasons.push(`app \`${formatPath(["apps", id])}\` no longer disabled`);
  }
}

function checkHooks(b: Doc, a: Doc, reasons: string[]): void {
  const before = asTable(b.hooks) ?? {};
  const after = asTable(a.hooks) ?? {};
  for (const [event, list] of Object.entries(before)) {
    if (!Array.isArray(list)) continue;
    const gone = lostItems(list, asList(after[event]) ?? []);
    if (gone.length > 0) reasons.push(`${gone.length} managed hook ${gone.length === 1 ? "entry" : "entries"} removed from \`hooks.${event}\``);
  }
}

function checkAutoReviewModels(b: Doc, a: Doc, reasons: string[]): void {
  const before = asList(get(b, "auto_review", "required_on_models")) ?? [];
  const after = asList(get(a, "auto_review", "required_on_models")) ?? [];
  for (const m of lostItems(before, after)) reasons.push(`Auto-review no longer required on model ${describeValue(m)}`);
}

function checkPermissionProfiles(b: Doc, a: Doc, reasons: string[]): void {
  const before = asTable(b.allowed_permission_profiles);
  if (!before) return;
  const after = asTable(a.allowed_permission_profiles) ?? {};
  for (const [name, allowed] of Object.entries(after)) {
    if (allowed === true && before[name] !== true) reasons.push(`permission profile \`${name}\` newly allowed`);
  }
  for (const [name, allowed] of Object.entries(before)) {
    if (allowed === false && !(name in after)) reasons.push(`permission profile \`${name}\` no longer disallowed`);
  }
}

/** Switches named `allow_*`/`*_only` that restrict when on. */
const RESTRICTIVE_SWITCHES = new Set(["allow_managed_hooks_only", "managed_allowed_domains_only", "restrict_to_allowed_sources", "require_mxc"]);

/**
 * Leaf rules that apply anywhere: `dangerously_*` or `allow_*` switched on, restrictive switches turned off,
 * `deny` entries removed or relaxed, `allow` entries added to an existing allow/deny map.
 */
function checkLeaves(root: Doc, before: TomlPlainValue | undefined, after: TomlPlainValue | undefined, segments: string[], reasons: string[]): void {
  if (isTable(before) || isTable(after)) {
    const b = asTable(before) ?? {};
    const a = asTable(after) ?? {};
    for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) checkLeaves(root, b[k], a[k], [...segments, k], reasons);
    return;
  }
  if (segments[0] === "features" || segments[0] === "allowed_permission_profiles") return; // checked above
  const key = segments[segments.length - 1] ?? "";
  const path = formatPath(segments);
  if (RESTRICTIVE_SWITCHES.has(key) || key.startsWith("disable_")) {
    if (before === true && after !== true) reasons.push(`\`${path}\` turned off`);
  } else if (key.startsWith("dangerously_")) {
    if (before !== true && after === true) reasons.push(`\`${path}\` turned on`);
  } else if (key.startsWith("allow_")) {
    if (before !== true && after === true) reasons.push(`\`${path}\` turned on`);
    else if (before === false && after === undefined) reasons.push(`\`${path}\` no longer set to \`false\``);
  } else if (before === "deny" && after !== "deny") {
    reasons.push(after === undefined ? `deny entry \`${path}\` removed` : `\`${path}\` changed from \`deny\` to ${describeValue(after)}`);
  } else if (after === "allow" && before !== undefined && before !== "allow") {
    reasons.push(`\`${path}\` changed to \`allow\``);
  } else if (after === "allow" && before === undefined && isTable(get(root, ...segments.slice(0, -1)))) {
    // A new allow entry in an existing allow/deny map widens it; a brand-new map is a new constraint.
    reasons.push(`allow entry \`${path}\` added`);
  }
}

type Check = (b: Doc, a: Doc, reasons: string[]) => void;

/**
 * The own checks of each constraint key of the table (keys.ts), run in table order; [] = the leaf rules and "removing
 * it widens" are all there is to it. The type requires an entry for every constraint key, so a new one cannot be
 * forgotten (tests/unit/requirements/keys.test.ts checks the same at run time).
 */
export const WIDENING_CHECKS: { readonly [K in ConstraintKey]: readonly Check[] } = {
  allowed_approvals_reviewers: [checkReviewers],
  allowed_permission_profiles: [checkPermissionProfiles],
  remote_sandbox_config: [checkRemoteSandbox],
  enforce_residency: [],
  features: [checkFeatures],
  feature_requirements: [], // read as `features` (aliases are normalised first)
  mcp_servers: [(b, a, r) => checkMcpServers(b, a, ["mcp_servers"], r)],
  plugins: [checkPluginMcp],
  marketplaces: [],
  apps: [checkApps],
  rules: [checkPrefixRules],
  hooks: [checkHooks],
  experimental_network: [checkNetwork],
  network_proxy: [], // read as `experimental_network`
  permissions: [checkDenyRead],
  application: [],
  windows: [(b, a, r) => checkAllowlist(b, a, ["windows", "allowed_sandbox_implementations"], "Windows sandbox implementation", r)],
  computer_use: [],
  browser_use: [],
  in_app_browser: [],
  auto_review: [checkAutoReviewModels],
  guardian_policy_config: [checkGuardianPolicy],
};


/**
 * Whether the change gives agents more freedom than before. Conservative: anything that lifts, loosens or drops a
 * constraint counts. Throws AppError("validation_failed") when either text is not TOML.
 */
export function widenedAccess(beforeText: string, afterText: string): WideningVerdict {
  const b = semanticForm(beforeText, "before");
  const a = semanticForm(afterText, "after");
  const reasons: string[] = [];
  for (const list of ALLOWLISTS) checkAllowlist(b, a, [list.key], list.what, reasons, [...list.always]);
  for (const key of CONSTRAINT_KEYS) for (const check of WIDENING_CHECKS[key]) check(b, a, reasons);
  checkLeaves(b, b, a, [], reasons);
  for (const key of CONSTRAINING_KEYS) {
    if (key in b && !(key in a) && typeof b[key] !== "boolean" && !reasons.some((r) => r.includes(`\`${key}`))) {
      reasons.push(`\`${key}\` removed: it no longer constrains agents`);
    }
  }
  const unique = [...new Set(reasons)];
  return { verdict: unique.length > 0 ? "WIDENS" : "PASS", reasons: unique };
}
