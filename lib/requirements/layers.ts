import { AppError } from "../errors";
import {
  type AliasNote,
  canonicalKey,
  deepEqual,
  formatPath,
  isTable,
  normalizeAliases,
  parseRequirementsToml,
  type PathSegment,
  type TomlPlainTable,
  type TomlPlainValue,
} from "./compare";
import { LOCAL_ONLY_KEYS, mergeRuleOf } from "./keys";

/*
 * "Effective requirements": the requirement layers of one agent host composed the way Codex 0.169 does it
 * (codex-reference.md §1.5, "newer code"): ascending precedence, TOML-style merge (a higher layer's scalars and
 * arrays replace, tables merge), plus a few special merges. The documented "first layer wins per field" rule is
 * older behaviour and is not modelled here.
 */

export const LAYER_MODEL_CODEX_VERSION = "0.169.0";

export type LayerKind = "system" | "cloud" | "legacy-managed-config" | "mdm-legacy-config" | "mdm";

export interface Layer {
  kind: LayerKind;
  /** Where it came from, e.g. "/etc/codex/requirements.toml" or a cloud fragment name. */
  name: string;
  text: string;
}

export interface LayerRef {
  kind: LayerKind;
  name: string;
}

export interface EffectiveRequirementsOptions {
  /** Host name used to resolve `remote_sandbox_config`; without it those entries are left out (with a note). */
  hostname?: string;
}

export interface EffectiveRequirements {
  /** The merged requirements as plain data (aliases resolved, cloud-only drops and legacy backfill applied). */
  value: TomlPlainTable;
  /**
   * Which layer each value came from, keyed by display path (see formatPath). Every scalar leaf and every list has
   * an entry; lists built from several layers (prefix rules, hook events, deny_read, required_on_models) name their
   * highest contributor and also have one entry per item (`rules.prefix_rules[0]`).
   */
  sources: Record<string, LayerRef>;
  notes: string[];
  /** Layers Codex would refuse (TOML syntax, both alias spellings) and composition conflicts. Codex would not start. */
  errors: { layer: LayerRef; message: string }[];
  /** The layers that were merged, lowest precedence first. */
  order: LayerRef[];
}

const RANK: Record<LayerKind, number> = {
  system: 0,
  cloud: 1,
  "legacy-managed-config": 2,
  "mdm-legacy-config": 3,
  mdm: 4,
};

const KIND_LABEL: Record<LayerKind, string> = {
  system: "system requirements",
  cloud: "cloud requirements",
  "legacy-managed-config": "legacy managed_config.toml",
  "mdm-legacy-config": "legacy MDM config",
  mdm: "MDM requirements",
};

/** Auth settings Codex only takes from local sources (`LOCAL_ONLY_AUTH_REQUIREMENTS`): the key table's local-only keys. */
export const LOCAL_ONLY_AUTH_REQUIREMENTS = LOCAL_ONLY_KEYS;

/** Lists concatenated across layers, highest precedence first (key table: merge "append"). */
function isAppended(segments: readonly PathSegment[], value: unknown): boolean {
  // `hooks.*` covers the event lists (PreToolUse, Stop, ...); managed_dir is a scalar and merges as usual.
  return Array.isArray(value) && mergeRuleOf(segments) === "append";
}

/** Lists unioned across layers, highest precedence first, duplicates dropped (key table: merge "union"). */
function isUnioned(segments: readonly PathSegment[]): boolean {
  return mergeRuleOf(segments) === "union";
}

function ref(layer: Layer): LayerRef {
  return { kind: layer.kind, name: layer.name };
}

function label(layer: LayerRef): string {
  return `${KIND_LABEL[layer.kind]} "${layer.name}"`;
}

/** Ascending precedence. Cloud fragments arrive highest-priority first and are reversed so the first one wins. */
export function orderLayers(layers: readonly Layer[]): Layer[] {
  const cloud = layers.filter((l) => l.kind === "cloud").reverse();
  const others = layers.filter((l) => l.kind !== "cloud");
  // Other kinds normally occur once; if repeated, a later one overrides an earlier one (stable sort).
  return [...others, ...cloud].sort((a, b) => RANK[a.kind] - RANK[b.kind]);
}

