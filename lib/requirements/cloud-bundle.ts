/**
 * A cloud config bundle (`GET …/config/bundle`, codex-reference.md §2.1) composed as the newest Codex does it:
 * `requirements_toml.enterprise_managed` fragments become requirement layers (the first fragment wins), and
 * `config_toml.product_defaults` / `config_toml.enterprise_managed` become the config layers `CloudManaged(Baseline)`
 * (below the system config.toml) and `CloudManaged(SystemOverlay)` (above it, below the user's config). The effective
 * config is then constrained by the effective requirements, as Codex constrains it: a value the requirements do not
 * allow falls back to the first allowed one; pinned features and `[otel]` from requirements win.
 */
import { z } from "zod";
import { AppError } from "../errors";
import { canonicalKey, formatPath, isTable, parseRequirementsToml, type TomlPlainTable, type TomlPlainValue } from "./compare";
import type { Layer } from "./layers";

const fragment = z.object({ id: z.string(), name: z.string(), contents: z.string() });
export const cloudBundleSchema = z.object({
  config_toml: z.object({ product_defaults: z.array(fragment).optional(), enterprise_managed: z.array(fragment).optional() }).optional(),
  requirements_toml: z.object({ enterprise_managed: z.array(fragment).optional() }).optional(),
});
export type CloudBundle = z.infer<typeof cloudBundleSchema>;

/** Config layers, lowest precedence first (codex-reference.md §1.6; session flags, profiles and projects left out). */
export const CONFIG_LAYER_KINDS = ["baseline", "system", "system_overlay", "user"] as const;
export type ConfigLayerKind = (typeof CONFIG_LAYER_KINDS)[number];
export interface ConfigLayer {
  kind: ConfigLayerKind;
  name: string;
  text: string;
}

const CONFIG_KIND_LABEL: Record<ConfigLayerKind, string> = {
  baseline: "cloud baseline (product defaults)",
  system: "/etc/codex/config.toml",
  system_overlay: "cloud system overlay (enterprise managed config)",
  user: "user config.toml",
};

/** Reads a bundle's JSON text; a clear error names what is wrong. */
export function parseCloudBundle(json: string): CloudBundle {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new AppError("validation_failed", "The cloud bundle is not JSON; paste the body of GET /api/codex/config/bundle.");
  }
  const r = cloudBundleSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new AppError("validation_failed", `The cloud bundle does not have Codex's shape at ${formatPath(issue.path) || "(top level)"}: ${issue.message}.`);
  }
  return r.data;
}

/** The bundle's layers: requirement fragments in the server's order (highest priority first), config fragments by bucket. */
export function layersFromBundle(bundle: CloudBundle): { requirements: Layer[]; config: ConfigLayer[] } {
  const requirements = (bundle.requirements_toml?.enterprise_managed ?? []).map((f) => ({
    kind: "cloud" as const,
    name: `enterprise-managed requirements ${f.name} (${f.id})`,
    text: f.contents,
  }));
  const config: ConfigLayer[] = [
    ...(bundle.config_toml?.product_defaults ?? []).map((f) => ({ kind: "baseline" as const, name: `${f.name} (${f.id})`, text: f.contents })),
    ...(bundle.config_toml?.enterprise_managed ?? []).map((f) => ({ kind: "system_overlay" as const, name: `${f.name} (${f.id})`, text: f.contents })),
  ];
  return { requirements, config };
}

export interface ConfigValue {
  path: string;
  value: TomlPlainValue;
  /** The layer the value came from, or "requirements" when the requirements decided it. */
  source: string;
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
 * The config a host ends up with from these layers, constrained by the effective requirements. Within a bucket the
 * first cloud fragment wins, as for requirements.
 */
export function effectiveConfig(layers: readonly ConfigLayer[], requirements: TomlPlainTable): EffectiveConfig {
  const errors: EffectiveConfig["errors"] = [];
  const rank = (k: ConfigLayerKind) => CONFIG_LAYER_KINDS.indexOf(k);
  // Ascending precedence; cloud fragments arrive highest-priority first, so they are reversed within their bucket.
  const ordered = CONFIG_LAYER_KINDS.flatMap((kind) => {
    const of = layers.filter((l) => l.kind === kind);
    return kind === "baseline" || kind === "system_overlay" ? [...of].reverse() : of;
  }).sort((a, b) => rank(a.kind) - rank(b.kind));

  const values = new Map<string, { value: TomlPlainValue; source: string; note?: string }>();
  for (const layer of ordered) {
    let doc: TomlPlainTable;
    try {
      doc = parseRequirementsToml(layer.text, `${CONFIG_KIND_LABEL[layer.kind]} ${layer.name}`);
    } catch (err) {
      if (err instanceof AppError) {
        errors.push({ layer: `${CONFIG_KIND_LABEL[layer.kind]} ${layer.name}`, message: err.message });
        continue;
      }
      throw err;
    }
    const flat = new Map<string, TomlPlainValue>();
    flatten(doc, [], flat);
    for (const [path, value] of flat) values.set(path, { value, source: `${CONFIG_KIND_LABEL[layer.kind]} ${layer.name}` });
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
