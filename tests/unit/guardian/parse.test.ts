import { describe, expect, it } from "vitest";
import { DEFAULT_RATIONALE, failedClosed, parseGuardianAnswer } from "../../../lib/guardian/parse";

describe("parsing the reviewer's answer with Codex's rules", () => {
  it("applies the defaults to {\"outcome\":\"allow\"} alone: low risk, unknown authorization, a default rationale", () => {
    expect(parseGuardianAnswer('{"outcome":"allow"}')).toEqual({ ok: true, assessment: { outcome: "allow", risk_level: "low", user_authorization: "unknown", rationale: DEFAULT_RATIONALE.allow } });
  });

  it("defaults a bare deny to high risk", () => {
    const r = parseGuardianAnswer('{"outcome":"deny"}');
    expect(r.ok && r.assessment).toEqual({ outcome: "deny", risk_level: "high", user_authorization: "unknown", rationale: DEFAULT_RATIONALE.deny });
  });

  it("keeps every field of a full answer", () => {
    const r = parseGuardianAnswer('{"outcome":"deny","risk_level":"critical","user_authorization":"low","rationale":"Sends secrets out."}');
    expect(r.ok && r.assessment).toEqual({ outcome: "deny", risk_level: "critical", user_authorization: "low", rationale: "Sends secrets out." });
  });

  it("replaces a blank rationale with the default sentence", () => {
    const r = parseGuardianAnswer('{"outcome":"allow","rationale":"   "}');
    expect(r.ok && r.assessment.rationale).toBe(DEFAULT_RATIONALE.allow);
  });

  it("reads the JSON between the first { and the last } when prose surrounds it", () => {
    const r = parseGuardianAnswer('Sure! Here is my assessment:\n```json\n{"outcome":"deny","risk_level":"high","rationale":"Force push to main."}\n```\nHope this helps.');
    expect(r.ok && r.assessment.outcome).toBe("deny");
    expect(r.ok && r.assessment.rationale).toBe("Force push to main.");
  });

  it("fails on garbage, an empty answer, a missing outcome, and an outcome outside the enum", () => {
    expect(parseGuardianAnswer("I think it is fine.")).toEqual({ ok: false, error: "the answer contains no JSON object" });
    expect(parseGuardianAnswer("").ok).toBe(false);
    expect(parseGuardianAnswer("{not json}")).toEqual({ ok: false, error: "the answer's JSON does not parse" });
    expect(parseGuardianAnswer('{"risk_level":"low"}').ok).toBe(false);
    expect(parseGuardianAnswer('{"outcome":"human_required"}').ok).toBe(false);
    expect(parseGuardianAnswer('{"outcome":"allow","risk_level":"extreme"}').ok).toBe(false);
  });

  it("treats null optional fields like missing ones", () => {
    const r = parseGuardianAnswer('{"outcome":"allow","risk_level":null,"user_authorization":null,"rationale":null}');
    expect(r.ok && r.assessment).toEqual({ outcome: "allow", risk_level: "low", user_authorization: "unknown", rationale: DEFAULT_RATIONALE.allow });
  });

  it("fails closed as a high-risk denial whose rationale says the review failed", () => {
    expect(failedClosed("HTTP 500")).toEqual({ outcome: "deny", risk_level: "high", user_authorization: "unknown", rationale: "Automatic approval review failed: HTTP 500" });
  });
});