/** The three config keys Codex reinterprets as requirements (`LegacyManagedConfigToml`). */
function legacyToRequirements(doc: TomlPlainTable, layer: LayerRef, notes: string[]): TomlPlainTable {
  const out: TomlPlainTable = {};
  if (doc.approval_policy !== undefined) {
    out.allowed_approval_policies = [doc.approval_policy];
    notes.push(`${label(layer)}: \`approval_policy\` backfilled as \`allowed_approval_policies = ${canonicalKey(out.allowed_approval_policies)}\``);
  }
  if (doc.approvals_reviewer !== undefined) {
    let reviewer = doc.approvals_reviewer;
    if (reviewer === "guardian_subagent") reviewer = "auto_review";
    // Codex keeps `user` reachable when a legacy file chose auto_review.
    out.allowed_approvals_reviewers = reviewer === "auto_review" ? ["auto_review", "user"] : [reviewer];
    notes.push(`${label(layer)}: \`approvals_reviewer\` backfilled as \`allowed_approvals_reviewers = ${canonicalKey(out.allowed_approvals_reviewers)}\``);
  }
  if (doc.sandbox_mode !== undefined) {
    // read-only must always be allowed; a read-only legacy mode yields just ["read-only"].
    out.allowed_sandbox_modes = doc.sandbox_mode === "read-only" ? ["read-only"] : ["read-only", doc.sandbox_mode];
    notes.push(`${label(layer)}: \`sandbox_mode\` backfilled as \`allowed_sandbox_modes = ${canonicalKey(out.allowed_sandbox_modes)}\``);
  }
  return out;
}

function hostnameMatches(pattern: string, hostname: string): boolean {
  const strip = (s: string) => s.trim().replace(/\.$/, "").toLowerCase();
  const body = strip(pattern)
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`).test(strip(hostname));
}

/** Per layer, the first matching entry replaces that layer's allowed_sandbox_modes; the table itself is consumed. */
function resolveRemoteSandbox(doc: TomlPlainTable, layer: LayerRef, hostname: string | undefined, notes: string[]): void {
  const entries = doc.remote_sandbox_config;
  if (entries === undefined) return;
  delete doc.remote_sandbox_config;
  if (!Array.isArray(entries)) return;
  if (hostname === undefined) {
    notes.push(`${label(layer)}: \`remote_sandbox_config\` not resolved because no host name was given; hosts it matches get other sandbox modes`);
    return;
  }
  const index = entries.findIndex(
    (e) => isTable(e) && Array.isArray(e.hostname_patterns) && e.hostname_patterns.some((p) => typeof p === "string" && hostnameMatches(p, hostname)),
  );
  const entry = entries[index];
  if (!isTable(entry)) {
    notes.push(`${label(layer)}: no \`remote_sandbox_config\` entry matches host \`${hostname}\``);
    return;
  }
  if (entry.allowed_sandbox_modes !== undefined) {
    doc.allowed_sandbox_modes = entry.allowed_sandbox_modes;
    notes.push(`${label(layer)}: \`remote_sandbox_config[${index}]\` matches host \`${hostname}\` and sets \`allowed_sandbox_modes = ${canonicalKey(entry.allowed_sandbox_modes)}\``);
  }
}

function prepareLayer(layer: Layer, options: EffectiveRequirementsOptions, notes: string[], errors: EffectiveRequirements["errors"]): TomlPlainTable | null {
  const r = ref(layer);
  let doc: TomlPlainTable;
  try {
    doc = parseRequirementsToml(layer.text, label(r));
  } catch (err) {
    if (err instanceof AppError) {
      errors.push({ layer: r, message: err.message });
      return null;
    }
    throw err;
  }
  if (layer.kind === "legacy-managed-config" || layer.kind === "mdm-legacy-config") doc = legacyToRequirements(doc, r, notes);

  const aliasNotes: AliasNote[] = [];
  normalizeAliases(doc, aliasNotes);
  for (const n of aliasNotes) {
    if (n.conflict) errors.push({ layer: r, message: n.message });
    else notes.push(`${label(r)}: ${n.message}`);
  }

  if (layer.kind === "cloud") {
    for (const key of LOCAL_ONLY_AUTH_REQUIREMENTS) {
      if (key in doc) {
        delete doc[key];
        notes.push(`${label(r)}: \`${key}\` dropped; Codex takes auth requirements only from local sources (system file or MDM)`);
      }
    }
  }
  resolveRemoteSandbox(doc, r, options.hostname, notes);
  return doc;
}

function clone<T extends TomlPlainValue>(v: T): T {
  return structuredClone(v);
}

