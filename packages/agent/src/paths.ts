/** Where Codex reads its managed requirements on each OS, and where the agent keeps its own files. */
import path from "node:path";

/** The system requirements.toml Codex reads (on macOS Codex also reads /etc/codex; MDM profiles take precedence). */
export function defaultOut(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === "win32") return path.win32.join(env.ProgramData ?? "C:\\ProgramData", "OpenAI", "Codex", "requirements.toml");
  return "/etc/codex/requirements.toml";
}

export function defaultStateDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === "darwin") return "/Library/Application Support/Charter";
  if (platform === "win32") return path.win32.join(env.ProgramData ?? "C:\\ProgramData", "Charter");
  return "/var/lib/charter";
}

/** File names under the state dir are derived from the org slug; anything unusual in it becomes "_". */
export const slugPart = (org: string) => org.replace(/[^A-Za-z0-9_-]/g, "_");
