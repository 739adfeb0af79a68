/**
 * What one host running a given Codex version ends up with from a cloud config bundle plus its local files, in the
 * terms Codex itself reports them (`codex app-server`: `config/read` with its layers and origins,
 * `configRequirements/read`). scripts/codex-cloud-oracle.ts compares this with the real binaries; the unit tests pin it
 * to the facts recorded in tests/unit/requirements/cloud-bundle-vectors.ts. Kept apart from cloud-bundle.ts so the
 * browser's effective view does not load the full validator.
 */
import { AppError } from "../errors";
import { effectiveConfig, layersFromBundle, parseCloudBundle, type ConfigLayer } from "./cloud-bundle";
import type { TomlPlainTable } from "./compare";
import { effectiveRequirements, type Layer } from "./layers";
import { validateRequirements } from "./validate";

export interface HostFiles {
  /** /etc/codex/requirements.toml */
  systemRequirements?: string;
  /** /etc/codex/config.toml */
  systemConfig?: string;
  /** $CODEX_HOME/config.toml */
  userConfig?: string;
}

export type HostView =
  | { loads: false; reason: string }
  | {
      loads: true;
      /** The cloud config fragments' ids, highest precedence first (Codex lists layers that way). */
      configLayers: string[];
      /** Config key (top-level or dotted) → "user", "system" or the cloud fragment's id that set it. */
      origins: Record<string, string>;
      /** The effective requirements. */
      requirements: TomlPlainTable;
    };

/** The host's view of `bundleJson` under Codex `codex` (a known version). */
export function hostViewOfBundle(bundleJson: string, files: HostFiles, codex: string): HostView {
  let layers;
  try {
    layers = layersFromBundle(parseCloudBundle(bundleJson));
  } catch (err) {
    if (err instanceof AppError) return { loads: false, reason: err.message };
    throw err;
  }
  if (layers.errors.length > 0) return { loads: false, reason: `${layers.errors[0].layer}: ${layers.errors[0].message}` };
  // Codex validates every requirement fragment before it uses (or caches) the bundle.
  for (const layer of layers.requirements) {
    const r = validateRequirements(layer.text, { source: "cloud", codex });
    if (!r.valid) return { loads: false, reason: `invalid requirements in ${layer.name}: ${r.diagnostics.find((d) => d.severity === "error")?.message ?? "refused"}` };
  }
  const requirementLayers: Layer[] = [
    ...(files.systemRequirements !== undefined ? [{ kind: "system" as const, name: "/etc/codex/requirements.toml", text: files.systemRequirements }] : []),
    ...layers.requirements,
  ];
  const requirements = effectiveRequirements(requirementLayers);
  if (requirements.errors.length > 0) return { loads: false, reason: `${requirements.errors[0].layer.name}: ${requirements.errors[0].message}` };

  const configLayers: ConfigLayer[] = [
    ...(files.systemConfig !== undefined ? [{ kind: "system" as const, name: "", text: files.systemConfig }] : []),
    ...layers.config,
    ...(files.userConfig !== undefined ? [{ kind: "user" as const, name: "", text: files.userConfig }] : []),
  ];
  // Origins are where a value was set, before the requirements constrain it (Codex's `origins` say the same).
  const config = effectiveConfig(configLayers, {});
  if (config.errors.length > 0) return { loads: false, reason: `${config.errors[0].layer}: ${config.errors[0].message}` };
  const origins: Record<string, string> = {};
  for (const v of config.values) origins[v.path] = v.fragmentId ?? (v.source.startsWith("user") ? "user" : "system");
  return { loads: true, configLayers: layers.config.map((l) => l.id!), origins, requirements: requirements.value };
}
