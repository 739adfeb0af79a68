import { stringify } from "smol-toml";
import { AppError } from "../errors";
import { validateRequirements, type Diagnostic } from "../requirements";
import { canonicalKey, deepEqual, isTable, normalizeAliases, parseRequirementsToml, type TomlPlainTable, type TomlPlainValue } from "../requirements/compare";
import { effectiveRequirements, type LayerRef } from "../requirements/layers";
import { formatPath, locateKeys, positionOf } from "../requirements/toml";

/*
 * A group's file: the org's base requirements with the group's overlay on top, composed into the one
 * /etc/codex/requirements.toml its hosts receive. The merge is Codex's own layer merge (lib/requirements/layers.ts:
 * higher layer replaces scalars, tables merge, prefix rules and hooks append, deny_read and required_on_models union,
 * `apps.*.enabled = false` sticks) with the overlay as the higher layer, plus two rules so an overlay can only narrow
 * what the base allows:
 *   - allow-lists set by both layers are intersected (the overlay's order is kept, so its first entry is the default);
 *   - denials are sticky: a base `false` in `allowed_permission_profiles` and a base `"deny"` in the network
 *     `domains` / `unix_sockets` tables survive an overlay that says otherwise.
 * `remote_sandbox_config` is resolved per layer, as Codex does, and written into the composed file so that resolving it
 * once there gives every host the modes the two layers would give it (see composeRemoteSandbox).
 */

/** The allow-lists intersected across base and overlay. */
export const INTERSECTED_LISTS = [
  "allowed_approval_policies",
  "allowed_approvals_reviewers",
  "allowed_sandbox_modes",
  "allowed_web_search_modes",
  "allowed_login_methods",
  "allowed_chatgpt_workspaces",
  "windows.allowed_sandbox_implementations",
] as const;

/** Tables of name → verdict where the base's denial sticks; `deny` is the denying value. */
export const STICKY_DENIALS: ReadonlyArray<{ table: string; deny: TomlPlainValue }> = [
  { table: "allowed_permission_profiles", deny: false },
  { table: "apps.*.enabled", deny: false },
  { table: "experimental_network.domains", deny: "deny" },
  { table: "experimental_network.unix_sockets", deny: "deny" },
  { table: "permissions.network.domains", deny: "deny" },
  { table: "permissions.network.unix_sockets", deny: "deny" },
];

export const BASE_LAYER = "base";

export interface ComposeOptions {
  /** Overlay's name in sources and findings, e.g. `group "contractors"`. */
  overlayName?: string;
  /** Resolve `remote_sandbox_config` for this host (effective view of one host) instead of writing it into the file. */
  hostname?: string;
}

export interface OverlayFinding extends Diagnostic {
  /** Which text the finding points into: the overlay's line when the overlay wrote the key, else the base's. */
  layer: "overlay" | "base" | "composed";
}

export interface Composition {
  /** The composed requirements as data. */
  value: TomlPlainTable;
  /** The composed file the group's hosts receive (canonical TOML, header comment first). */
  toml: string;
  /** Display path → layer ("base" or the overlay's name) that decided the value. */
  sources: Record<string, string>;
  notes: string[];
  /** Codex's verdict on the composed file, each finding located in the overlay where the overlay wrote the key. */
  findings: OverlayFinding[];
  valid: boolean;
}

type Doc = TomlPlainTable;

function parseDoc(text: string, label: string): Doc {
  return normalizeAliases(text.trim() === "" ? {} : parseRequirementsToml(text, label));
}

function getAt(doc: Doc, path: readonly string[]): TomlPlainValue | undefined {
  let cur: TomlPlainValue | undefined = doc;
  for (const s of path) {
    if (!isTable(cur) || !(s in cur)) return undefined;
    cur = cur[s];
  }
  return cur;
}

function setAt(doc: Doc, path: readonly string[], value: TomlPlainValue): void {
  let cur = doc;
  for (const s of path.slice(0, -1)) {
    if (!isTable(cur[s])) cur[s] = {};
    cur = cur[s] as Doc;
  }
  cur[path[path.length - 1]] = value;
}

