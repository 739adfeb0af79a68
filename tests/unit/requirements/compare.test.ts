import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors";
import { compareRequirements, widenedAccess, type Change } from "../../../lib/requirements/compare";
import { sha256Hex } from "../../../lib/requirements/hash";

const kinds = (changes: Change[]) => changes.map((c) => `${c.kind} ${c.path}`);

describe("sha256Hex", () => {
  it("hashes the exact UTF-8 bytes (known vectors)", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("é")).toBe(sha256Hex(new Uint8Array([0xc3, 0xa9])));
  });

  it("does not normalise line endings, BOM or trailing whitespace", () => {
    const base = sha256Hex("a = 1\n");
    expect(sha256Hex("a = 1\r\n")).not.toBe(base);
    expect(sha256Hex("\uFEFFa = 1\n")).not.toBe(base);
    expect(sha256Hex("a = 1\n ")).not.toBe(base);
  });
});

describe("compareRequirements", () => {
  it("reports no change for comment, whitespace, key-order and quoting differences", () => {
    const before = `allowed_approvals_reviewers = ["user"]\nallowed_sandbox_modes = ["read-only"]\n[features]\nweb_search = false\n`;
    const after = `# managed by Charter\nallowed_sandbox_modes = [ 'read-only' ]   # default\n\n\nallowed_approvals_reviewers = [\n  "user",\n]\nfeatures = { "web_search" = false }\n`;
    expect(compareRequirements(before, after)).toEqual([]);
  });

  it("reports a reviewer added to the allowlist as a list item with a readable summary", () => {
    const changes = compareRequirements(`allowed_approvals_reviewers = ["user"]`, `allowed_approvals_reviewers = ["user", "auto_review"]`);
    expect(changes).toEqual([
      {
        path: "allowed_approvals_reviewers",
        segments: ["allowed_approvals_reviewers"],
        kind: "list-added-item",
        after: "auto_review",
        index: 1,
        summary: "`auto_review` added to `allowed_approvals_reviewers`",
      },
    ]);
  });

  it("reports each list item added or removed individually", () => {
    const changes = compareRequirements(
      `allowed_sandbox_modes = ["read-only", "workspace-write"]`,
      `allowed_sandbox_modes = ["read-only", "danger-full-access", "external-sandbox"]`,
    );
    expect(kinds(changes)).toEqual([
      "list-removed-item allowed_sandbox_modes",
      "list-added-item allowed_sandbox_modes",
      "list-added-item allowed_sandbox_modes",
    ]);
    expect(changes.map((c) => c.summary)).toEqual([
      "`workspace-write` removed from `allowed_sandbox_modes`",
      "`danger-full-access` added to `allowed_sandbox_modes`",
      "`external-sandbox` added to `allowed_sandbox_modes`",
    ]);
  });

  it("notes a reordered allowlist and names the new default (the first entry)", () => {
    const changes = compareRequirements(`allowed_approvals_reviewers = ["user", "auto_review"]`, `allowed_approvals_reviewers = ["auto_review", "user"]`);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: "reordered", path: "allowed_approvals_reviewers", before: ["user", "auto_review"], after: ["auto_review", "user"] });
    expect(changes[0].summary).toContain("`auto_review` is now first, so it is the default (was `user`)");
  });

  it("says when an added item becomes the new default", () => {
    const [change] = compareRequirements(`allowed_approval_policies = ["on-request"]`, `allowed_approval_policies = ["never", "on-request"]`);
    expect(change.summary).toBe("`never` added to `allowed_approval_policies` (now the default)");
  });

  it("ignores reordering of lists whose order Codex does not use (deny_read, web search modes)", () => {
    const before = `allowed_web_search_modes = ["cached", "live"]\n[permissions.filesystem]\ndeny_read = ["/a", "/b"]`;
    const after = `allowed_web_search_modes = ["live", "cached"]\n[permissions.filesystem]\ndeny_read = ["/b", "/a"]`;
    expect(compareRequirements(before, after)).toEqual([]);
  });

  it("treats alias spellings as equal: guardian_subagent == auto_review, feature_requirements == features, network_proxy == experimental_network", () => {
    const before = `allowed_approvals_reviewers = ["guardian_subagent", "user"]\n[feature_requirements]\nweb_search = false\n[network_proxy]\nenabled = true`;
    const after = `allowed_approvals_reviewers = ["auto_review", "user"]\n[features]\nweb_search = false\n[experimental_network]\nenabled = true`;
    expect(compareRequirements(before, after)).toEqual([]);
  });

  it("recurses into nested tables and quotes keys that are not bare", () => {
    const before = `[mcp_servers."docs.internal".identity]\ncommand = "docs-mcp"\n[experimental_network.domains]\n"api.example.com" = "allow"`;
    const after = `[mcp_servers."docs.internal".identity]\ncommand = "docs-mcp-v2"\n[experimental_network.domains]\n"api.example.com" = "deny"`;
    const changes = compareRequirements(before, after);
    expect(kinds(changes)).toEqual([
      'changed mcp_servers."docs.internal".identity.command',
      'changed experimental_network.domains."api.example.com"',
    ]);
    expect(changes[0].segments).toEqual(["mcp_servers", "docs.internal", "identity", "command"]);
    expect(changes[0].summary).toBe('`mcp_servers."docs.internal".identity.command` changed from `docs-mcp` to `docs-mcp-v2`');
  });

  it("reports added and removed keys and whole tables", () => {
    const changes = compareRequirements(`enforce_residency = "us"\n[mcp_servers.a.identity]\ncommand = "a"`, `allow_login_shell = false\n[mcp_servers.b.identity]\nurl = "https://b"`);
    expect(kinds(changes)).toEqual(["removed enforce_residency", "removed mcp_servers.a", "added mcp_servers.b", "added allow_login_shell"]);
    expect(changes[0].summary).toBe("`enforce_residency` removed (was `us`)");
    expect(changes[3].summary).toBe("`allow_login_shell` set to `false`");
  });

  it("summarises multi-line text by size, never inline", () => {
    const before = `guardian_policy_config = """\nDeny pushes to public remotes.\n"""`;
    const after = `guardian_policy_config = """\nDeny pushes to public remotes.\nDeny reading ~/.aws.\n"""`;
    const [change] = compareRequirements(before, after);
    expect(change.kind).toBe("changed");
    expect(change.summary).toBe("`guardian_policy_config` changed (30 → 51 characters)");
    expect(compareRequirements("", after)[0].summary).toBe("`guardian_policy_config` added (51 characters)");
  });

  it("does not count surrounding whitespace of guardian_policy_config (Codex trims it), and treats a blank one as unset", () => {
    expect(compareRequirements(`guardian_policy_config = "Deny pushes."`, `guardian_policy_config = """\n\n  Deny pushes.\n\n"""`)).toEqual([]);
    expect(compareRequirements(``, `guardian_policy_config = """\n   \n"""`)).toEqual([]);
  });

  it("shows an edited prefix rule as a field change, and a new rule as an added item", () => {
    const rule = (decision: string) => `[[rules.prefix_rules]]\npattern = [{ token = "git" }, { any_of = ["push", "fetch"] }]\ndecision = "${decision}"\n`;
    const other = `[[rules.prefix_rules]]\npattern = [{ token = "rm" }]\ndecision = "forbidden"\n`;
    const changes = compareRequirements(rule("forbidden"), rule("prompt") + other);
    expect(kinds(changes)).toEqual(["list-added-item rules.prefix_rules", "changed rules.prefix_rules[0].decision"]);
    expect(changes[0].summary).toBe("prefix rule `rm` (forbidden) added to `rules.prefix_rules`");
  });

  it("notes a reordered remote_sandbox_config because the first matching entry applies", () => {
    const a = `[[remote_sandbox_config]]\nhostname_patterns = ["*.ci"]\nallowed_sandbox_modes = ["read-only"]\n`;
    const b = `[[remote_sandbox_config]]\nhostname_patterns = ["*"]\nallowed_sandbox_modes = ["read-only", "workspace-write"]\n`;
    const [change] = compareRequirements(a + b, b + a);
    expect(change.kind).toBe("reordered");
    expect(change.summary).toContain("first matching entry");
  });

  it("throws validation_failed with the position when a text is not TOML", () => {
    try {
      compareRequirements(`a = 1`, `a = = 2`);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("validation_failed");
      expect((err as AppError).message).toMatch(/^after: TOML syntax error at line 1/);
    }
  });
});

