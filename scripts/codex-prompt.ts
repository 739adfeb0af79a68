/**
 * Obtains the Auto-review prompt exactly as a Codex version composes it, on demand, and caches it outside the
 * repository (never at `npm start`, never committed: the text is Codex's).
 *
 *   npx tsx scripts/codex-prompt.ts [--codex VERSION]... [--force]
 *
 * For each version: installs it like scripts/codex-oracle.ts does, runs `codex exec` against a local stand-in for the
 * model API that asks for one command needing approval, with managed requirements whose `guardian_policy_config` and
 * `guardian_extra_policy` are marker strings, in a private mount namespace (root; the real /etc is never touched).
 * The reviewer request Codex sends is kept with the markers as a prompt kit (lib/guardian/codex-prompt.ts) and written
 * to $CHARTER_CODEX_DIR/VERSION/reviewer-prompt.json, where the sandbox finds it; once more for each reviewer model with
 * a prompt of its own (`codex-auto-review`: reviewer-prompt.codex-auto-review.json).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CAPTURE_CASES,
  EXTRA_POLICY_MARKER,
  GENERAL_CAPTURE_MODEL,
  kitFromCaptures,
  kitPath,
  MODELS_WITH_OWN_PROMPT,
  POLICY_MARKER,
  type CaptureCase,
  type CapturedRequest,
} from "../lib/guardian/codex-prompt";
import { KNOWN_CODEX_VERSIONS } from "../lib/requirements/versions";
import { findCodexBinary } from "./codex-oracle";

const args = process.argv.slice(2);
const versions = args.flatMap((a, i) => (a === "--codex" && args[i + 1] ? [args[i + 1]] : []));
const force = args.includes("--force");

/** One Responses API stream: the items, then `response.completed`. */
function sse(items: object[], id: string): string {
  const events: object[] = [{ type: "response.created", response: { id } }];
  for (const item of items) events.push({ type: "response.output_item.done", item });
  events.push({ type: "response.completed", response: { id, usage: { input_tokens: 1, input_tokens_details: null, output_tokens: 1, output_tokens_details: null, total_tokens: 2 } } });
  return events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

const text = (s: string) => ({ type: "message", role: "assistant", id: `msg_${Date.now()}`, content: [{ type: "output_text", text: s }] });

async function capture(version: string, requirements: { policy: boolean; extra: boolean }, model: string): Promise<CapturedRequest[]> {
  const bin = findCodexBinary(version);
  if (!bin) throw new Error(`Codex ${version} is not installed; run scripts/codex-oracle.ts --codex ${version} first (it installs it)`);
  const captured: CapturedRequest[] = [];
  let calls = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (!req.url?.endsWith("/responses")) {
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as CapturedRequest["body"];
      const isReview = req.headers["x-openai-subagent"] === "guardian";
      captured.push({ review: isReview, body });
      res.writeHead(200, { "content-type": "text/event-stream" });
      if (isReview) res.end(sse([text('{"outcome":"deny","risk_level":"high","user_authorization":"low","rationale":"capture"}')], `resp_r${captured.length}`));
      else if (calls++ === 0)
        res.end(
          sse(
            [
              {
                type: "function_call",
                id: "fc_1",
                call_id: "call_1",
                name: "exec_command",
                arguments: JSON.stringify({ cmd: "touch /opt/charter-capture/escalated.txt", sandbox_permissions: "require_escalated", justification: "capture" }),
              },
            ],
            "resp_1",
          ),
        );
      else res.end(sse([text("done")], `resp_${calls}`));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;

  const scratch = mkdtempSync(join(tmpdir(), "charter-prompt-"));
  try {
    const etc = join(scratch, "etc");
    spawnSync("cp", ["-a", "/etc", etc], { stdio: "ignore" });
    mkdirSync(join(etc, "codex"), { recursive: true });
    writeFileSync(
      join(etc, "codex", "requirements.toml"),
      [
        'allowed_approvals_reviewers = ["auto_review", "user"]',
        requirements.policy ? `guardian_policy_config = "${POLICY_MARKER}"` : "",
        requirements.extra ? `guardian_extra_policy = "${EXTRA_POLICY_MARKER}"` : "",
        "",
      ].join("\n"),
    );
    const home = join(scratch, "home");
    const work = join(scratch, "work");
    mkdirSync(home, { recursive: true });
    mkdirSync(work, { recursive: true });
    writeFileSync(
      join(home, "config.toml"),
      [
        `model = "${model}"`,
        'model_provider = "capture"',
        'approval_policy = "on-request"',
        'approvals_reviewer = "auto_review"',
        'sandbox_mode = "read-only"',
        "[model_providers.capture]",
        'name = "capture"',
        `base_url = "http://127.0.0.1:${port}/v1"`,
        'wire_api = "responses"',
        "requires_openai_auth = false",
        "",
      ].join("\n"),
    );
    const child = spawn(
      "unshare",
      ["-m", "--propagation", "private", "sh", "-c", 'mount --bind "$0" /etc && exec "$@"', etc, bin, "exec", "--skip-git-repo-check", "please create the file"],
      { cwd: work, env: { ...process.env, CODEX_HOME: home, RUST_BACKTRACE: "0" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (out += d));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
      child.on("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    if (!captured.some((c) => c.review)) throw new Error(`Codex ${version} sent no review request (exit ${code}):\n${out.slice(-2000)}`);
    return captured;
  } finally {
    server.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main() {
  for (const version of versions.length > 0 ? versions : KNOWN_CODEX_VERSIONS) {
    for (const model of [GENERAL_CAPTURE_MODEL, ...MODELS_WITH_OWN_PROMPT]) {
      const path = kitPath(version, process.env, model);
      if (existsSync(path) && !force) {
        console.log(`Codex ${version} (${model}): prompt kit already cached at ${path} (--force to capture again)`);
        continue;
      }
      const captures = {} as Record<CaptureCase, CapturedRequest[]>;
      for (const c of Object.keys(CAPTURE_CASES) as CaptureCase[]) captures[c] = await capture(version, CAPTURE_CASES[c], model);
      const kit = kitFromCaptures(version, captures);
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, JSON.stringify(kit, null, 2));
      console.log(`Codex ${version} (${model}): reviewer prompt captured (${kit.developer.defaultPolicy.length} characters with the default policy) into ${path}`);
    }
  }
}

main().catch((err) => {
  console.error(String((err as Error).stack ?? err));
  process.exitCode = 1;
});
