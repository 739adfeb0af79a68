/**
 * A replayed decision's reviewer message compared with what Codex really sent its reviewer for that decision (the
 * captured runs of ../shared/codex-telemetry, whose telemetry the relay turns into the decisions replay draws from).
 * Codex's telemetry carries neither the transcript nor the working directory, so the replay cannot send them; the test
 * pins that these are the only differences.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { requestKitPath } from "../../../lib/guardian/codex-prompt";
import { actionJsonOf, reviewMessageOf } from "../../../lib/guardian/codex-request";
import { actionJson, composeReviewRequest } from "../../../lib/guardian/request";
import { actionOfDecision, replayRequestMessage, UNKNOWN_CWD } from "../../../lib/decisions/replay";
import { joinRecords, logsFromJson, maskDecision } from "../../../packages/agent/src/relay/records";
import { logBodies, type Run } from "../../support/codex-telemetry";
import { CAPTURED_RUNS, kitFor, reviewOf, RUN_TRANSCRIPT, sessionOf } from "../../support/reviewer-captures";

/** The decision the relay makes of a run's telemetry, as replay reads it from the database. */
function decisionOf(run: Run) {
  const [d] = joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes))))).map((x) => maskDecision(x));
  return { kind: d.kind, toolName: d.toolName ?? null, mcpServer: d.mcpServer ?? null, arguments: d.arguments, conversationId: d.conversationId };
}

describe("a replayed decision's reviewer message, compared with what Codex sent for it", () => {
  for (const run of CAPTURED_RUNS) {
    const version = run.slice(0, 7);
    it(`${run}: Codex ${version}'s message, less the transcript and with the working directory unknown`, () => {
      // The sandbox's kit directory, holding this version's request kit (cached from the binary, or derived from a capture).
      const env = { CHARTER_CODEX_DIR: mkdtempSync(join(tmpdir(), "charter-replay-kit-")) };
      mkdirSync(join(env.CHARTER_CODEX_DIR, version), { recursive: true });
      writeFileSync(requestKitPath(version, env), JSON.stringify(kitFor(version).kit));

      const decision = decisionOf(run as Run);
      const action = actionOfDecision(decision)!;
      const body = reviewOf(run);
      const sent = reviewMessageOf(body);
      // The reviewed session is the decision's conversation.
      expect(decision.conversationId).toBe(sessionOf(body));

      // What Codex sent for this decision, without what its telemetry does not carry.
      const codexAction = JSON.parse(actionJsonOf(sent)) as Record<string, unknown>;
      const differing = [...new Set([...Object.keys(codexAction), ...Object.keys(action)])].filter(
        (k) => JSON.stringify(codexAction[k]) !== JSON.stringify((action as Record<string, unknown>)[k]),
      );
      expect(differing.sort()).toEqual(["cwd", "environment_id"]);
      expect(action).toMatchObject({ cwd: UNKNOWN_CWD });
      const withoutTranscript = sent
        .filter((item) => !RUN_TRANSCRIPT.some((e) => item.includes(e.text)))
        .map((item) => item.replace(actionJsonOf(sent), actionJson(action)));
      expect(sent.length - withoutTranscript.length).toBe(RUN_TRANSCRIPT.length);

      const composed = replayRequestMessage(action, decision.conversationId, { kind: "codex", codexVersion: version }, env);
      expect(composed).toBe(withoutTranscript.join(""));
    });
  }

  it("uses Charter's wording when the policy's prompt is not Codex's", () => {
    const decision = decisionOf("0.171.0-deny1");
    const action = actionOfDecision(decision)!;
    expect(replayRequestMessage(action, decision.conversationId, { kind: "approximate", codexVersion: "0.171.0" })).toBe(composeReviewRequest({ action, transcript: [], retryReason: null }));
  });
});
