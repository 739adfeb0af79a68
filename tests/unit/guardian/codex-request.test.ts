/**
 * The reviewer's user message exactly as Codex composes it. Codex's text stays outside the repository: the request kit
 * and a second captured conversation come from the cache scripts/codex-prompt.ts fills from the real binaries
 * ($CHARTER_CODEX_DIR or ~/.cache/charter-codex/<version>/reviewer-request.json, reviewer-check.json); the captured
 * requests of real runs come from ../shared/codex-telemetry (as in codex-prompt.test.ts). Without a cached kit, the
 * first-review kit is derived from one captured run and checked against the others.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { requestCheckPath, requestKitPath, reviewerInstructions, composeWithKit, loadPromptKit, reviewMessageFor } from "../../../lib/guardian/codex-prompt";
import { composeReviewRequest } from "../../../lib/guardian/request";
import {
  actionJsonOf,
  loadRequestKit,
  requestKitFromCapture,
  reviewMessageItems,
  reviewMessageOf,
  reviewsOf,
  type Conversation,
  type RequestKit,
} from "../../../lib/guardian/codex-request";
import { actionJson } from "../../../lib/guardian/request";

const repo = resolve(__dirname, "../../..");
const candidates = [process.env.CHARTER_CODEX_TELEMETRY, join(repo, "../shared/codex-telemetry"), join(repo, "../../shared/codex-telemetry"), "/work/shared/codex-telemetry"];
const telemetry = candidates.find((d): d is string => !!d && existsSync(d));
const env = { CHARTER_CODEX_DIR: process.env.CHARTER_CODEX_DIR ?? join(homedir(), ".cache", "charter-codex") };

/** The review request of a captured run (its index marks it `kind=guardian`). */
function reviewOf(run: string): { input?: unknown[]; prompt_cache_key?: string } {
  if (!telemetry) throw new Error(`This test needs Codex's captured reviewer requests; none found at ${candidates.filter(Boolean).join(", ")} (set CHARTER_CODEX_TELEMETRY)`);
  const dir = join(telemetry, run, "reviewer-requests");
  const n = /^(\d{3}) .*kind=guardian/m.exec(readFileSync(join(dir, "index.txt"), "utf8"))![1];
  return JSON.parse(readFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith(`${n}-POST`))!), "utf8"));
}
const RUNS = ["0.169.0-deny1", "0.171.0-deny1", "0.171.0-allow1", "0.171.0-min"];

/** What those runs asked: the user's prompt and the tool call the stand-in model answered (its raw arguments). */
const RUN_TRANSCRIPT = [
  { role: "user", text: "please create the file" },
  {
    role: "tool exec_command call",
    text: '{"cmd": "touch /opt/codex-hooks/outside/escalated.txt", "sandbox_permissions": "require_escalated", "justification": "MOCK-JUSTIFICATION: need to create a file outside the workspace"}',
  },
];
/** The action Codex reviewed in those runs. */
const RUN_ACTION = {
  tool: "exec_command",
  command: ["/bin/bash", "-lc", "touch /opt/codex-hooks/outside/escalated.txt"],
  cwd: "/home/dev/project",
  environment_id: "local",
  justification: "MOCK-JUSTIFICATION: need to create a file outside the workspace",
  sandbox_permissions: "require_escalated",
  tty: false,
};
const sessionOf = (body: { prompt_cache_key?: string }) => String(body.prompt_cache_key).replace(/^guardian:/, "");

/** The cached kit of a version, else one derived from its first captured run (first reviews only). */
function kitFor(version: string): { kit: RequestKit; from: string } {
  const cached = loadRequestKit(requestKitPath(version, env), version);
  if (cached) return { kit: cached, from: "cache" };
  const body = reviewOf(`${version}-deny1`);
  const items = reviewMessageOf(body);
  return { kit: requestKitFromCapture(version, { items, input: { transcript: RUN_TRANSCRIPT, actionJson: actionJson(RUN_ACTION), sessionId: sessionOf(body) } }), from: `${version}-deny1` };
}