function mergeTables(base: TomlPlainTable, overlay: TomlPlainTable, segments: string[]): TomlPlainTable {
  const out: TomlPlainTable = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const path = [...segments, key];
    const current = out[key];
    if (Array.isArray(current) && Array.isArray(value) && isAppended(path, value)) {
      out[key] = [...clone(value), ...current];
    } else if (Array.isArray(current) && Array.isArray(value) && isUnioned(path)) {
      const seen = new Set<string>();
      out[key] = [...clone(value), ...current].filter((item) => {
        const k = canonicalKey(item);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    } else if (segments.length === 2 && segments[0] === "apps" && key === "enabled" && current === false) {
      // An app disabled by any layer stays disabled.
    } else if (isTable(current) && isTable(value)) {
      out[key] = mergeTables(current, value, path);
    } else {
      out[key] = clone(value);
    }
  }
  return out;
}

function getPath(doc: TomlPlainValue, segments: readonly PathSegment[]): TomlPlainValue | undefined {
  let cur: TomlPlainValue | undefined = doc;
  for (const s of segments) {
    if (typeof s === "number") cur = Array.isArray(cur) ? cur[s] : undefined;
    else cur = isTable(cur) && s in cur ? cur[s] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function collectSources(value: TomlPlainTable, layers: Array<{ ref: LayerRef; doc: TomlPlainTable }>): Record<string, LayerRef> {
  const sources: Record<string, LayerRef> = {};
  const highestWith = (segments: PathSegment[], match: (v: TomlPlainValue) => boolean): LayerRef | undefined => {
    for (let i = layers.length - 1; i >= 0; i--) {
      const v = getPath(layers[i].doc, segments);
      if (v !== undefined && match(v)) return layers[i].ref;
    }
    return undefined;
  };
  const visit = (v: TomlPlainValue, segments: string[]) => {
    const path = formatPath(segments);
    if (isTable(v)) {
      // An empty table means something (`[mcp_servers]` with no entries disables every server), so it gets a source too.
      if (Object.keys(v).length === 0 && segments.length > 0) {
        const from = highestWith(segments, (x) => isTable(x));
        if (from) sources[path] = from;
      }
      for (const [k, x] of Object.entries(v)) visit(x, [...segments, k]);
      return;
    }
    if (Array.isArray(v) && (isAppended(segments, v) || isUnioned(segments))) {
      const owner = highestWith(segments, () => true);
      if (owner) sources[path] = owner;
      v.forEach((item, i) => {
        const key = canonicalKey(item);
        const from = highestWith(segments, (list) => Array.isArray(list) && list.some((x) => canonicalKey(x) === key));
        if (from) sources[formatPath([...segments, i])] = from;
      });
      return;
    }
    const from = highestWith(segments, (x) => deepEqual(x, v)) ?? highestWith(segments, () => true);
    if (from) sources[path] = from;
  };
  visit(value, []);
  return sources;
}

/** Composition fails closed when layers disagree on where managed hooks live. */
function checkHookDirs(layers: Array<{ ref: LayerRef; doc: TomlPlainTable }>, errors: EffectiveRequirements["errors"]): void {
  for (const key of ["managed_dir", "windows_managed_dir"]) {
    let first: { ref: LayerRef; value: TomlPlainValue } | undefined;
    for (const { ref: r, doc } of layers) {
      const v = getPath(doc, ["hooks", key]);
      if (v === undefined) continue;
      if (!first) first = { ref: r, value: v };
      else if (!deepEqual(first.value, v)) {
        errors.push({
          layer: r,
          message: `\`hooks.${key}\` conflicts: ${label(first.ref)} sets ${canonicalKey(first.value)}, this layer sets ${canonicalKey(v)}; Codex refuses to compose them`,
        });
      }
    }
  }
}

/**
 * Composes requirement layers the way Codex 0.169 does. `layers` may come in any order except that cloud fragments
 * keep the server's order (highest priority first). Layers that fail to parse are reported in `errors` and left out.
 */
export function effectiveRequirements(layers: readonly Layer[], options: EffectiveRequirementsOptions = {}): EffectiveRequirements {
  const notes: string[] = [];
  const errors: EffectiveRequirements["errors"] = [];
  const prepared: Array<{ ref: LayerRef; doc: TomlPlainTable }> = [];
  for (const layer of orderLayers(layers)) {
    const doc = prepareLayer(layer, options, notes, errors);
    if (doc) prepared.push({ ref: ref(layer), doc });
  }
  checkHookDirs(prepared, errors);

  let value: TomlPlainTable = {};
  for (const { doc } of prepared) value = mergeTables(value, doc, []);

  const policy = value.guardian_policy_config;
  if (typeof policy === "string" && policy.trim() === "") {
    const setters = prepared.filter((p) => typeof p.doc.guardian_policy_config === "string");
    const from = setters[setters.length - 1];
    const hidden = setters.filter((p) => (p.doc.guardian_policy_config as string).trim() !== "").pop();
    notes.push(
      `\`guardian_policy_config\` is blank${from ? ` (set by ${label(from.ref)})` : ""}: Codex treats it as unset, so the bundled default policy applies` +
        (hidden ? `; the policy from ${label(hidden.ref)} is overridden` : ""),
    );
  }
  return { value, sources: collectSources(value, prepared), notes, errors, order: prepared.map((p) => p.ref) };
}
