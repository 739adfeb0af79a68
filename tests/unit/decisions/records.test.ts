import { describe, expect, it } from "vitest";
import {
  DEFAULT_MASK_PATTERNS,
  Joiner,
  MASK,
  checkMaskRules,
  joinRecords,
  logsFromJson,
  logsFromProtobuf,
  maskDecision,
  type Decision,
  type LogRecord,
} from "../../../packages/agent/src/relay/records";
import { RUNS, logBodies, toProtobuf, type Run } from "../../support/codex-telemetry";

const recordsOf = (run: Run): LogRecord[] => logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes))));

describe("Codex OTLP log records → one decision per review", () => {
  it("joins assessment, tool decision and tool result of the 0.171.0 deny run into one denied exec_command", () => {
    const [d, ...rest] = joinRecords(recordsOf("0.171.0-deny1"));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      id: "cb3fab74-18ae-4228-8aa3-40e8d612362f",
      occurredAt: "2026-11-27T10:33:12.105Z",
      conversationId: "01a21c90-ef2d-7a91-b307-0208e3306658",
      callId: "call_2",
      turnId: "01a21c90-efe1-7573-a1fc-76188dda346d",
      status: "deny",
      codexStatus: "denied",
      outcome: "deny",
      riskLevel: "high",
      userAuthorization: "low",
      rationale: "MOCK-RATIONALE: writing outside the workspace was not requested.",
      durationMs: 471,
      kind: "exec_command",
      toolName: "exec_command",
      toolNamespace: "functions",
      mcpServer: null,
      toolSuccess: false,
      model: "gpt-5.4",
      codexVersion: "0.171.0",
      originator: "codex_exec",
      hostName: "vm",
    });
    expect(d.arguments).toEqual({
      cmd: "touch /opt/codex-hooks/outside/escalated.txt",
      sandbox_permissions: "require_escalated",
      justification: "MOCK-JUSTIFICATION: need to create a file outside the workspace",
    });
  });

  it("reads every run: allow, deny, the bare {outcome: allow} answer, and 0.169.0", () => {
    const byRun = Object.fromEntries(RUNS.map((run) => [run, joinRecords(recordsOf(run)).map((d) => [d.status, d.riskLevel, d.userAuthorization, d.codexVersion])]));
    expect(byRun).toEqual({
      "0.169.0-deny1": [["deny", "high", "low", "0.169.0"]],
      "0.171.0-allow1": [["allow", "medium", "high", "0.171.0"]],
      "0.171.0-deny1": [["deny", "high", "low", "0.171.0"]],
      "0.171.0-min": [["allow", "low", "unknown", "0.171.0"]],
    });
  });

  it("decodes the protobuf encoding of the same requests (standard OpenTelemetry definitions) to the same records", () => {
    for (const run of RUNS) {
      for (const body of logBodies(run)) {
        const fromJson = logsFromJson(JSON.parse(String(body.bytes)));
        const fromProto = logsFromProtobuf(toProtobuf(body.bytes));
        expect(fromProto).toEqual(fromJson);
      }
    }
  });

  it("refuses a body that is not an OTLP logs request, and truncated protobuf", () => {
    expect(() => logsFromJson([1, 2])).toThrow(/not an OTLP/);
    const bytes = toProtobuf(logBodies("0.171.0-deny1")[2].bytes);
    expect(() => logsFromProtobuf(bytes.subarray(0, bytes.length - 7))).toThrow(/Truncated|not a valid/);
  });

  it("joins across batches and in either order, and lets an assessment go without its result after the hold time", () => {
    const records = recordsOf("0.171.0-allow1").filter((r) => r.eventName.startsWith("codex.guardian") || r.eventName === "codex.tool_result");
    const [assessment, result] = records;
    const joiner = new Joiner({ holdMs: 1000 });
    expect(joiner.add([result], 0)).toEqual([]);
    const [joined] = joiner.add([assessment], 10);
    expect(joined.arguments).toMatchObject({ cmd: "touch /opt/codex-hooks/outside/escalated.txt" });

    const late = new Joiner({ holdMs: 1000 });
    expect(late.add([assessment], 0)).toEqual([]);
    expect(late.flush(999)).toEqual([]);
    const [alone] = late.flush(1000);
    expect(alone).toMatchObject({ status: "allow", arguments: null, kind: "unknown", toolSuccess: null });
    expect(late.pending).toBe(0);
  });

  it("counts a review without an outcome (Codex's failed review, logged as denied) as failed", () => {
    const [assessment] = recordsOf("0.171.0-deny1").filter((r) => r.eventName === "codex.guardian_assessment");
    const failed = { ...assessment, attributes: { ...assessment.attributes } };
    delete failed.attributes.outcome;
    expect(joinRecords([failed])[0]).toMatchObject({ status: "failed", codexStatus: "denied", outcome: null });
  });
});

