import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { hasCollection, otelSection, withCollection, withoutOtel } from "../../../lib/decisions/otel";
import { validateRequirements } from "../../../lib/requirements";

const BASE = `allowed_approval_policies = ["on-request"]\nallowed_approvals_reviewers = ["auto_review", "user"]\n\n[features]\nhooks = true\n`;

describe("the collection switch's [otel] section", () => {
  it("adds a section Codex accepts, pointing at the relay's loopback receiver", () => {
    const on = withCollection(BASE, 4318);
    expect(on).toBe(`${BASE}\n${otelSection(4318)}`);
    expect((parse(on) as { otel: unknown }).otel).toEqual({
      log_guardian_assessments: true,
      exporter: { "otlp-http": { endpoint: "http://127.0.0.1:4318/v1/logs", protocol: "json" } },
    });
    const result = validateRequirements(on);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(hasCollection(on, 4318)).toBe(true);
    expect(hasCollection(on, 4319)).toBe(false);
  });

  it("replaces an existing [otel] table and its sub-tables, and removes them when switched off, leaving the rest", () => {
    const mine = `${BASE}\n[otel]\nenvironment = "prod"\n\n[otel.exporter.otlp-http]\nendpoint = "https://collector.example/v1/logs"\n\n[rules]\nprefix_rules = []\n`;
    const on = withCollection(mine, 5000);
    expect(on).not.toContain("collector.example");
    expect(on).toContain("[rules]\nprefix_rules = []");
    expect(on.match(/\[otel\]/g)).toHaveLength(1);
    expect(withCollection(on, 5000)).toBe(on);
    const off = withCollection(on, null);
    expect(off).toBe(`${BASE}\n[rules]\nprefix_rules = []\n`);
    expect(withoutOtel(otelSection(1))).toBe("");
  });
});
