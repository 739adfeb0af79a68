import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openAiProvider, envProviderConfig, type ReviewCall } from "../../../lib/guardian/providers";
import { composeReviewerPrompt } from "../../../lib/guardian/prompt";
import { actionJson, composeReviewRequest } from "../../../lib/guardian/request";
import { GUARDIAN_OUTPUT_SCHEMA, OUTPUT_CONTRACT } from "../../../lib/guardian/template";
import { DEFAULT_RATIONALE } from "../../../lib/guardian/parse";
import type { GuardianAction } from "../../../lib/guardian/actions";
import { answer, httpError, startMockOpenAi, type MockOpenAi } from "../../support/mock-openai";

// The OpenAI-compatible provider against a local HTTP server started here: the exact request, and each scripted
// answer handled as Codex handles it (defaults, prose around JSON, fail-closed, timeout, retry once).
const POLICY = "## Always deny\n- Force pushes to main.";
const action: GuardianAction = { tool: "shell", command: ["git", "push", "--force", "origin", "main"], cwd: "/repo", sandbox_permissions: "require_escalated" };
const prompt = composeReviewerPrompt({ policy: POLICY });
const call: ReviewCall = { instructions: prompt.text, requestMessage: composeReviewRequest({ action, transcript: [{ role: "user", text: "push it" }] }), action, transcript: [], policy: prompt.tenantPolicy };

let mock: MockOpenAi;
beforeAll(async () => {
  mock = await startMockOpenAi();
});
afterAll(() => mock.close());
beforeEach(() => {
  mock.requests.length = 0;
  mock.script.length = 0;
});

const provider = (extra: Partial<Parameters<typeof openAiProvider>[0]> = {}) => openAiProvider({ baseUrl: mock.url, apiKey: "sk-test-123", model: "codex-auto-review", timeoutMs: 5_000, ...extra });