/** Overlay's list filtered to what the base also allows. */
export function intersectLists(base: readonly TomlPlainValue[], overlay: readonly TomlPlainValue[]): TomlPlainValue[] {
  const allowed = new Set(base.map(canonicalKey));
  return overlay.filter((x) => allowed.has(canonicalKey(x)));
}

/** Expands a sticky-denial table pattern (`apps.*.enabled`) into the concrete [table path, key] pairs the base denies. */
function baseDenials(base: Doc): Array<{ path: string[]; deny: TomlPlainValue }> {
  const out: Array<{ path: string[]; deny: TomlPlainValue }> = [];
  for (const { table, deny } of STICKY_DENIALS) {
    const parts = table.split(".");
    const star = parts.indexOf("*");
    if (star >= 0) {
      const parent = getAt(base, parts.slice(0, star));
      if (!isTable(parent)) continue;
      for (const name of Object.keys(parent)) {
        const path = [...parts.slice(0, star), name, ...parts.slice(star + 1)];
        if (deepEqual(getAt(base, path), deny)) out.push({ path, deny });
      }
    } else {
      const t = getAt(base, parts);
      if (!isTable(t)) continue;
      for (const [k, v] of Object.entries(t)) if (deepEqual(v, deny)) out.push({ path: [...parts, k], deny });
    }
  }
  return out;
}

type RemoteEntry = { hostname_patterns: TomlPlainValue[]; allowed_sandbox_modes?: TomlPlainValue[] } & Doc;

function remoteEntries(doc: Doc): RemoteEntry[] | undefined {
  const v = doc.remote_sandbox_config;
  return Array.isArray(v) ? (v.filter((e) => isTable(e) && Array.isArray(e.hostname_patterns)) as RemoteEntry[]) : undefined;
}

/**
 * Codex resolves `remote_sandbox_config` inside each layer (the first matching entry replaces that layer's
 * allowed_sandbox_modes), then the overlay's modes replace the base's. One file resolved once gives the same modes:
 * the overlay's entries come first; the base's entries follow only when the overlay has no modes of its own (else no
 * host could ever fall through to them); the default is the overlay's modes, else the base's. Where the base's modes
 * are the same for every host (no entries of its own), each overlay list is also intersected with them.
 */
function composeRemoteSandbox(base: Doc, overlay: Doc, value: Doc, notes: string[]): void {
  const bEntries = remoteEntries(base);
  const oEntries = remoteEntries(overlay);
  if (!bEntries && !oEntries) return;
  const bModes = Array.isArray(base.allowed_sandbox_modes) ? base.allowed_sandbox_modes : undefined;
  const oModes = Array.isArray(overlay.allowed_sandbox_modes) ? overlay.allowed_sandbox_modes : undefined;
  const narrow = (modes: TomlPlainValue[] | undefined) => (modes && bModes && !bEntries ? intersectLists(bModes, modes) : modes);
  const entries: RemoteEntry[] = [];
  for (const e of oEntries ?? []) entries.push({ ...e, ...(e.allowed_sandbox_modes ? { allowed_sandbox_modes: narrow(e.allowed_sandbox_modes)! } : {}) });
  if (!oModes) entries.push(...(bEntries ?? []));
  else if (bEntries) notes.push("the overlay's `allowed_sandbox_modes` replace the base's host-specific `remote_sandbox_config` modes, as a higher Codex layer does");
  const modes = oModes ? narrow(oModes) : bModes;
  if (modes) value.allowed_sandbox_modes = modes;
  else delete value.allowed_sandbox_modes;
  if (entries.length) value.remote_sandbox_config = entries;
}

