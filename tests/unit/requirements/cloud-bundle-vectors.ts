/**
 * Cloud config bundles and what Codex 0.169.0 and 0.171.0 make of them, as observed by running the binaries against a
 * stand-in backend (scripts/codex-cloud-oracle.ts checks these again whenever the binaries are cached). Our own bundles
 * and values; only the facts (which fields count, which order, what is refused) come from Codex.
 */
import type { HostFiles } from "../../../lib/requirements/cloud-host";

export type CodexCloudOutcome =
  | { loads: false }
  | {
      loads: true;
      /** Cloud config fragment ids as Codex lists its layers (highest precedence first). */
      configLayers: string[];
      /** Config key → "user", "system" or a fragment id, for every key the layers set. */
      origins: Record<string, string>;
      /** The requirement keys the oracle compares (see COMPARED_REQUIREMENTS there); absent = unset. */
      requirements: Record<string, unknown>;
    };

export interface CloudBundleVector {
  name: string;
  /** The JSON body served at /wham/config/bundle. */
  bundle: unknown;
  files?: HostFiles;
  codex: CodexCloudOutcome;
}

const frag = (id: string, name: string, contents: string) => ({ id, name, contents });

export const cloudBundleVectors: CloudBundleVector[] = [
  {
    name: "enterprise-managed fragments: the first fragment wins for config and for requirements",
    bundle: {
      config_toml: { enterprise_managed: [frag("cfg-a", "Team A", 'model_verbosity = "high"\n'), frag("cfg-b", "Team B", 'model_verbosity = "low"\nmodel_reasoning_effort = "low"\n')] },
      requirements_toml: {
        enterprise_managed: [frag("req-a", "Strict", 'allowed_approval_policies = ["never"]\n'), frag("req-b", "Base", 'allowed_approval_policies = ["on-request"]\nallowed_sandbox_modes = ["read-only"]\n')],
      },
    },
    codex: {
      loads: true,
      configLayers: ["cfg-a", "cfg-b"],
      origins: { model_verbosity: "cfg-a", model_reasoning_effort: "cfg-b" },
      requirements: { allowed_approval_policies: ["never"], allowed_sandbox_modes: ["read-only"] },
    },
  },
  {
    name: "cloud config lies above /etc/codex/config.toml and below the user's config.toml; cloud requirements above the system file",
    bundle: {
      config_toml: { enterprise_managed: [frag("cfg-1", "Org", 'model_verbosity = "high"\nmodel_reasoning_effort = "low"\n')] },
      requirements_toml: { enterprise_managed: [frag("req-1", "Org", 'allowed_approval_policies = ["never"]\n')] },
    },
    files: {
      systemRequirements: 'allowed_approval_policies = ["on-request"]\nallowed_sandbox_modes = ["read-only", "workspace-write"]\n',
      systemConfig: 'model_reasoning_effort = "high"\nhide_agent_reasoning = true\n',
      userConfig: 'model_verbosity = "medium"\n',
    },
    codex: {
      loads: true,
      configLayers: ["cfg-1"],
      origins: { model_verbosity: "user", model_reasoning_effort: "cfg-1", hide_agent_reasoning: "system" },
      requirements: { allowed_approval_policies: ["never"], allowed_sandbox_modes: ["read-only", "workspace-write"] },
    },
  },
  {
    name: "managed_layers (baseline and system_overlay) is not applied, in config_toml or requirements_toml",
    bundle: {
      config_toml: { managed_layers: { baseline: [frag("cb", "Baseline", 'model = "m-base"\n')], system_overlay: [frag("co", "Overlay", 'model_verbosity = "high"\n')] } },
      requirements_toml: { managed_layers: { baseline: [frag("rb", "Baseline", 'allowed_sandbox_modes = ["read-only"]\n')], system_overlay: [frag("ro", "Overlay", 'allowed_approval_policies = ["never"]\n')] } },
    },
    codex: { loads: true, configLayers: [], origins: {}, requirements: {} },
  },
  {
    name: "managed_layers fragments are not even parsed (not TOML, refused values) while enterprise_managed applies",
    bundle: {
      config_toml: {
        enterprise_managed: [frag("cfg-1", "Org", 'model_verbosity = "high"\n')],
        managed_layers: { baseline: [frag("x", "X", "this = = not toml")], system_overlay: [frag("y", "Y", "model = = 1")] },
      },
      requirements_toml: { managed_layers: { baseline: [], system_overlay: [frag("z", "Z", 'allowed_approval_policies = ["bogus"]')] } },
    },
    codex: { loads: true, configLayers: ["cfg-1"], origins: { model_verbosity: "cfg-1" }, requirements: {} },
  },
  {
    name: "product_defaults is not a field Codex reads",
    bundle: { config_toml: { product_defaults: [frag("pd", "Defaults", 'model_verbosity = "low"\n')] }, requirements_toml: { product_defaults: [frag("pr", "Defaults", 'allowed_approval_policies = ["never"]\n')] } },
    codex: { loads: true, configLayers: [], origins: {}, requirements: {} },
  },
  {
    name: "null sections and lists count as empty",
    bundle: { config_toml: null, requirements_toml: { enterprise_managed: null, managed_layers: null } },
    codex: { loads: true, configLayers: [], origins: {}, requirements: {} },
  },
  {
    name: "unknown fields of the body and of fragments are ignored",
    bundle: { version: 3, config_toml: { enterprise_managed: [{ ...frag("cfg-1", "Org", 'model_verbosity = "high"'), updated_at: "2026-01-01" }] } },
    codex: { loads: true, configLayers: ["cfg-1"], origins: { model_verbosity: "cfg-1" }, requirements: {} },
  },
  {
    name: "auth requirements from the cloud are dropped",
    bundle: { requirements_toml: { enterprise_managed: [frag("req-1", "Org", 'allowed_login_methods = ["api"]\nallowed_sandbox_modes = ["read-only"]\n')] } },
    codex: { loads: true, configLayers: [], origins: {}, requirements: { allowed_sandbox_modes: ["read-only"] } },
  },
  {
    name: "refused: managed_layers without system_overlay",
    bundle: { config_toml: { enterprise_managed: [frag("cfg-1", "Org", 'model_verbosity = "high"')], managed_layers: { baseline: [] } } },
    codex: { loads: false },
  },
  {
    name: "refused: managed_layers without baseline",
    bundle: { requirements_toml: { managed_layers: { system_overlay: [] } } },
    codex: { loads: false },
  },
  {
    name: "refused: managed_layers with a null list",
    bundle: { config_toml: { managed_layers: { baseline: null, system_overlay: [] } } },
    codex: { loads: false },
  },
  {
    name: "refused: a fragment without a name",
    bundle: { config_toml: { enterprise_managed: [{ id: "cfg-1", contents: 'model_verbosity = "high"' }] } },
    codex: { loads: false },
  },
  {
    name: "refused: a fragment id that is not a string",
    bundle: { requirements_toml: { enterprise_managed: [{ id: 7, name: "Org", contents: "" }] } },
    codex: { loads: false },
  },
  {
    name: "refused: a config fragment that is not TOML",
    bundle: { config_toml: { enterprise_managed: [frag("cfg-1", "Org", 'model_verbosity = = "high"')] } },
    codex: { loads: false },
  },
  {
    name: "refused: a requirement fragment Codex refuses",
    bundle: { requirements_toml: { enterprise_managed: [frag("req-1", "Org", 'allowed_approval_policies = ["bogus"]')] } },
    codex: { loads: false },
  },
];
