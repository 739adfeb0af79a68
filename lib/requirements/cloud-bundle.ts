/**
 * A cloud config bundle (`GET {chatgpt_base_url}/wham/config/bundle`) composed as Codex 0.169.0 and 0.171.0 compose it,
 * established by running those binaries against a stand-in backend (docs/codex-fidelity.md, scripts/codex-cloud-oracle.ts):
 * - only the `enterprise_managed` fragments are applied. `requirements_toml.enterprise_managed` fragments become
 *   requirement layers (the first fragment wins); `config_toml.enterprise_managed` fragments become config layers
 *   named "enterprise-managed (NAME, ID)", above /etc/codex/config.toml and below the user's config.toml, the first
 *   fragment winning;
 * - `managed_layers` (`baseline`, `system_overlay`) is read and shape-checked (both lists required when it is present)
 *   but its fragments are neither parsed nor applied; `product_defaults` is not a field these versions know;
 * - a bundle Codex cannot read (a fragment without a string `id`, `name` or `contents`, a `managed_layers` without both
 *   lists), a config fragment that is not TOML, or a requirement fragment Codex refuses makes Codex refuse the whole
 *   bundle ("Failed to load cloud config bundle"), and an eligible ChatGPT Business/Enterprise login does not start.
 * The effective config is then constrained by the effective requirements, as Codex constrains it: a value the
 * requirements do not allow falls back to the first allowed one; pinned features and `[otel]` from requirements win.
 */
import { z } from "zod";
import { AppError } from "../errors";
import { canonicalKey, formatPath, isTable, parseRequirementsToml, type TomlPlainTable, type TomlPlainValue } from "./compare";
import type { Layer } from "./layers";

/** The Codex versions whose bundle handling was checked against their binaries (and found the same). */
export const CLOUD_BUNDLE_CODEX_VERSIONS = ["0.169.0", "0.171.0"] as const;
const VERSIONS_TEXT = CLOUD_BUNDLE_CODEX_VERSIONS.map((v) => `Codex ${v}`).join(" and ");

const fragment = z.object({ id: z.string(), name: z.string(), contents: z.string() });
// Codex's response model: sections and lists may be missing or null; `managed_layers`, when given, has both lists.
const managedLayers = z.object({ baseline: z.array(fragment), system_overlay: z.array(fragment) });
const section = z.object({ enterprise_managed: z.array(fragment).nullish(), managed_layers: managedLayers.nullish() });
export const cloudBundleSchema = z.object({ config_toml: section.nullish(), requirements_toml: section.nullish() });
export type CloudBundle = z.infer<typeof cloudBundleSchema> & {
  /** Fields of the body these Codex versions do not read (e.g. `config_toml.product_defaults`), for the notes. */
  ignored?: string[];
};

/** Config layers, lowest precedence first (codex-reference.md §1.6; session flags, profiles and projects left out). */
export const CONFIG_LAYER_KINDS = ["system", "enterprise_managed", "user"] as const;
export type ConfigLayerKind = (typeof CONFIG_LAYER_KINDS)[number];
export interface ConfigLayer {
  kind: ConfigLayerKind;
  name: string;
  text: string;
  /** A cloud fragment's id. */
  id?: string;
}

const CONFIG_KIND_LABEL: Record<ConfigLayerKind, string> = {
  system: "/etc/codex/config.toml",
  enterprise_managed: "cloud config",
  user: "user config.toml",
};
const layerLabel = (l: ConfigLayer) => (l.kind === "enterprise_managed" ? l.name : `${CONFIG_KIND_LABEL[l.kind]} ${l.name}`);

/** Codex's own name for a cloud config fragment's layer (its warnings say "enterprise-managed (NAME, ID)"). */
export const cloudConfigLayerName = (f: { id: string; name: string }) => `enterprise-managed (${f.name}, ${f.id})`;
/** Codex's own name for a cloud requirement fragment (`RequirementSource::EnterpriseManaged`). */
export const cloudRequirementsLayerName = (f: { id: string; name: string }) => `enterprise-managed requirements ${f.name} (${f.id})`;

/** Reads a bundle's JSON text; a clear error names what is wrong. */
export function parseCloudBundle(json: string): CloudBundle {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new AppError("validation_failed", "The cloud bundle is not JSON; paste the body of GET /wham/config/bundle.");
  }
  const r = cloudBundleSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new AppError(
      "validation_failed",
      `The cloud bundle does not have Codex's shape at ${formatPath(issue.path) || "(top level)"}: ${issue.message}. ${VERSIONS_TEXT} refuse such a bundle ("Failed to load cloud config bundle") and do not start.`,
    );
  }
  const ignored: string[] = [];
  const raw = isRecord(value) ? value : {};
  for (const sectionName of ["config_toml", "requirements_toml"] as const) {
    const sec = raw[sectionName];
    if (!isRecord(sec)) continue;
    for (const key of Object.keys(sec)) if (key !== "enterprise_managed" && key !== "managed_layers") ignored.push(`${sectionName}.${key}`);
  }
  return { ...r.data, ignored };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export interface BundleLayers {
  /** Requirement fragments in the server's order (highest priority first). */
  requirements: Layer[];
  /** Config fragments in the server's order (highest priority first). */
  config: ConfigLayer[];
  /** What Codex reads but does not apply, and what it does not read at all. */
  notes: string[];
  /** Config fragments that are not TOML: Codex refuses the whole bundle. */
  errors: { layer: string; message: string }[];
}