/** The key path a diagnostic names, as the longest prefix the overlay wrote (null when the overlay wrote none of it). */
function overlayPosition(overlayText: string, path: string): { line: number; column: number } | null {
  if (overlayText.trim() === "" || path === "") return null;
  let loc;
  try {
    loc = locateKeys(overlayText);
  } catch {
    return null;
  }
  const head = path.split(/[.[]/)[0];
  if (!loc.keys.has(head) && !loc.values.has(head)) return null;
  return positionOf(loc, path, "key");
}

function basePosition(baseText: string, path: string): { line: number; column: number } {
  try {
    return positionOf(locateKeys(baseText), path, "key");
  } catch {
    return { line: 1, column: 1 };
  }
}

const HEADER = (overlayName: string) =>
  `# Composed by Charter: the organisation's base requirements with the overlay of ${overlayName} on top.\n# Edit the base or the overlay in Charter, not this file.\n\n`;

/**
 * Composes base ⊕ overlay. Throws validation_failed (with the line) when either text is not TOML; otherwise returns the
 * composed file with Codex's verdict on it (check `valid`).
 */
export function composeOverlay(baseText: string, overlayText: string, opts: ComposeOptions = {}): Composition {
  const overlayName = opts.overlayName ?? "overlay";
  const base = parseDoc(baseText, "base requirements");
  const overlay = parseDoc(overlayText, overlayName);
  const merged = effectiveRequirements(
    [
      { kind: "system", name: BASE_LAYER, text: baseText },
      { kind: "mdm", name: overlayName, text: overlayText },
    ],
    { hostname: opts.hostname },
  );
  const value = merged.value;
  const notes = merged.notes.filter((n) => !n.includes("`remote_sandbox_config` not resolved"));
  const sources: Record<string, string> = {};
  for (const [path, r] of Object.entries(merged.sources)) sources[path] = (r as LayerRef).name;
  for (const e of merged.errors) notes.push(`${e.layer.name}: ${e.message}`);

  if (opts.hostname === undefined) composeRemoteSandbox(base, overlay, value, notes);

  // Allow-lists: the overlay may only keep what the base allows.
  for (const key of INTERSECTED_LISTS) {
    const path = key.split(".");
    const b = getAt(base, path);
    let o = getAt(overlay, path);
    if (key === "allowed_sandbox_modes" && (remoteEntries(base) || remoteEntries(overlay))) {
      if (opts.hostname === undefined) continue; // written for every host by composeRemoteSandbox
      if (remoteEntries(base)) continue; // the base's modes depend on the host: the overlay's resolved list replaces them
      if (sources.allowed_sandbox_modes !== overlayName) continue;
      o = getAt(value, path); // the overlay's list as resolved for this host
    }
    if (!Array.isArray(b) || !Array.isArray(o)) continue;
    const both = intersectLists(b, o);
    const dropped = o.filter((x) => !both.some((y) => deepEqual(x, y)));
    setAt(value, path, both);
    sources[formatPath(path)] = overlayName;
    if (dropped.length) notes.push(`\`${key}\`: the overlay's ${dropped.map((d) => canonicalKey(d)).join(", ")} ${dropped.length === 1 ? "is" : "are"} not allowed by the base and ${dropped.length === 1 ? "is" : "are"} dropped (an overlay can only narrow an allow-list)`);
  }

  // Denials in the base stick.
  for (const { path, deny } of baseDenials(base)) {
    const now = getAt(value, path);
    if (!deepEqual(now, deny)) {
      notes.push(`\`${formatPath(path)}\`: the base denies it, so the overlay's ${canonicalKey(now)} is ignored (denials are sticky)`);
      setAt(value, path, deny);
    }
    sources[formatPath(path)] = BASE_LAYER;
  }

  const toml = HEADER(overlayName) + stringify(value);
  const verdict = validateRequirements(toml);
  const findings: OverlayFinding[] = verdict.diagnostics.map((d) => {
    const top = d.path.split(/[.[]/)[0];
    const inOverlay = overlayPosition(overlayText, d.path);
    if (inOverlay) return { ...d, ...inOverlay, layer: "overlay", message: `${d.message} (in the composed file; the overlay sets \`${top}\` here)` };
    if (top && base[top] !== undefined) return { ...d, ...basePosition(baseText, d.path), layer: "base", message: `${d.message} (from the base requirements)` };
    return { ...d, layer: "composed" };
  });
  return { value, toml, sources, notes, findings, valid: verdict.valid };
}

/** Refuses a composition Codex would refuse, naming the overlay's lines. */
export function assertComposable(c: Composition, overlayName: string): void {
  if (c.valid) return;
  const errors = c.findings.filter((f) => f.severity === "error");
  const first = errors[0];
  const where = first ? (first.layer === "overlay" ? ` (overlay line ${first.line}: ${first.message})` : ` (${first.layer} line ${first.line}: ${first.message})`) : "";
  throw new AppError("validation_failed", `Codex would refuse the file ${overlayName} composes with the base${where}.`, { findings: c.findings });
}
