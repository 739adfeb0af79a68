/**
 * `charter pull`: the host agent's pull (packages/agent/src/pull-command.ts) under the repository's `charter` command,
 * with Charter's validator as the last check. Same options, lines and exit codes as `charter-agent pull`; hosts should
 * install the agent package instead of this repository (docs/agent-hosts.md).
 */
import { pullCommand as agentPull } from "../packages/agent/src/pull-command";
import { charterValidate } from "../lib/bundles/verify";
import type { Command } from "./main";

export const pullCommand: Command = (args, io) => agentPull(args, io, { prog: "charter pull", validate: charterValidate });