/** The bundle's layers as Codex applies them. */
export function layersFromBundle(bundle: CloudBundle): BundleLayers {
  const requirements = (bundle.requirements_toml?.enterprise_managed ?? []).map((f) => ({ kind: "cloud" as const, name: cloudRequirementsLayerName(f), text: f.contents }));
  const config: ConfigLayer[] = (bundle.config_toml?.enterprise_managed ?? []).map((f) => ({ kind: "enterprise_managed" as const, id: f.id, name: cloudConfigLayerName(f), text: f.contents }));
  const notes: string[] = [];
  for (const sectionName of ["config_toml", "requirements_toml"] as const) {
    const managed = bundle[sectionName]?.managed_layers;
    if (managed) {
      notes.push(
        `\`${sectionName}.managed_layers\` (${managed.baseline.length} baseline and ${managed.system_overlay.length} system_overlay fragments) is read but not applied by ${VERSIONS_TEXT}: its fragments are left out.`,
      );
    }
  }
  for (const field of bundle.ignored ?? []) notes.push(`\`${field}\` is not a field ${VERSIONS_TEXT} read: ignored.`);
  const errors: BundleLayers["errors"] = [];
  for (const layer of config) {
    try {
      parseRequirementsToml(layer.text, layer.name);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      errors.push({ layer: layer.name, message: `${err.message} — Codex refuses the whole bundle ("invalid cloud config bundle: invalid TOML") and does not start.` });
    }
  }
  return { requirements, config, notes, errors };
}

export interface ConfigValue {
  path: string;
  value: TomlPlainValue;
  /** The layer the value came from, or "requirements" when the requirements decided it. */
  source: string;
  /** The cloud fragment's id when the value came from one. */
  fragmentId?: string;
  note?: string;
}

export interface EffectiveConfig {
  values: ConfigValue[];
  errors: { layer: string; message: string }[];
}

/** Config key → the requirement that constrains it (and the value Codex falls back to: the first allowed). */
const CONSTRAINED: ReadonlyArray<{ config: string; requirement: string; always?: string[] }> = [
  { config: "approval_policy", requirement: "allowed_approval_policies" },
  { config: "sandbox_mode", requirement: "allowed_sandbox_modes" },
  { config: "approvals_reviewer", requirement: "allowed_approvals_reviewers" },
  { config: "web_search", requirement: "allowed_web_search_modes", always: ["disabled"] },
];

function flatten(value: TomlPlainValue, segments: string[], out: Map<string, TomlPlainValue>) {
  if (isTable(value) && Object.keys(value).length > 0) for (const [k, v] of Object.entries(value)) flatten(v, [...segments, k], out);
  else out.set(formatPath(segments), value);
}

/**
 * The config a host ends up with from these layers, constrained by the effective requirements. Among the cloud config
 * fragments the first wins, as for requirements.
 */
export function effectiveConfig(layers: readonly ConfigLayer[], requirements: TomlPlainTable): EffectiveConfig {
  const errors: EffectiveConfig["errors"] = [];
  // Ascending precedence; cloud fragments arrive highest-priority first, so they are reversed.
  const ordered = CONFIG_LAYER_KINDS.flatMap((kind) => {
    const of = layers.filter((l) => l.kind === kind);
    return kind === "enterprise_managed" ? [...of].reverse() : of;
  });

  const values = new Map<string, { value: TomlPlainValue; source: string; fragmentId?: string; note?: string }>();
  for (const layer of ordered) {
    let doc: TomlPlainTable;
    try {
      doc = parseRequirementsToml(layer.text, layerLabel(layer));
    } catch (err) {
      if (err instanceof AppError) {
        errors.push({ layer: layerLabel(layer), message: err.message });
        continue;
      }
      throw err;
    }
    const flat = new Map<string, TomlPlainValue>();
    flatten(doc, [], flat);
    for (const [path, value] of flat) values.set(path, { value, source: layerLabel(layer), ...(layer.id ? { fragmentId: layer.id } : {}) });
  }

  for (const c of CONSTRAINED) {
    const allowed = requirements[c.requirement];
    if (!Array.isArray(allowed) || allowed.length === 0) continue;
    const current = values.get(c.config);
    const allowedKeys = new Set([...allowed, ...(c.always ?? [])].map(canonicalKey));
    if (!current) {
      values.set(c.config, { value: allowed[0], source: "requirements", note: `the first entry of \`${c.requirement}\` is the default` });
    } else if (!allowedKeys.has(canonicalKey(current.value))) {
      values.set(c.config, {
        value: allowed[0],
        source: "requirements",
        note: `${current.source} sets ${canonicalKey(current.value)}, which \`${c.requirement}\` does not allow; Codex falls back to the first allowed entry and tells the user`,
      });
    }
  }
  const features = requirements.features;
  if (isTable(features)) {
    for (const [name, pinned] of Object.entries(features)) {
      const path = formatPath(["features", name]);
      const current = values.get(path);
      if (!current || current.value !== pinned)
        values.set(path, { value: pinned, source: "requirements", note: current ? `${current.source} sets ${canonicalKey(current.value)}; the requirements pin it` : "pinned by the requirements" });
    }
  }
  if (isTable(requirements.otel)) {
    for (const path of [...values.keys()].filter((p) => p === "otel" || p.startsWith("otel."))) values.delete(path);
    const flat = new Map<string, TomlPlainValue>();
    flatten(requirements.otel, ["otel"], flat);
    for (const [path, value] of flat) values.set(path, { value, source: "requirements", note: "`[otel]` from requirements cannot be overridden by config" });
  }

  return {
    values: [...values].map(([path, v]) => ({ path, ...v })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    errors,
  };
}
