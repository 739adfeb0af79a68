import { describe, expect, it } from "vitest";
import { canonicalTime, decisionLineSchema, isPlainDecisionLine } from "../../../lib/decisions/schemas";
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

describe("the quick check's reading of occurredAt", () => {
  // What the quick check promises: the time of exactly the strings that toISOString writes back unchanged.
  const roundTrip = (v: string) => {
    const t = Date.parse(v);
    return t === t && new Date(t).toISOString() === v ? t : NaN;
  };

  it("agrees with Date.parse and toISOString on every date, month end, leap day and malformed spelling", () => {
    const samples: string[] = [];
    for (const year of [1999, 2000, 2023, 2024, 2026, 2100, 9999]) {
      for (let month = 0; month <= 13; month++) {
        for (const day of [0, 1, 28, 29, 30, 31, 32]) {
          samples.push(`${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}T10:33:12.105Z`);
        }
      }
    }
    const base = "2026-11-27T10:33:12.105Z";
    for (const t of ["00:00:00.000", "23:59:59.999", "24:00:00.000", "23:60:00.000", "23:59:60.000", "1a:00:00.000", "-1:00:00.000", "12:00:00.00a"]) samples.push(`2026-11-27T${t}Z`);
    for (let i = 0; i < base.length; i++) for (const ch of ["0", "9", "x", " ", "+", "-", ":", ".", "T", "Z"]) samples.push(base.slice(0, i) + ch + base.slice(i + 1));
    samples.push(base.slice(0, -1), base + "Z", "2026-11-27T10:33:12Z", "2026-11-27T10:33:12.105+00:00", "+02026-11-27T10:33:12.105Z", "0999-11-27T10:33:12.105Z", "");
    let valid = 0;
    for (const v of samples) {
      const at = canonicalTime(v);
      const want = roundTrip(v);
      // Years before 1000 are left to the schema (never within a retention window).
      if (v < "1000") expect(at, v).toBeNaN();
      else expect(at, v).toBe(want);
      if (at === at) valid++;
    }
    expect(valid).toBeGreaterThan(300);
  });
});