describe("masking secrets in real payloads", () => {
  const base = (): Decision => joinRecords(recordsOf("0.171.0-allow1"))[0];

  it("leaves the fixture untouched when it holds no secret", () => {
    const d = base();
    expect(maskDecision(d)).toEqual(d);
  });

  it("masks common token formats in the arguments and the rationale and records where, never the value", () => {
    const d = base();
    const key = "sk-proj-" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4";
    const gh = "ghp_" + "A".repeat(36);
    const args = d.arguments as Record<string, string>;
    d.arguments = { ...args, cmd: `curl -H "Authorization: Bearer ${"x".repeat(24)}" https://api.example -d key=${key} && git push https://bot:${gh}@github.com/o/r` };
    d.rationale = `${d.rationale} (saw AKIA${"Q".repeat(16)})`;
    const masked = maskDecision(d);
    const text = JSON.stringify(masked);
    expect(text).not.toContain(key);
    expect(text).not.toContain(gh);
    expect(text).not.toContain("x".repeat(24));
    expect(text).not.toContain("AKIA" + "Q".repeat(16));
    expect((masked.arguments as Record<string, string>).cmd).toContain("[masked:openai-key]");
    expect(masked.arguments).toMatchObject({ sandbox_permissions: "require_escalated" });
    expect(masked.masked).toEqual(
      expect.arrayContaining([
        { path: "arguments.cmd", rule: "openai-key", count: 1 },
        { path: "arguments.cmd", rule: "bearer", count: 1 },
        { path: "rationale", rule: "aws-access-key", count: 1 },
      ]),
    );
    expect(masked.masked.some((m) => m.path === "arguments.cmd" && (m.rule === "github-token" || m.rule === "url-password"))).toBe(true);
  });

  it("applies the org's own regexes and JSON paths", () => {
    const d = base();
    const masked = maskDecision(d, { patterns: [{ name: "internal-path", pattern: "/opt/codex-hooks/[\\w/.-]+" }], jsonPaths: ["arguments.justification"] });
    expect(masked.arguments).toEqual({ cmd: "touch [masked:internal-path]", sandbox_permissions: "require_escalated", justification: "[masked:json-path]" });
    expect(masked.masked).toEqual([
      { path: "arguments.justification", rule: "json-path:arguments.justification", count: 1 },
      { path: "arguments.cmd", rule: "internal-path", count: 1 },
    ]);
  });

  it("names rules that cannot work", () => {
    expect(checkMaskRules({ patterns: [{ name: "bad", pattern: "(" }, { name: "empty", pattern: "x*" }], jsonPaths: ["a..b"] })).toEqual([
      expect.stringMatching(/"bad" is not a valid regular expression/),
      'Pattern "empty" matches the empty string.',
      'JSON path "a..b" is not a dotted path.',
    ]);
  });
});

describe("the cheap pre-checks of the default patterns", () => {
  // What the defaults mask when every pattern runs on every string, without the `needs` pre-check.
  const reference = (text: string) => DEFAULT_MASK_PATTERNS.reduce((s, p) => s.replace(new RegExp(p.pattern, "g"), MASK(p.name)), text);
  const samples = [
    `curl -H "Authorization: Bearer ${"x".repeat(24)}" https://api.example`,
    `curl -H "authorization: bearer ${"y".repeat(20)}"`,
    "git push https://bot:s3cr3t-pw@github.com/o/r",
    "psql postgres://admin:hunter2hunter2@db:5432/app",
    "export DB_PASSWORD=correct-horse-battery",
    "GITHUB_TOKEN: 'abcd1234efgh'",
    "MY_API_KEY=\"k-0123456789\" AWS_SECRET_ACCESS_KEY=abcdabcdabcd",
    "APIKEY:zzzz9999 and PASSWD=pw-pw-pw",
    "nothing secret here: touch /home/dev/file.txt",
    "password=lowercase-is-not-masked",
  ];

  it("mask exactly what the patterns alone mask", () => {
    const base = joinRecords(recordsOf("0.171.0-allow1"))[0];
    for (const text of samples) {
      const masked = maskDecision({ ...base, rationale: text, arguments: { cmd: text } });
      expect(masked.rationale, text).toBe(reference(text));
      expect((masked.arguments as { cmd: string }).cmd, text).toBe(reference(text));
    }
    expect(samples.filter((t) => reference(t) !== t)).toHaveLength(8);
  });
});

describe("the one scan for any default pattern's text", () => {
  // A secret of every default format.
  const secrets: Record<string, string> = {
    "private-key": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
    "openai-key": "sk-svcacct-" + "Ab1".repeat(8),
    "anthropic-key": "sk-ant-" + "x".repeat(24),
    "github-token": "github_pat_" + "a".repeat(30),
    "gitlab-token": "glpat-" + "Z".repeat(20),
    "aws-access-key": "ASIA" + "Q".repeat(16),
    "slack-token": "xoxb-1234567890-abc",
    "google-api-key": "AIza" + "k".repeat(35),
    "stripe-key": "rk_live_" + "9".repeat(24),
    "charter-token": "chk_" + "c".repeat(40),
    jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlLXZhbHVl",
    bearer: "Bearer " + "t".repeat(20),
    "url-password": "https://user:pa55word@host/x",
    "secret-assignment": "APIKEY=abcd1234",
  };
  const reference = (text: string) => DEFAULT_MASK_PATTERNS.reduce((s, p) => s.replace(new RegExp(p.pattern, "g"), MASK(p.name)), text);

  it("finds every default format, and masking with it equals running every pattern on every string", () => {
    expect(Object.keys(secrets).sort()).toEqual(DEFAULT_MASK_PATTERNS.map((p) => p.name).sort());
    const base = joinRecords(recordsOf("0.171.0-allow1"))[0];
    for (const p of DEFAULT_MASK_PATTERNS) {
      const text = `run ${secrets[p.name]} now`;
      expect(text, p.name).toMatch(new RegExp(p.needs));
      expect(text.replace(new RegExp(p.pattern, "g"), MASK(p.name)), p.name).toContain(MASK(p.name));
      const masked = maskDecision({ ...base, rationale: text, arguments: { cmd: text, env: [text] } });
      expect(masked.rationale, p.name).toBe(reference(text));
      expect(masked.arguments, p.name).toEqual({ cmd: reference(text), env: [reference(text)] });
      expect(masked.masked.length, p.name).toBeGreaterThan(0);
      // Without the pattern's `needs` the pattern itself finds nothing: the scan may skip it.
      const without = text.replace(new RegExp(p.needs, "g"), "");
      expect(without.replace(new RegExp(p.pattern, "g"), MASK(p.name)), p.name).toBe(without);
    }
  });
});
