import { describe, expect, it } from "vitest";
import { composeOverlay, assertComposable } from "../../../lib/groups/compose";
import { effectiveRequirements } from "../../../lib/requirements/layers";
import { parseRequirementsToml } from "../../../lib/requirements/compare";
import { validateRequirements } from "../../../lib/requirements";

const BASE = `allowed_approval_policies = ["on-request", "never"]
allowed_approvals_reviewers = ["auto_review", "user"]
allowed_sandbox_modes = ["read-only", "workspace-write"]
`;

const compose = (base: string, overlay: string, hostname?: string) => composeOverlay(base, overlay, { overlayName: 'group "contractors"', hostname });

describe("composing a group overlay over the base (Codex layer merge, overlay can only narrow)", () => {
  it("keeps base keys the overlay does not mention and replaces scalars the overlay sets", () => {
    const c = compose(`${BASE}enforce_residency = "us"\nguardian_policy_config = "base policy"\n`, `guardian_policy_config = "contractor policy"\n`);
    expect(c.value.enforce_residency).toBe("us");
    expect(c.value.guardian_policy_config).toBe("contractor policy");
    expect(c.sources.guardian_policy_config).toBe('group "contractors"');
    expect(c.sources.enforce_residency).toBe("base");
    expect(c.valid).toBe(true);
  });

  it("intersects allow-lists in the overlay's order and says what was dropped", () => {
    const c = compose(BASE, `allowed_approval_policies = ["never", "untrusted"]\nallowed_approvals_reviewers = ["user"]\n`);
    expect(c.value.allowed_approval_policies).toEqual(["never"]);
    expect(c.value.allowed_approvals_reviewers).toEqual(["user"]);
    expect(c.notes.join("\n")).toMatch(/"untrusted" is not allowed by the base/);
    expect(c.valid).toBe(true);
  });

  it("intersects sandbox modes and web search modes; an overlay cannot add danger-full-access", () => {
    const c = compose(`${BASE}allowed_web_search_modes = ["cached"]\n`, `allowed_sandbox_modes = ["read-only", "danger-full-access"]\nallowed_web_search_modes = ["live", "cached"]\n`);
    expect(c.value.allowed_sandbox_modes).toEqual(["read-only"]);
    expect(c.value.allowed_web_search_modes).toEqual(["cached"]);
  });

  it("an overlay whose intersection empties an allow-list is refused with the overlay's line", () => {
    const overlay = `# contractors\nguardian_policy_config = "x"\nallowed_approval_policies = ["untrusted"]\n`;
    const c = compose(BASE, overlay);
    expect(c.valid).toBe(false);
    const error = c.findings.find((f) => f.severity === "error")!;
    expect(error.layer).toBe("overlay");
    expect(error.line).toBe(3);
    expect(error.path).toBe("allowed_approval_policies");
    expect(() => assertComposable(c, 'group "contractors"')).toThrow(/overlay line 3/);
  });

  it("a finding caused by the base alone is named against the base", () => {
    const c = compose(`allowed_sandbox_modes = ["workspace-write"]\n`, `enforce_residency = "us"\n`);
    const error = c.findings.find((f) => f.severity === "error")!;
    expect(error.layer).toBe("base");
    expect(error.line).toBe(1);
  });

  it("appends prefix rules and hook events, overlay first", () => {
    const base = `${BASE}[[rules.prefix_rules]]\npattern = [{ token = "git" }, { token = "push" }]\ndecision = "prompt"\n\n[[hooks.Stop]]\nhooks = [{ type = "command", command = "base-stop" }]\n`;
    const overlay = `[[rules.prefix_rules]]\npattern = [{ token = "curl" }]\ndecision = "forbidden"\n\n[[hooks.Stop]]\nhooks = [{ type = "command", command = "overlay-stop" }]\n`;
    const c = compose(base, overlay);
    const rules = (c.value.rules as { prefix_rules: { decision: string }[] }).prefix_rules;
    expect(rules.map((r) => r.decision)).toEqual(["forbidden", "prompt"]);
    const stop = (c.value.hooks as { Stop: { hooks: { command: string }[] }[] }).Stop;
    expect(stop.map((s) => s.hooks[0].command)).toEqual(["overlay-stop", "base-stop"]);
    expect(c.valid).toBe(true);
  });

  it("unions deny_read and auto_review.required_on_models", () => {
    const c = compose(
      `${BASE}[permissions.filesystem]\ndeny_read = ["/etc/secrets"]\n[auto_review]\nrequired_on_models = ["gpt-5"]\n`,
      `[permissions.filesystem]\ndeny_read = ["/home/*/.ssh", "/etc/secrets"]\n[auto_review]\nrequired_on_models = ["o4"]\n`,
    );
    expect((c.value.permissions as { filesystem: { deny_read: string[] } }).filesystem.deny_read).toEqual(["/home/*/.ssh", "/etc/secrets"]);
    expect((c.value.auto_review as { required_on_models: string[] }).required_on_models).toEqual(["o4", "gpt-5"]);
  });

  it("keeps denials sticky: disabled apps, disallowed permission profiles, denied domains and sockets", () => {
    const base = `${BASE}[apps.drive]\nenabled = false\n[allowed_permission_profiles]\nwide = false\n[experimental_network]\ndomains = { "evil.example" = "deny", "ok.example" = "allow" }\nunix_sockets = { "/var/run/docker.sock" = "deny" }\n`;
    const overlay = `[apps.drive]\nenabled = true\n[allowed_permission_profiles]\nwide = true\n[experimental_network]\ndomains = { "evil.example" = "allow", "ok.example" = "deny" }\nunix_sockets = { "/var/run/docker.sock" = "allow" }\n`;
    const c = compose(base, overlay);
    expect((c.value.apps as Record<string, { enabled: boolean }>).drive.enabled).toBe(false);
    expect((c.value.allowed_permission_profiles as Record<string, boolean>).wide).toBe(false);
    const net = c.value.experimental_network as { domains: Record<string, string>; unix_sockets: Record<string, string> };
    expect(net.domains).toEqual({ "evil.example": "deny", "ok.example": "deny" });
    expect(net.unix_sockets["/var/run/docker.sock"]).toBe("deny");
    expect(c.sources['experimental_network.domains."evil.example"']).toBe("base");
  });

  it("merges tables key by key (features, mcp_servers)", () => {
    const c = compose(`${BASE}[features]\nweb_search = true\nfast_mode = true\n[mcp_servers.docs.identity]\ncommand = "docs-mcp"\n`, `[features]\nfast_mode = false\n[mcp_servers.jira.identity]\nurl = "https://jira.example/mcp"\n`);
    expect(c.value.features).toEqual({ web_search: true, fast_mode: false });
    expect(Object.keys(c.value.mcp_servers as object).sort()).toEqual(["docs", "jira"]);
  });

  it("keeps local-only auth keys from both layers (both are local files)", () => {
    const c = compose(`${BASE}allowed_login_methods = ["chatgpt", "api"]\n`, `allowed_login_methods = ["chatgpt"]\n`);
    expect(c.value.allowed_login_methods).toEqual(["chatgpt"]);
  });

  it("reads alias spellings as Codex does", () => {
    const c = compose(`${BASE}[feature_requirements]\nfast_mode = true\n`, `[features]\nfast_mode = false\n`);
    expect(c.value.features).toEqual({ fast_mode: false });
  });

  it("refuses an overlay that is not TOML with its line", () => {
    expect(() => compose(BASE, `allowed_approval_policies = [\n`)).toThrow(/line 2/);
  });

  describe("remote_sandbox_config resolves per layer", () => {
    const base = `allowed_approval_policies = ["on-request"]\nallowed_sandbox_modes = ["read-only", "workspace-write", "danger-full-access"]\n[[remote_sandbox_config]]\nhostname_patterns = ["build-*"]\nallowed_sandbox_modes = ["read-only", "danger-full-access"]\n`;
    const twoLayers = (overlay: string, host: string) =>
      effectiveRequirements(
        [
          { kind: "system", name: "base", text: base },
          { kind: "mdm", name: "overlay", text: overlay },
        ],
        { hostname: host },
      ).value.allowed_sandbox_modes;
    const composedOnce = (overlay: string, host: string) =>
      effectiveRequirements([{ kind: "system", name: "composed", text: compose(base, overlay).toml }], { hostname: host }).value.allowed_sandbox_modes;

    it("base entries survive an overlay without sandbox modes, after the overlay's own entries", () => {
      const overlay = `[[remote_sandbox_config]]\nhostname_patterns = ["build-secure*"]\nallowed_sandbox_modes = ["read-only"]\n`;
      for (const host of ["build-1", "build-secure-2", "laptop"]) expect(composedOnce(overlay, host)).toEqual(twoLayers(overlay, host));
      expect(composedOnce(overlay, "build-secure-2")).toEqual(["read-only"]);
      expect(composedOnce(overlay, "build-1")).toEqual(["read-only", "danger-full-access"]);
    });

    it("an overlay with its own modes replaces the base's host-specific modes for every host", () => {
      const overlay = `allowed_sandbox_modes = ["read-only"]\n`;
      for (const host of ["build-1", "laptop"]) expect(composedOnce(overlay, host)).toEqual(["read-only"]);
      for (const host of ["build-1", "laptop"]) expect(composedOnce(overlay, host)).toEqual(twoLayers(overlay, host));
    });

    it("overlay entries are narrowed to the base's modes when the base's modes do not depend on the host", () => {
      const c = compose(BASE, `[[remote_sandbox_config]]\nhostname_patterns = ["ci-*"]\nallowed_sandbox_modes = ["read-only", "danger-full-access"]\n`);
      expect(c.value.remote_sandbox_config).toEqual([{ hostname_patterns: ["ci-*"], allowed_sandbox_modes: ["read-only"] }]);
      expect(compose(BASE, `[[remote_sandbox_config]]\nhostname_patterns = ["ci-*"]\nallowed_sandbox_modes = ["read-only", "danger-full-access"]\n`, "ci-7").value.allowed_sandbox_modes).toEqual(["read-only"]);
    });
  });

  it("writes a composed file that Charter's Codex model accepts and that parses back to the composed value", () => {
    const c = compose(BASE, `allowed_approval_policies = ["never"]\n[features]\nfast_mode = false\n`);
    expect(validateRequirements(c.toml).valid).toBe(true);
    expect(parseRequirementsToml(c.toml)).toEqual(c.value);
    expect(c.toml.startsWith("# Composed by Charter")).toBe(true);
  });
});
