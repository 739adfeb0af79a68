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
 * a prompt of its own (`codex-auto-review`: reviewer-prompt.codex-auto-review.json). Then a scripted conversation with
 * two reviews (the second a follow-up with the transcript delta) gives the layout of the reviewer's user message
 * (lib/guardian/codex-request.ts: reviewer-request.json), and a second conversation is kept raw (reviewer-check.json)
 * for the tests to compose exactly.
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
  requestCheckPath,
  requestKitPath,
  POLICY_MARKER,
  type CaptureCase,
  type CapturedRequest,
} from "../lib/guardian/codex-prompt";
import { KNOWN_CODEX_VERSIONS } from "../lib/requirements/versions";
import { requestKitFromCapture, reviewsOf } from "../lib/guardian/codex-request";
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

/** What the stand-in model answers the agent, turn by turn (then "done"); `scratch` is the capture's own folder. */
type Script = { prompt: string; turns: (scratch: string) => object[][]; reviewAnswer: string };

const ESCALATE: Script = {
  prompt: "please create the file",
  turns: () => [[call("call_1", { cmd: "touch /opt/charter-capture/escalated.txt", sandbox_permissions: "require_escalated", justification: "capture" })]],
  reviewAnswer: '{"outcome":"deny","risk_level":"high","user_authorization":"low","rationale":"capture"}',
};

function call(id: string, args: object) {
  return { type: "function_call", id: `fc_${id}`, call_id: id, name: "exec_command", arguments: JSON.stringify(args) };
}

async function capture(version: string, requirements: { policy: boolean; extra: boolean }, model: string, script: Script = ESCALATE): Promise<CapturedRequest[]> {
  const bin = findCodexBinary(version);
  if (!bin) throw new Error(`Codex ${version} is not installed; run scripts/codex-oracle.ts --codex ${version} first (it installs it)`);
  const captured: CapturedRequest[] = [];
  let calls = 0;
  const scratch = mkdtempSync(join(tmpdir(), "charter-prompt-"));
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
      const turns = script.turns(scratch);
      if (isReview) res.end(sse([text(script.reviewAnswer)], `resp_r${captured.length}`));
      else if (calls < turns.length) res.end(sse(turns[calls++], `resp_${calls}`));
      else res.end(sse([text("done")], `resp_${calls}`));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;

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
      ["-m", "--propagation", "private", "sh", "-c", 'mount --bind "$0" /etc && exec "$@"', etc, bin, "exec", "--skip-git-repo-check", script.prompt],
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

/** A conversation with every transcript entry kind and two reviews: the second is Codex's follow-up review. */
const CONVERSATION: Script = {
  prompt: "CHARTER-USER-1",
  turns: (scratch) => [
    [text("CHARTER-ASSISTANT-1"), call("call_1", { cmd: "echo CHARTER-TOOL-1" })],
    [call("call_2", { cmd: `touch ${scratch}/first.txt`, sandbox_permissions: "require_escalated", justification: "CHARTER-JUSTIFICATION-2" })],
    [text("CHARTER-ASSISTANT-3"), call("call_3", { cmd: `touch ${scratch}/second.txt`, sandbox_permissions: "require_escalated", justification: "CHARTER-JUSTIFICATION-3" })],
  ],
  reviewAnswer: '{"outcome":"deny","risk_level":"high","user_authorization":"low","rationale":"capture"}',
};

/** Another conversation, kept raw for the tests: the kit derived from the first must compose this one exactly. */
const CHECK: Script = {
  prompt: "Tidy the build folder, then publish the notes (ünïcode, two\nlines)",
  turns: (scratch) => [
    [call("c1", { cmd: "ls" }), call("c2", { cmd: "printf 'a\\nb'" })],
    [text("Both listed."), text("Now the escalated step."), call("c3", { cmd: `rm -rf ${scratch}/build`, sandbox_permissions: "require_escalated", justification: "clean the build" })],
    [call("c4", { cmd: `cp notes.md ${scratch}/pub/`, sandbox_permissions: "require_escalated", justification: "publish" })],
  ],
  reviewAnswer: '{"outcome":"allow"}',
};

async function captureRequestKit(version: string) {
  const path = requestKitPath(version);
  if (existsSync(path) && !force) {
    console.log(`Codex ${version}: request kit already cached at ${path} (--force to capture again)`);
    return;
  }
  const conversation = { requests: await capture(version, { policy: false, extra: false }, GENERAL_CAPTURE_MODEL, CONVERSATION), prompt: CONVERSATION.prompt, reviewed: ["call_2", "call_3"] };
  const { first, followUp } = reviewsOf(conversation);
  const kit = requestKitFromCapture(version, first, followUp);
  const check = { requests: await capture(version, { policy: false, extra: false }, GENERAL_CAPTURE_MODEL, CHECK), prompt: CHECK.prompt, reviewed: ["c3", "c4"] };
  reviewsOf(check);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, JSON.stringify(kit, null, 2));
  writeFileSync(requestCheckPath(version), JSON.stringify(check));
  console.log(`Codex ${version}: reviewer message layout captured into ${path}`);
}

async function main() {
  for (const version of versions.length > 0 ? versions : KNOWN_CODEX_VERSIONS) await captureRequestKit(version);
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