describe("widenedAccess", () => {
  const widens = (before: string, after: string) => widenedAccess(before, after);

  it("passes an identical or purely cosmetic change", () => {
    const text = `allowed_approvals_reviewers = ["user"]\nallowed_sandbox_modes = ["read-only"]`;
    expect(widens(text, `# note\n${text}\n`)).toEqual({ verdict: "PASS", reasons: [] });
  });

  it("passes a narrowing change (sandbox mode and approval policy removed, deny added)", () => {
    const before = `allowed_sandbox_modes = ["read-only", "workspace-write"]\nallowed_approval_policies = ["on-request", "never"]`;
    const after = `allowed_sandbox_modes = ["read-only"]\nallowed_approval_policies = ["on-request"]\n[permissions.filesystem]\ndeny_read = ["~/.ssh"]`;
    expect(widens(before, after).verdict).toBe("PASS");
  });

  it("flags a newly allowed sandbox mode or approval policy", () => {
    const r = widens(`allowed_sandbox_modes = ["read-only"]\nallowed_approval_policies = ["on-request"]`, `allowed_sandbox_modes = ["read-only", "danger-full-access"]\nallowed_approval_policies = ["on-request", "never"]`);
    expect(r.verdict).toBe("WIDENS");
    expect(r.reasons).toEqual([
      "approval policy `never` newly allowed in `allowed_approval_policies`",
      "sandbox mode `danger-full-access` newly allowed in `allowed_sandbox_modes`",
    ]);
  });

  it("does not flag listing `disabled` web search explicitly, since Codex always allows it", () => {
    expect(widens(`allowed_web_search_modes = ["cached"]`, `allowed_web_search_modes = ["cached", "disabled"]`).verdict).toBe("PASS");
    expect(widens(`allowed_web_search_modes = ["cached"]`, `allowed_web_search_modes = ["cached", "live"]`).verdict).toBe("WIDENS");
  });

  it("flags removing an allowlist, because a missing allowlist is unconstrained", () => {
    const r = widens(`allowed_sandbox_modes = ["read-only"]`, ``);
    expect(r).toEqual({ verdict: "WIDENS", reasons: ["`allowed_sandbox_modes` removed: any sandbox mode is allowed now"] });
  });

  it("flags `user` removed from the reviewers", () => {
    const r = widens(`allowed_approvals_reviewers = ["user", "auto_review"]`, `allowed_approvals_reviewers = ["auto_review"]`);
    expect(r.verdict).toBe("WIDENS");
    expect(r.reasons[0]).toContain("`user` removed from `allowed_approvals_reviewers`");
  });

  it("does not flag a reviewer alias respelling", () => {
    expect(widens(`allowed_approvals_reviewers = ["guardian_subagent", "user"]`, `allowed_approvals_reviewers = ["auto_review", "user"]`).verdict).toBe("PASS");
  });

  it("flags a prefix rule removed or relaxed from forbidden to prompt", () => {
    const rule = (cmd: string, decision: string) => `[[rules.prefix_rules]]\npattern = [{ token = "${cmd}" }]\ndecision = "${decision}"\n`;
    expect(widens(rule("rm", "forbidden") + rule("curl", "prompt"), rule("rm", "forbidden")).reasons).toEqual(["prefix rule `curl` (prompt) removed from `rules.prefix_rules`"]);
    expect(widens(rule("rm", "forbidden"), rule("rm", "prompt")).reasons).toEqual(["prefix rule `rm` relaxed from `forbidden` to `prompt`"]);
    expect(widens(rule("rm", "prompt"), rule("rm", "forbidden")).verdict).toBe("PASS");
  });

  it("flags network denies removed and allows added, in both the canonical and legacy shapes", () => {
    const canonical = widens(`[experimental_network.domains]\n"evil.com" = "deny"\n"a.com" = "allow"`, `[network_proxy.domains]\n"a.com" = "allow"\n"b.com" = "allow"`);
    expect(canonical.reasons).toEqual(['deny entry `experimental_network.domains."evil.com"` removed', 'allow entry `experimental_network.domains."b.com"` added']);
    const legacy = widens(`[experimental_network]\ndenied_domains = ["evil.com"]\nallowed_domains = ["a.com"]`, `[experimental_network]\ndenied_domains = []\nallowed_domains = ["a.com", "b.com"]`);
    expect(legacy.reasons).toEqual(["network deny `evil.com` removed from `experimental_network.denied_domains`", "network allow `b.com` added to `experimental_network.allowed_domains`"]);
  });

  it("flags dangerously_* flags turned on", () => {
    const r = widens(`[experimental_network]\ndangerously_allow_all_unix_sockets = false`, `[experimental_network]\ndangerously_allow_all_unix_sockets = true`);
    expect(r.reasons).toEqual(["`experimental_network.dangerously_allow_all_unix_sockets` turned on"]);
  });

  it("flags deny_read entries removed", () => {
    const r = widens(`[permissions.filesystem]\ndeny_read = ["~/.ssh", "~/.aws"]`, `[permissions.filesystem]\ndeny_read = ["~/.ssh"]`);
    expect(r.reasons).toEqual(["`~/.aws` removed from `permissions.filesystem.deny_read`: agents may read it now"]);
  });

  it("flags an MCP server added to an existing allowlist, but not a first allowlist", () => {
    expect(widens(`[mcp_servers.a.identity]\ncommand = "a"`, `[mcp_servers.a.identity]\ncommand = "a"\n[mcp_servers.b.identity]\nurl = "https://b"`).reasons).toEqual(["MCP server `mcp_servers.b` added"]);
    expect(widens(``, `[mcp_servers.a.identity]\ncommand = "a"`).verdict).toBe("PASS");
  });

  it("flags a feature pin removed", () => {
    const r = widens(`[features]\nweb_search = false\nshell_tool = true`, `[features]\nshell_tool = true`);
    expect(r.reasons).toEqual(["feature pin `features.web_search` removed (was `false`)"]);
  });

  it("flags a removed or shorter guardian_policy_config, not a longer one", () => {
    const long = `guardian_policy_config = """\nDeny pushes.\nDeny secrets.\n"""`;
    const short = `guardian_policy_config = "Deny pushes."`;
    expect(widens(long, ``).reasons).toEqual(["`guardian_policy_config` removed: Auto-review falls back to the bundled default policy"]);
    expect(widens(long, `guardian_policy_config = "   "`).verdict).toBe("WIDENS");
    expect(widens(long, short).reasons[0]).toMatch(/^`guardian_policy_config` shortened \(26 → 12 characters\)/);
    expect(widens(short, long).verdict).toBe("PASS");
  });

  it("flags a constraining key removed (enforce_residency) and an app re-enabled", () => {
    expect(widens(`enforce_residency = "us"`, ``).reasons).toEqual(["`enforce_residency` removed: it no longer constrains agents"]);
    expect(widens(`[apps.drive]\nenabled = false`, `[apps.drive]\nenabled = true`).reasons).toEqual(["app `apps.drive` no longer disabled"]);
  });

  it("flags a restrictive switch turned off", () => {
    expect(widens(`allow_managed_hooks_only = true`, `allow_managed_hooks_only = false`).reasons).toEqual(["`allow_managed_hooks_only` turned off"]);
    expect(widens(`allow_managed_hooks_only = false`, `allow_managed_hooks_only = true`).verdict).toBe("PASS");
  });

  it("throws validation_failed on unparsable input", () => {
    expect(() => widenedAccess(`[a`, ``)).toThrowError(AppError);
  });
});
