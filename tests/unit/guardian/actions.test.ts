import { describe, expect, it } from "vitest";
import { guardianActionSchema, REQUEST_KINDS, transcriptSchema } from "../../../lib/guardian/actions";
import { SEED_SAMPLES } from "../../../lib/sandbox/seed-samples";
import { sampleInputSchema } from "../../../lib/sandbox/schemas";

// The reference shapes of codex-reference.md §3.2, one per kind (plus the intercepted-exec variant).
const REFERENCE = {
  shell: { tool: "shell", command: ["bash", "-lc", "ls"], cwd: "/repo", sandbox_permissions: "require_escalated", justification: "needs network" },
  exec_command: { tool: "exec_command", command: ["npm", "ci"], cwd: "/repo", sandbox_permissions: "with_additional_permissions", additional_permissions: { network: { enabled: true } }, tty: false },
  execve: { tool: "shell", program: "/usr/bin/git", argv: ["git", "push"], cwd: "/repo" },
  apply_patch: { tool: "apply_patch", cwd: "/repo", files: ["/repo/a.ts"], patch: "*** Begin Patch\n*** End Patch", change_count: 1 },
  network_access: {
    tool: "network_access", target: "https://example.com:443", host: "example.com", protocol: "https", port: 443,
    trigger: { callId: "call_1", toolName: "exec_command", command: ["curl", "https://example.com"], cwd: "/repo", sandboxPermissions: "use_default", tty: false },
  },
  mcp_tool_call: { tool: "mcp_tool_call", server: "github", tool_name: "create_issue", arguments: { title: "x" }, connector_id: "c1", connector_name: "GitHub", tool_title: "Create issue", annotations: { destructive_hint: false, open_world_hint: true, read_only_hint: false } },
  request_permissions: { tool: "request_permissions", turn_id: "turn-1", reason: "write the cache", permissions: { network: { enabled: false }, file_system: { read: ["/etc"], write: ["/repo/.cache"] } } },
};

describe("action schemas of the six request kinds", () => {
  it.each(Object.entries(REFERENCE))("accepts the reference shape of %s", (_name, action) => {
    const parsed = guardianActionSchema.safeParse(action);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data).toEqual(action);
  });

  it("refuses an unknown tool, naming the six kinds", () => {
    const r = guardianActionSchema.safeParse({ tool: "browser", url: "https://x" });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].message).toContain("shell, exec_command, apply_patch, network_access, mcp_tool_call, request_permissions");
  });

  it("refuses a misspelled field with its path instead of carrying it into the prompt", () => {
    const r = guardianActionSchema.safeParse({ ...REFERENCE.shell, sandbox_permission: "use_default" });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error!.issues)).toContain("sandbox_permission");
  });

  it("refuses wrong types and values: a string command, an unknown sandbox permission, a port out of range, snake_case trigger keys", () => {
    expect(guardianActionSchema.safeParse({ ...REFERENCE.shell, command: "ls -la" }).success).toBe(false);
    expect(guardianActionSchema.safeParse({ ...REFERENCE.shell, sandbox_permissions: "yolo" }).success).toBe(false);
    expect(guardianActionSchema.safeParse({ ...REFERENCE.network_access, port: 70000 }).success).toBe(false);
    expect(guardianActionSchema.safeParse({ ...REFERENCE.network_access, protocol: "ftp" }).success).toBe(false);
    const snake = { ...REFERENCE.network_access, trigger: { call_id: "c", tool_name: "shell", command: [], cwd: "/", sandbox_permissions: "use_default" } };
    expect(guardianActionSchema.safeParse(snake).success).toBe(false);
  });

  it("requires exec_command's tty and request_permissions' turn_id", () => {
    const { tty: _t, ...noTty } = REFERENCE.exec_command;
    expect(guardianActionSchema.safeParse(noTty).success).toBe(false);
    const { turn_id: _id, ...noTurn } = REFERENCE.request_permissions;
    expect(guardianActionSchema.safeParse(noTurn).success).toBe(false);
  });

  it("accepts transcript roles Codex prints and refuses others", () => {
    expect(transcriptSchema.safeParse([{ role: "user", text: "hi" }, { role: "tool shell call", text: "ls" }, { role: "tool github result", text: "{}" }]).success).toBe(true);
    expect(transcriptSchema.safeParse([{ role: "system", text: "x" }]).success).toBe(false);
  });
});

describe("the seeded sample library", () => {
  it("has at least 30 valid samples covering all six kinds and the five risk groups, with unique names", () => {
    expect(SEED_SAMPLES.length).toBeGreaterThanOrEqual(30);
    for (const s of SEED_SAMPLES) expect(sampleInputSchema.safeParse(s).success, s.name).toBe(true);
    expect(new Set(SEED_SAMPLES.map((s) => s.action.tool))).toEqual(new Set(REQUEST_KINDS));
    const tags = new Set(SEED_SAMPLES.flatMap((s) => s.tags));
    for (const g of ["routine", "data-exfiltration", "credential-probing", "security-weakening", "destructive"]) expect(tags).toContain(g);
    expect(new Set(SEED_SAMPLES.map((s) => s.name)).size).toBe(SEED_SAMPLES.length);
  });
});