describe("OpenAI-compatible provider", () => {
  it("sends exactly: POST /v1/chat/completions, the model, the composed policy as instructions, the request message with the sorted action JSON, Codex's output schema with strict:false", async () => {
    mock.script.push(answer('{"outcome":"allow"}'));
    await provider().review(call);
    expect(mock.requests).toHaveLength(1);
    const req = mock.requests[0];
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/v1/chat/completions");
    expect(req.headers.authorization).toBe("Bearer sk-test-123");
    expect(req.body.model).toBe("codex-auto-review");
    expect(req.body.messages).toEqual([
      { role: "system", content: prompt.text },
      { role: "user", content: call.requestMessage },
    ]);
    expect(req.body.messages![0].content).toContain(POLICY);
    expect(req.body.messages![0].content.endsWith(OUTPUT_CONTRACT)).toBe(true);
    expect(req.body.messages![1].content).toContain(`Planned action JSON:\n${actionJson(action)}`);
    expect(req.body.response_format).toEqual({ type: "json_schema", json_schema: { name: "guardian_assessment", strict: false, schema: GUARDIAN_OUTPUT_SCHEMA } });
  });

  it("can send the instructions as a developer message and ask for json_object instead", async () => {
    await provider({ instructionsRole: "developer", responseFormat: "json_object" }).review(call);
    expect(mock.requests[0].body.messages![0].role).toBe("developer");
    expect(mock.requests[0].body.response_format).toEqual({ type: "json_object" });
  });

  it("allow: records outcome, risk, authorization, rationale, latency and tokens", async () => {
    mock.script.push(answer('{"outcome":"allow","risk_level":"medium","user_authorization":"high","rationale":"The user asked for it."}'));
    const r = await provider().review(call);
    expect(r).toMatchObject({ status: "allow", riskLevel: "medium", userAuthorization: "high", rationale: "The user asked for it.", promptTokens: 1200, completionTokens: 30, totalTokens: 1230, error: null });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.raw).toBe('{"outcome":"allow","risk_level":"medium","user_authorization":"high","rationale":"The user asked for it."}');
  });

  it("deny with all fields is a real denial, not a failure", async () => {
    mock.script.push(answer('{"outcome":"deny","risk_level":"critical","user_authorization":"low","rationale":"Force-pushing main rewrites shared history."}'));
    expect(await provider().review(call)).toMatchObject({ status: "deny", riskLevel: "critical", userAuthorization: "low", rationale: "Force-pushing main rewrites shared history." });
  });

  it('{"outcome":"allow"} alone gets Codex\'s defaults', async () => {
    mock.script.push(answer('{"outcome":"allow"}'));
    expect(await provider().review(call)).toMatchObject({ status: "allow", riskLevel: "low", userAuthorization: "unknown", rationale: DEFAULT_RATIONALE.allow });
  });

  it("prose around the JSON is read from the first { to the last }", async () => {
    mock.script.push(answer('Assessment follows.\n{"outcome":"deny","risk_level":"high","rationale":"No."}\nThanks.'));
    expect(await provider().review(call)).toMatchObject({ status: "deny", riskLevel: "high", rationale: "No." });
  });

  it("garbage fails closed: a high-risk denial saying the review failed, kept apart from real denials, raw answer kept", async () => {
    mock.script.push(answer("I would rather not say."));
    const r = await provider().review(call);
    expect(r).toMatchObject({ status: "failed_closed", riskLevel: "high", userAuthorization: "unknown", raw: "I would rather not say." });
    expect(r.rationale).toBe("Automatic approval review failed: the answer contains no JSON object");
  });

  it("a slow answer past the timeout is timed_out (not run, not a judgement), not a failure", async () => {
    mock.fallback = () => answer('{"outcome":"allow"}', { delayMs: 2_000 });
    try {
      const r = await provider({ timeoutMs: 300 }).review(call);
      expect(r.status).toBe("timed_out");
      expect(r.riskLevel).toBeNull();
      expect(r.rationale).toMatch(/timed out after 0\.3 s/);
    } finally {
      mock.fallback = () => answer('{"outcome":"allow"}');
    }
  });

  it("429 then success: retried once, the second answer counts", async () => {
    mock.script.push(httpError(429, "slow down", { "retry-after-ms": "10" }), answer('{"outcome":"deny","rationale":"Risky."}'));
    const r = await provider().review(call);
    expect(mock.requests).toHaveLength(2);
    expect(r).toMatchObject({ status: "deny", riskLevel: "high", rationale: "Risky." });
  });

  it("500 fails closed after Codex's one retry, with the HTTP status in the rationale", async () => {
    mock.script.push(httpError(500, "boom", { "retry-after-ms": "10" }), httpError(500, "boom again", { "retry-after-ms": "10" }));
    const r = await provider().review(call);
    expect(mock.requests).toHaveLength(2);
    expect(r.status).toBe("failed_closed");
    expect(r.rationale).toBe("Automatic approval review failed: the provider answered HTTP 500 (boom again)");
    expect(r.raw).toContain("boom again");
  });

  it("an unreachable provider fails closed", async () => {
    const r = await openAiProvider({ baseUrl: "http://127.0.0.1:9/v1", model: "m", timeoutMs: 3_000, maxRetries: 0 }).review(call);
    expect(r.status).toBe("failed_closed");
    expect(r.rationale).toMatch(/^Automatic approval review failed: the provider could not be reached/);
  });
});

describe("provider from the environment", () => {
  it("is off without OPENAI_BASE_URL and OPENAI_API_KEY, and reads CHARTER_SANDBOX_MODEL", () => {
    expect(envProviderConfig({})).toBeNull();
    expect(envProviderConfig({ OPENAI_BASE_URL: "http://127.0.0.1:1234/v1", CHARTER_SANDBOX_MODEL: "gpt-test" })).toMatchObject({ baseUrl: "http://127.0.0.1:1234/v1", model: "gpt-test", apiKey: null });
    expect(envProviderConfig({ OPENAI_API_KEY: "sk-x" })).toMatchObject({ baseUrl: "https://api.openai.com/v1", model: "codex-auto-review" });
  });
});
