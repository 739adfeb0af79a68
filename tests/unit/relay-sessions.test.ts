import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { joinRecords, logsFromJson, maskDecision } from "../../packages/agent/src/relay/records";
import { SessionReader, reviewRequestsOf } from "../../packages/agent/src/relay/sessions";
import { RUNS, TELEMETRY_DIR, logBodies } from "../support/codex-telemetry";

// Full replay fidelity: the relay finds the exact request Codex sent its reviewer in the reviewer's session file.

const sessions = (run: string) => join(TELEMETRY_DIR, run, "sessions");
/** The approval request message of the review as Codex sent it to the model (the captured HTTP request body). */
function sentToModel(run: string): string {
  const body = JSON.parse(readFileSync(join(TELEMETRY_DIR, run, "reviewer-requests", "003-POST-_v1_responses.raw"), "utf8")) as { input: { role: string; content: { type: string; text: string }[] }[] };
  const users = body.input.filter((m) => m.role === "user").map((m) => m.content.filter((c) => c.type === "input_text").map((c) => c.text).join(""));
  return users.find((u) => u.includes(">>> APPROVAL REQUEST START"))!;
}

describe("the reviewer's session files", () => {
  it.each(RUNS)("%s: each decision gets exactly the request its reviewer was sent", (run) => {
    const decisions = joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes)))));
    expect(decisions).toHaveLength(1);
    const request = new SessionReader(sessions(run)).find(decisions[0]);
    expect(request).toBe(sentToModel(run));
    expect(request).toContain(">>> APPROVAL REQUEST START");
  });

  it("reads only the reviewer's session, not the user's own, and finds nothing for another conversation", () => {
    const dir = join(sessions("0.171.0-deny1"), "2026", "11", "27");
    const [a, b] = readdirSync(dir).map((f) => reviewRequestsOf(readFileSync(join(dir, f), "utf8")));
    expect([a.length, b.length].sort()).toEqual([0, 1]);
    const [decision] = joinRecords(logBodies("0.171.0-deny1").flatMap((x) => logsFromJson(JSON.parse(String(x.bytes)))));
    const reader = new SessionReader(sessions("0.171.0-deny1"));
    expect(reader.find({ ...decision, conversationId: "another-conversation" })).toBeNull();
    expect(reader.find({ ...decision, turnId: "another-turn" })).toBeNull();
    expect(new SessionReader("/nonexistent/codex/sessions").find(decision)).toBeNull();
  });

  it("masks secrets in the request like the rest of the decision, recording where", () => {
    const [decision] = joinRecords(logBodies("0.171.0-deny1").flatMap((x) => logsFromJson(JSON.parse(String(x.bytes)))));
    const request = new SessionReader(sessions("0.171.0-deny1")).find(decision)! + "\nexport GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    const masked = maskDecision({ ...decision, reviewRequest: request });
    expect(masked.reviewRequest).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
    expect(masked.masked.map((m) => m.path)).toContain("reviewRequest");
  });
});
