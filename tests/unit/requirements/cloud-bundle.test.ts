import { describe, expect, it } from "vitest";
import { effectiveConfig, layersFromBundle, parseCloudBundle } from "../../../lib/requirements/cloud-bundle";
import { effectiveRequirements } from "../../../lib/requirements/layers";

const BUNDLE = JSON.stringify({
  config_toml: {
    product_defaults: [{ id: "pd_1", name: "Product defaults", contents: 'approval_policy = "on-request"\nmodel = "gpt-5.4"\n[features]\nhooks = true' }],
    enterprise_managed: [
      { id: "cfg_1", name: "Org overlay", contents: 'approval_policy = "never"\nsandbox_mode = "danger-full-access"' },
      { id: "cfg_2", name: "Older overlay", contents: 'approval_policy = "untrusted"\nmodel = "gpt-5.4-mini"' },
    ],
  },
  requirements_toml: {
    enterprise_managed: [
      { id: "req_1", name: "Base requirements", contents: 'allowed_approval_policies = ["on-request", "untrusted"]' },
      { id: "req_2", name: "Older requirements", contents: 'allowed_approval_policies = ["never"]\nallowed_sandbox_modes = ["read-only"]' },
    ],
  },
});

describe("cloud config bundles in the effective view", () => {
  it("turns requirement fragments into cloud layers where the first fragment wins, on top of the system file", () => {
    const { requirements } = layersFromBundle(parseCloudBundle(BUNDLE));
    expect(requirements.map((l) => l.name)).toEqual(["enterprise-managed requirements Base requirements (req_1)", "enterprise-managed requirements Older requirements (req_2)"]);
    const eff = effectiveRequirements([{ kind: "system", name: "/etc/codex/requirements.toml", text: 'allowed_sandbox_modes = ["read-only", "workspace-write"]' }, ...requirements]);
    expect(eff.value.allowed_approval_policies).toEqual(["on-request", "untrusted"]);
    expect(eff.sources.allowed_approval_policies.name).toBe("enterprise-managed requirements Base requirements (req_1)");
    expect(eff.value.allowed_sandbox_modes).toEqual(["read-only"]);
  });

  it("layers baseline < system config < system overlay < user config, the first overlay fragment winning, then applies the requirements", () => {
    const { config } = layersFromBundle(parseCloudBundle(BUNDLE));
    const requirements = { allowed_approval_policies: ["on-request", "untrusted"], allowed_sandbox_modes: ["read-only"], features: { hooks: false }, otel: { environment: "prod" } };
    const eff = effectiveConfig([...config, { kind: "system", name: "/etc/codex/config.toml", text: 'model = "o3"\n[otel]\nenvironment = "dev"' }], requirements);
    const at = (path: string) => eff.values.find((v) => v.path === path);
    // The overlay's first fragment wins over the older one and over the system file; baseline is lowest.
    expect(at("model")).toMatchObject({ value: "gpt-5.4-mini", source: "cloud system overlay (enterprise managed config) Older overlay (cfg_2)" });
    // "never" from the overlay is not allowed: the first allowed entry applies.
    expect(at("approval_policy")).toMatchObject({ value: "on-request", source: "requirements" });
    expect(at("approval_policy")?.note).toMatch(/sets "never", which `allowed_approval_policies` does not allow/);
    expect(at("sandbox_mode")).toMatchObject({ value: "read-only", source: "requirements" });
    expect(at("features.hooks")).toMatchObject({ value: false, source: "requirements" });
    expect(at("otel.environment")).toMatchObject({ value: "prod", source: "requirements" });
    const user = effectiveConfig([...config, { kind: "user", name: "~/.codex/config.toml", text: 'model = "mine"' }], {});
    expect(user.values.find((v) => v.path === "model")).toMatchObject({ value: "mine", source: "user config.toml ~/.codex/config.toml" });
  });

  it("refuses a bundle that is not JSON or not Codex's shape, naming where", () => {
    expect(() => parseCloudBundle("{")).toThrow(/not JSON/);
    expect(() => parseCloudBundle(JSON.stringify({ requirements_toml: { enterprise_managed: [{ id: "x", name: "y" }] } }))).toThrow(/requirements_toml\.enterprise_managed\[0\]\.contents/);
  });

  it("reports a config fragment that is not TOML and keeps the others", () => {
    const eff = effectiveConfig([{ kind: "baseline", name: "bad", text: "a = " }, { kind: "system", name: "s", text: "b = 1" }], {});
    expect(eff.errors).toEqual([expect.objectContaining({ layer: "cloud baseline (product defaults) bad" })]);
    expect(eff.values).toEqual([expect.objectContaining({ path: "b", value: 1 })]);
  });
});
