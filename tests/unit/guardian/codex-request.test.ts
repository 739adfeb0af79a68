/**
 * The reviewer's user message exactly as Codex composes it. Codex's text stays outside the repository: the request kit
 * and a second captured conversation come from the cache scripts/codex-prompt.ts fills from the real binaries
 * ($CHARTER_CODEX_DIR or ~/.cache/charter-codex/<version>/reviewer-request.json, reviewer-check.json); the captured
 * requests of real runs come from ../shared/codex-telemetry (as in codex-prompt.test.ts). Without a cached kit, the
 * first-review kit is derived from one captured run and checked against the others.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
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
import { CAPTURED_RUNS as RUNS, kitEnv as env, kitFor, reviewOf, RUN_ACTION, RUN_TRANSCRIPT, sessionOf } from "../../support/reviewer-captures";

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
