import { describe, expect, it } from "vitest";
import { decisionLineSchema, isPlainDecisionLine } from "../../../lib/decisions/schemas";
import { joinRecords, logsFromJson } from "../../../packages/agent/src/relay/records";
import { RUNS, logBodies } from "../../support/codex-telemetry";

// The ingest's quick check may only ever say yes to what the schema accepts unchanged; the schema decides the rest.
const lines = () => RUNS.flatMap((run) => joinRecords(logBodies(run).flatMap((b) => logsFromJson(JSON.parse(String(b.bytes))))));

const BAD: unknown[] = [
  undefined, null, "", "x".repeat(61), "x".repeat(121), "x".repeat(201), "x".repeat(256), "x".repeat(20_001), "x".repeat(200_001),
  0, -1, 1.5, 86_400_001, Number.MAX_SAFE_INTEGER + 2, Number.NaN, true, false, {}, [], [{ path: "a", rule: "b", count: 1 }],
  "maybe", "2026-11-27T11:00:00Z", "2026-11-27T11:00:00.000+00:00", "2026-02-30T11:00:00.000Z", "2026-11-27 11:00:00.000Z", "2026-11-27T24:00:00.000Z",
];

describe("the quick check of an ingested line", () => {
  it("knows exactly the schema's fields", () => {
    const line = lines()[0];
    expect(isPlainDecisionLine(line)).toBe(true);
    expect(Object.keys(decisionLineSchema.shape).sort()).toEqual(Object.keys({ ...line, reviewRequest: null }).sort());
    expect(isPlainDecisionLine({ ...line, orgId: "other" })).toBe(false);
    expect(isPlainDecisionLine({ ...line, reviewRequest: "the exact request" })).toBe(true);
  });

  it("says yes only to lines the schema accepts unchanged, whatever one field holds", () => {
    let yes = 0;
    for (const line of lines()) {
      for (const key of [...Object.keys(decisionLineSchema.shape), "extra"]) {
        for (const bad of BAD) {
          const value: Record<string, unknown> = { ...line, [key]: bad };
          if (bad === undefined) delete value[key];
          if (!isPlainDecisionLine(value)) continue;
          yes++;
          const parsed = decisionLineSchema.safeParse(value);
          expect(parsed.success, `${key} = ${JSON.stringify(bad)?.slice(0, 40)}`).toBe(true);
          expect(parsed.data).toEqual(value);
        }
      }
    }
    expect(yes).toBeGreaterThan(100);
  });

  it("leaves lines with something masked, a local time or a non-object to the schema", () => {
    const line = lines()[0];
    for (const value of [{ ...line, masked: [{ path: "arguments.cmd", rule: "bearer", count: 1 }] }, { ...line, occurredAt: "2026-11-27T12:00:00.000+01:00" }, [line], "line", null]) {
      expect(isPlainDecisionLine(value)).toBe(false);
    }
    expect(decisionLineSchema.safeParse({ ...line, occurredAt: "2026-11-27T12:00:00.000+01:00" }).success).toBe(true);
  });
});
