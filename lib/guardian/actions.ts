import { z } from "zod";

/*
 * The "Planned action JSON" of each Auto-review request kind, as Codex 0.169 prints it (codex-reference.md §3.2).
 * One place for these shapes: sample import, the sample editor, the sandbox runner and the tests all use them.
 * Objects are strict: an unknown key is almost always a typo of a field Codex would read, so it is refused with
 * its path rather than silently carried into the reviewer's prompt.
 */

export const REQUEST_KINDS = ["shell", "exec_command", "apply_patch", "network_access", "mcp_tool_call", "request_permissions"] as const;

export const SANDBOX_PERMISSIONS = ["use_default", "require_escalated", "with_additional_permissions"] as const;
export const NETWORK_PROTOCOLS = ["http", "https", "socks5_tcp", "socks5_udp"] as const;

const nonEmpty = z.string().min(1, "must not be empty");
const path = nonEmpty;

/** `RequestPermissionProfile` (also the shape of `additional_permissions`). */
export const permissionProfileSchema = z.strictObject({
  network: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  file_system: z
    .strictObject({
      read: z.array(path).optional(),
      write: z.array(path).optional(),
    })
    .optional(),
});

const commandFields = {
  command: z.array(z.string()).min(1, "needs at least the program"),
  cwd: path,
  sandbox_permissions: z.enum(SANDBOX_PERMISSIONS),
  additional_permissions: permissionProfileSchema.optional(),
  justification: z.string().optional(),
};

/** An intercepted exec (unix `Execve`): Codex prints the program and argv instead of a command line. */
const execveFields = {
  program: nonEmpty,
  argv: z.array(z.string()),
  cwd: path,
  additional_permissions: permissionProfileSchema.optional(),
};

const shellCommandSchema = z.strictObject({ tool: z.literal("shell"), ...commandFields });
const shellExecveSchema = z.strictObject({ tool: z.literal("shell"), ...execveFields });
const execCommandSchema = z.strictObject({ tool: z.literal("exec_command"), ...commandFields, tty: z.boolean() });
const execExecveSchema = z.strictObject({ tool: z.literal("exec_command"), ...execveFields });

export const shellActionSchema = z.union([shellCommandSchema, shellExecveSchema]);
export const execCommandActionSchema = z.union([execCommandSchema, execExecveSchema]);

export const applyPatchActionSchema = z.strictObject({
  tool: z.literal("apply_patch"),
  cwd: path,
  files: z.array(path).min(1, "names at least one file"),
  patch: z.string(),
  change_count: z.number().int().nonnegative().optional(),
});

/** The command that triggered a network request: camelCase, unlike the rest of the action JSON. */
export const networkTriggerSchema = z.strictObject({
  callId: nonEmpty,
  toolName: nonEmpty,
  command: z.array(z.string()),
  cwd: path,
  sandboxPermissions: z.enum(SANDBOX_PERMISSIONS),
  additionalPermissions: permissionProfileSchema.optional(),
  justification: z.string().optional(),
  tty: z.boolean().optional(),
});

export const networkAccessActionSchema = z.strictObject({
  tool: z.literal("network_access"),
  target: nonEmpty,
  host: nonEmpty,
  protocol: z.enum(NETWORK_PROTOCOLS),
  port: z.number().int().min(1).max(65535),
  trigger: networkTriggerSchema.optional(),
});

export const mcpToolCallActionSchema = z.strictObject({
  tool: z.literal("mcp_tool_call"),
  server: nonEmpty,
  tool_name: nonEmpty,
  arguments: z.unknown().optional(),
  connector_id: z.string().optional(),
  connector_name: z.string().optional(),
  connector_description: z.string().optional(),
  tool_title: z.string().optional(),
  tool_description: z.string().optional(),
  annotations: z
    .strictObject({
      destructive_hint: z.boolean().optional(),
      open_world_hint: z.boolean().optional(),
      read_only_hint: z.boolean().optional(),
    })
    .optional(),
});

export const requestPermissionsActionSchema = z.strictObject({
  tool: z.literal("request_permissions"),
  turn_id: nonEmpty,
  reason: z.string().optional(),
  permissions: permissionProfileSchema,
});

export const ACTION_SCHEMAS = {
  shell: shellActionSchema,
  exec_command: execCommandActionSchema,
  apply_patch: applyPatchActionSchema,
  network_access: networkAccessActionSchema,
  mcp_tool_call: mcpToolCallActionSchema,
  request_permissions: requestPermissionsActionSchema,
} as const;

export type ShellAction = z.output<typeof shellActionSchema>;
export type ExecCommandAction = z.output<typeof execCommandActionSchema>;
export type ApplyPatchAction = z.output<typeof applyPatchActionSchema>;
export type NetworkAccessAction = z.output<typeof networkAccessActionSchema>;
export type McpToolCallAction = z.output<typeof mcpToolCallActionSchema>;
export type RequestPermissionsAction = z.output<typeof requestPermissionsActionSchema>;
export type GuardianAction = ShellAction | ExecCommandAction | ApplyPatchAction | NetworkAccessAction | McpToolCallAction | RequestPermissionsAction;

/** Any of the six kinds, chosen by `tool` so errors name the fields of the right kind. */
export const guardianActionSchema = z
  .looseObject({ tool: z.enum(REQUEST_KINDS, { message: `tool must be one of ${REQUEST_KINDS.join(", ")}` }) })
  .transform((value, ctx): GuardianAction => {
    // Command or intercepted exec: decided by `program`, so the errors are about one shape, not a union of two.
    const execve = "program" in value;
    const schema =
      value.tool === "shell" ? (execve ? shellExecveSchema : shellCommandSchema)
      : value.tool === "exec_command" ? (execve ? execExecveSchema : execCommandSchema)
      : ACTION_SCHEMAS[value.tool];
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
    return z.NEVER;
  });

/** One entry of the retained transcript, printed as `[N] role: text`. */
export const TRANSCRIPT_ROLE = /^(user|assistant|developer|tool [A-Za-z0-9_.:\-/]+ (call|result))$/;
export const transcriptEntrySchema = z.strictObject({
  role: z.string().regex(TRANSCRIPT_ROLE, 'role: user, assistant, developer, or "tool <name> call|result"'),
  text: z.string().max(200_000),
});
export type TranscriptEntry = z.output<typeof transcriptEntrySchema>;

export const transcriptSchema = z.array(transcriptEntrySchema).max(200);
