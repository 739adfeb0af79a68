import { describe, expect, it } from "vitest";
import { actionJson, capString, composeReviewRequest, MARKERS, MAX_ACTION_STRING_TOKENS, OMITTED_NOTE, retainTranscript, reviewRequestItems, TRANSCRIPT_BUDGETS } from "../../../lib/guardian/request";
import type { GuardianAction } from "../../../lib/guardian/actions";
import { estimateTokens } from "../../../lib/guardian/tokens";

const shell: GuardianAction = { tool: "shell", command: ["git", "push"], cwd: "/repo", sandbox_permissions: "require_escalated", justification: "push the fix" };
const network: GuardianAction = {
  tool: "network_access", target: "https://example.com:443", host: "example.com", protocol: "https", port: 443,
  trigger: { callId: "c1", toolName: "shell", command: ["curl", "https://example.com"], cwd: "/repo", sandboxPermissions: "use_default" },
};

describe("planned action JSON", () => {
  it("pretty-prints with two spaces and keys sorted at every depth", () => {
    const json = actionJson({ tool: "mcp_tool_call", server: "s", tool_name: "t", arguments: { zeta: 1, alpha: { y: 2, b: [{ d: 1, c: 2 }] } } } as GuardianAction);
    expect(json).toBe(`{
  "arguments": {
    "alpha": {
      "b": [
        {
          "c": 2,
          "d": 1
        }
      ],
      "y": 2
    },
    "zeta": 1
  },
  "server": "s",
  "tool": "mcp_tool_call",
  "tool_name": "t"
}`);
  });

  it("sorts the camelCase trigger keys too (uppercase before lowercase, as a byte-ordered map does)", () => {
    const keys = [...actionJson(network).matchAll(/^ {4}"(\w+)"/gm)].map((m) => m[1]);
    expect(keys).toEqual(["callId", "command", "cwd", "sandboxPermissions", "toolName"]);
  });

  it("caps each string at 16,000 estimated tokens with a truncation marker", () => {
    const long = "x".repeat(MAX_ACTION_STRING_TOKENS * 4 + 400);
    const capped = capString(long, MAX_ACTION_STRING_TOKENS);
    expect(capped.startsWith("x".repeat(MAX_ACTION_STRING_TOKENS * 4))).toBe(true);
    expect(capped).toMatch(/<truncated omitted_approx_tokens="100" \/>$/);
    expect(capString("short", MAX_ACTION_STRING_TOKENS)).toBe("short");
    const json = actionJson({ ...shell, justification: long } as GuardianAction);
    expect(json).toContain('<truncated omitted_approx_tokens=\\"100\\" />');
  });
});

describe("review request layout", () => {
  it("is intro, transcript markers with numbered entries, then the approval request with the planned action", () => {
    const text = composeReviewRequest({ action: shell, transcript: [{ role: "user", text: "push my fix" }, { role: "tool shell call", text: "git status" }], retryReason: "sandbox denied network" });
    const lines = text.split("\n");
    expect(lines[1]).toBe(">>> TRANSCRIPT START");
    expect(lines[2]).toBe("[1] user: push my fix");
    expect(lines[3]).toBe("[2] tool shell call: git status");
    expect(lines[4]).toBe(">>> TRANSCRIPT END");
    expect(lines[5]).toBe("The Codex agent has requested the following action:");
    expect(lines[6]).toBe(">>> APPROVAL REQUEST START");
    expect(lines[7]).toBe("Retry reason:");
    expect(lines[8]).toBe("sandbox denied network");
    expect(text).toContain(`Planned action JSON:\n${actionJson(shell)}\n>>> APPROVAL REQUEST END`);
    expect(text.endsWith(MARKERS.requestEnd)).toBe(true);
    expect(text).not.toContain("Network access JSON:");
  });

  it("says <no retained transcript entries> when there is no transcript", () => {
    const items = reviewRequestItems({ action: shell });
    expect(items.slice(1, 4)).toEqual([">>> TRANSCRIPT START", "<no retained transcript entries>", ">>> TRANSCRIPT END"]);
  });

  it("uses the network block for network_access: scope explanation and Network access JSON, no Planned action JSON", () => {
    const text = composeReviewRequest({ action: network });
    expect(text).toContain(`>>> APPROVAL REQUEST START\n`);
    expect(text).toContain(`Network access JSON:\n${actionJson(network)}\n>>> APPROVAL REQUEST END`);
    expect(text).not.toContain("Planned action JSON:");
    expect(text).toMatch(/trigger/);
  });

  it("caps tool entries at 1,000 and message entries at 2,000 tokens, and notes omitted entries", () => {
    const big = "y".repeat(20_000);
    const { entries } = retainTranscript([{ role: "user", text: big }, { role: "tool shell result", text: big }]);
    expect(estimateTokens(entries[0].text)).toBeLessThanOrEqual(TRANSCRIPT_BUDGETS.perMessageEntry + 20);
    expect(estimateTokens(entries[1].text)).toBeLessThanOrEqual(TRANSCRIPT_BUDGETS.perToolEntry + 20);
    const many = Array.from({ length: 60 }, (_, i) => ({ role: "assistant", text: `step ${i}` }));
    const kept = retainTranscript(many);
    expect(kept.entries).toHaveLength(TRANSCRIPT_BUDGETS.maxNonUserEntries);
    expect(kept.entries[0].text).toBe("step 20"); // the newest are kept, in order
    expect(reviewRequestItems({ action: shell, transcript: many })).toContain(OMITTED_NOTE);
  });
});
