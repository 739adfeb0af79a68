import { describe, expect, it } from "vitest";
import { effectiveConfig, layersFromBundle, parseCloudBundle } from "../../../lib/requirements/cloud-bundle";
import { hostViewOfBundle } from "../../../lib/requirements/cloud-host";
import { effectiveRequirements } from "../../../lib/requirements/layers";
import { KNOWN_CODEX_VERSIONS } from "../../../lib/requirements/versions";
import { charterOutcome, sameOutcome } from "../../../scripts/codex-cloud-oracle";
import { cloudBundleVectors } from "./cloud-bundle-vectors";

const BUNDLE = JSON.stringify({
  config_toml: {
    enterprise_managed: [
      { id: "cfg_1", name: "Org overlay", contents: 'approval_policy = "never"\nsandbox_mode = "danger-full-access"' },
      { id: "cfg_2", name: "Older overlay", contents: 'approval_policy = "untrusted"\nmodel = "gpt-5.4-mini"' },
    ],
    managed_layers: { baseline: [{ id: "base_1", name: "Baseline", contents: 'model = "gpt-5.4"' }], system_overlay: [] },
    product_defaults: [{ id: "pd_1", name: "Product defaults", contents: 'model = "gpt-5.4"' }],
  },
  requirements_toml: {
    enterprise_managed: [
      { id: "req_1", name: "Base requirements", contents: 'allowed_approval_policies = ["on-request", "untrusted"]' },
      { id: "req_2", name: "Older requirements", contents: 'allowed_approval_policies = ["never"]\nallowed_sandbox_modes = ["read-only"]' },
    ],
  },
});

describe("cloud config bundles as Codex 0.169.0 and 0.171.0 read them", () => {
  it("turns requirement fragments into cloud layers where the first fragment wins, on top of the system file", () => {
    const { requirements } = layersFromBundle(parseCloudBundle(BUNDLE));
    expect(requirements.map((l) => l.name)).toEqual(["enterprise-managed requirements Base requirements (req_1)", "enterprise-managed requirements Older requirements (req_2)"]);
    const eff = effectiveRequirements([{ kind: "system", name: "/etc/codex/requirements.toml", text: 'allowed_sandbox_modes = ["read-only", "workspace-write"]' }, ...requirements]);
    expect(eff.value.allowed_approval_policies).toEqual(["on-request", "untrusted"]);
    expect(eff.sources.allowed_approval_policies.name).toBe("enterprise-managed requirements Base requirements (req_1)");
    expect(eff.value.allowed_sandbox_modes).toEqual(["read-only"]);
  });

  it("applies only enterprise_managed config fragments, named as Codex names them, and says what it left out", () => {
    const { config, notes } = layersFromBundle(parseCloudBundle(BUNDLE));
    expect(config.map((l) => [l.kind, l.name])).toEqual([
      ["enterprise_managed", "enterprise-managed (Org overlay, cfg_1)"],
      ["enterprise_managed", "enterprise-managed (Older overlay, cfg_2)"],
    ]);
    expect(notes).toEqual([
      expect.stringMatching(/^`config_toml\.managed_layers` \(1 baseline and 0 system_overlay fragments\) is read but not applied by Codex 0\.169\.0 and Codex 0\.171\.0/),
      expect.stringMatching(/^`config_toml\.product_defaults` is not a field Codex 0\.169\.0 and Codex 0\.171\.0 read: ignored/),
    ]);
  });

  it("layers system config < cloud config (first fragment wins) < user config, then applies the requirements", () => {
    const { config } = layersFromBundle(parseCloudBundle(BUNDLE));
    const requirements = { allowed_approval_policies: ["on-request", "untrusted"], allowed_sandbox_modes: ["read-only"], features: { hooks: false }, otel: { environment: "prod" } };
    const eff = effectiveConfig([...config, { kind: "system", name: "/etc/codex/config.toml", text: 'model = "o3"\nmodel_verbosity = "low"\n[otel]\nenvironment = "dev"' }], requirements);
    const at = (path: string) => eff.values.find((v) => v.path === path);
    // cfg_1 sets no model: cfg_2's wins over the system file; the baseline of managed_layers counts for nothing.
    expect(at("model")).toMatchObject({ value: "gpt-5.4-mini", source: "enterprise-managed (Older overlay, cfg_2)", fragmentId: "cfg_2" });
    expect(at("model_verbosity")).toMatchObject({ value: "low", source: "/etc/codex/config.toml /etc/codex/config.toml" });
    // "never" from the first fragment is not allowed: the first allowed entry applies.
    expect(at("approval_policy")).toMatchObject({ value: "on-request", source: "requirements" });
    expect(at("approval_policy")?.note).toMatch(/sets "never", which `allowed_approval_policies` does not allow/);
    expect(at("sandbox_mode")).toMatchObject({ value: "read-only", source: "requirements" });
    expect(at("features.hooks")).toMatchObject({ value: false, source: "requirements" });
    expect(at("otel.environment")).toMatchObject({ value: "prod", source: "requirements" });
    const user = effectiveConfig([...config, { kind: "user", name: "~/.codex/config.toml", text: 'model = "mine"' }], {});
    expect(user.values.find((v) => v.path === "model")).toMatchObject({ value: "mine", source: "user config.toml ~/.codex/config.toml" });
  });

  it("refuses a bundle that is not JSON or not Codex's shape, naming where and saying Codex would not start", () => {
    expect(() => parseCloudBundle("{")).toThrow(/not JSON/);
    expect(() => parseCloudBundle(JSON.stringify({ requirements_toml: { enterprise_managed: [{ id: "x", name: "y" }] } }))).toThrow(/requirements_toml\.enterprise_managed\[0\]\.contents/);
    expect(() => parseCloudBundle(JSON.stringify({ config_toml: { managed_layers: { baseline: [] } } }))).toThrow(/config_toml\.managed_layers\.system_overlay.*do not start/);
  });

  it("a config fragment that is not TOML makes Codex refuse the whole bundle", () => {
    const { errors } = layersFromBundle(parseCloudBundle(JSON.stringify({ config_toml: { enterprise_managed: [{ id: "c", name: "Bad", contents: "a = " }, { id: "d", name: "Good", contents: "b = 1" }] } })));
    expect(errors).toEqual([{ layer: "enterprise-managed (Bad, c)", message: expect.stringMatching(/Codex refuses the whole bundle/) }]);
    expect(hostViewOfBundle(JSON.stringify({ config_toml: { enterprise_managed: [{ id: "c", name: "Bad", contents: "a = " }] } }), {}, "0.171.0")).toMatchObject({ loads: false });
  });

  // The facts recorded from the binaries (scripts/codex-cloud-oracle.ts checks them again against the cached binaries).
  for (const version of KNOWN_CODEX_VERSIONS) {
    for (const vec of cloudBundleVectors) {
      it(`Codex ${version}: ${vec.name}`, () => {
        const charter = charterOutcome(vec, version);
        expect(sameOutcome(charter, vec.codex), JSON.stringify(charter)).toBe(true);
      });
    }
  }
});