describe("the reviewer's user message as Codex composes it", () => {
  for (const run of RUNS) {
    const version = run.slice(0, 7);
    it(`first review: equals what Codex ${version} sent in ${run}, item by item, for the same transcript and action`, () => {
      const { kit, from } = kitFor(version);
      const body = reviewOf(run);
      const sent = reviewMessageOf(body);
      const composed = reviewMessageItems(kit, { transcript: RUN_TRANSCRIPT, actionJson: actionJson(RUN_ACTION), sessionId: sessionOf(body) });
      expect(composed, `kit from ${from}`).toEqual(sent);
      expect(composed.join("")).toBe(sent.join(""));
      // Our action printer is Codex's: sorted keys, two-space indent.
      expect(actionJson(RUN_ACTION)).toBe(actionJsonOf(sent));
      // The instructions too, when this version's prompt kit is cached (runs used Codex's default policy).
      const promptKit = loadPromptKit(version, env);
      if (promptKit) expect(composeWithKit(promptKit, {})).toBe(reviewerInstructions([{ review: true, body }]).text);
    });
  }

  for (const version of ["0.169.0", "0.171.0"]) {
    it(`first and follow-up review of another conversation: the Codex ${version} kit composes what Codex sent, exactly`, () => {
      const checkPath = requestCheckPath(version, env);
      const kit = loadRequestKit(requestKitPath(version, env), version);
      if (kit && existsSync(checkPath)) {
        const { first, followUp } = reviewsOf(JSON.parse(readFileSync(checkPath, "utf8")) as Conversation);
        expect(followUp.input.transcript.length).toBeGreaterThan(followUp.input.previousEntries);
        expect(reviewMessageItems(kit, first.input)).toEqual(first.items);
        expect(reviewMessageItems(kit, followUp.input)).toEqual(followUp.items);
        expect(kit.followUp?.reminder).toBe(followUp.reminder);
        return;
      }
      // No capture on this machine: the layout rules, with a kit of our own words.
      const own: RequestKit = {
        codexVersion: version, intro: "I\n", retainedStart: "RS\n", retainedEntry: "#{order} {role}: {text}\n", retainedEnd: "RE\n", transcriptStart: "TS\n", transcriptEnd: "TE\n",
        entrySeparator: "\n", userEntry: "[{n}] #{order}\nuser: {text}\n", entry: "[{n}] {role}: {text}\n", session: "S {session}\n", permissionContext: ["P\n"],
        actionLead: "A\n", requestStart: "QS\n", assess: "X\n", plannedAction: "J\n", actionSuffix: "\n", requestEnd: "QE\n",
        followUp: { reminder: "R", intro: "FI\n", deltaStart: "DS\n", deltaEnd: "DE\n", actionLead: "FA\n" },
      };
      const transcript = [
        { role: "user", text: "u" },
        { role: "tool shell call", text: "c1" },
        { role: "tool shell result", text: "r1" },
        { role: "assistant", text: "a" },
        { role: "tool shell call", text: "c2" },
      ];
      expect(reviewMessageItems(own, { transcript, actionJson: "{}", sessionId: "s", previousEntries: 2 })).toEqual([
        "FI\n", "RS\n", "#2 assistant: a\n", "RE\n", "DS\n", "[3] tool shell result: r1\n", "\n[4] assistant: a\n", "\n[5] tool shell call: c2\n", "DE\n", "S s\n", "P\n", "FA\n", "QS\n", "X\n", "J\n", "{}\n", "QE\n",
      ]);
    });
  }

  it("refuses to derive a kit from a request that does not hold the known transcript", () => {
    const body = reviewOf("0.171.0-deny1");
    const items = reviewMessageOf(body);
    expect(() =>
      requestKitFromCapture("0.171.0", { items, input: { transcript: [RUN_TRANSCRIPT[0], { ...RUN_TRANSCRIPT[1], text: "{}" }], actionJson: actionJson(RUN_ACTION), sessionId: sessionOf(body) } }),
    ).toThrow(/lacks/);
  });

  it("the sandbox's message for a sample is Codex's when the version's kit is cached, and Charter's approximation otherwise", () => {
    const dir = mkdtempSync(join(tmpdir(), "charter-request-kit-"));
    const own = { CHARTER_CODEX_DIR: dir };
    const action = RUN_ACTION as unknown as Parameters<typeof reviewMessageFor>[0]["action"];
    const none = reviewMessageFor({ action, transcript: RUN_TRANSCRIPT, sessionId: "s" }, own);
    expect(none).toEqual({ text: composeReviewRequest({ action, transcript: RUN_TRANSCRIPT }), exact: false });
    mkdirSync(join(dir, "0.171.0"), { recursive: true });
    writeFileSync(requestKitPath("0.171.0", own), JSON.stringify(kitFor("0.171.0").kit));
    const body = reviewOf("0.171.0-min");
    expect(reviewMessageFor({ action, transcript: RUN_TRANSCRIPT, sessionId: sessionOf(body) }, own)).toEqual({ text: reviewMessageOf(body).join(""), exact: true });
    // No captured layout for network requests or retries yet: those stay approximate.
    expect(reviewMessageFor({ action, transcript: RUN_TRANSCRIPT, retryReason: "sandbox denied", sessionId: "s" }, own).exact).toBe(false);
  });
});
