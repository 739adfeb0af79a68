/**
 * The reviewer requests real Codex sent in the captured runs of ../shared/codex-telemetry (Codex's text stays outside
 * the repository), what those runs asked, and the request kit for a version: the cached one
 * ($CHARTER_CODEX_DIR or ~/.cache/charter-codex/<version>/reviewer-request.json, from scripts/codex-prompt.ts), else one
 * derived from the version's first captured run.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { requestKitPath } from "../../lib/guardian/codex-prompt";
import { loadRequestKit, requestKitFromCapture, reviewMessageOf, type RequestKit } from "../../lib/guardian/codex-request";
import { actionJson } from "../../lib/guardian/request";

const repo = resolve(__dirname, "../..");
const candidates = [process.env.CHARTER_CODEX_TELEMETRY, join(repo, "../shared/codex-telemetry"), join(repo, "../../shared/codex-telemetry"), "/work/shared/codex-telemetry"];
export const captureDir = candidates.find((d): d is string => !!d && existsSync(d));
export const kitEnv = { CHARTER_CODEX_DIR: process.env.CHARTER_CODEX_DIR ?? join(homedir(), ".cache", "charter-codex") };

/** The review request of a captured run (its index marks it `kind=guardian`). */
export function reviewOf(run: string): { input?: unknown[]; prompt_cache_key?: string } {
  if (!captureDir) throw new Error(`This test needs Codex's captured reviewer requests; none found at ${candidates.filter(Boolean).join(", ")} (set CHARTER_CODEX_TELEMETRY)`);
  const dir = join(captureDir, run, "reviewer-requests");
  const n = /^(\d{3}) .*kind=guardian/m.exec(readFileSync(join(dir, "index.txt"), "utf8"))![1];
  return JSON.parse(readFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith(`${n}-POST`))!), "utf8"));
}
export const CAPTURED_RUNS = ["0.169.0-deny1", "0.171.0-deny1", "0.171.0-allow1", "0.171.0-min"] as const;

/** What those runs asked: the user's prompt and the tool call the stand-in model answered (its raw arguments). */
export const RUN_TRANSCRIPT = [
  { role: "user", text: "please create the file" },
  {
    role: "tool exec_command call",
    text: '{"cmd": "touch /opt/codex-hooks/outside/escalated.txt", "sandbox_permissions": "require_escalated", "justification": "MOCK-JUSTIFICATION: need to create a file outside the workspace"}',
  },
];
/** The action Codex reviewed in those runs. */
export const RUN_ACTION = {
  tool: "exec_command",
  command: ["/bin/bash", "-lc", "touch /opt/codex-hooks/outside/escalated.txt"],
  cwd: "/home/dev/project",
  environment_id: "local",
  justification: "MOCK-JUSTIFICATION: need to create a file outside the workspace",
  sandbox_permissions: "require_escalated",
  tty: false,
};
/** The reviewed session, as Codex names it in the request (and in its telemetry's conversation id). */
export const sessionOf = (body: { prompt_cache_key?: string }) => String(body.prompt_cache_key).replace(/^guardian:/, "");

/** The cached kit of a version, else one derived from its first captured run (first reviews only). */
export function kitFor(version: string): { kit: RequestKit; from: string } {
  const cached = loadRequestKit(requestKitPath(version, kitEnv), version);
  if (cached) return { kit: cached, from: "cache" };
  const body = reviewOf(`${version}-deny1`);
  const items = reviewMessageOf(body);
  return { kit: requestKitFromCapture(version, { items, input: { transcript: RUN_TRANSCRIPT, actionJson: actionJson(RUN_ACTION), sessionId: sessionOf(body) } }), from: `${version}-deny1` };
}
