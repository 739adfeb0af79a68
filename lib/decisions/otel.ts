/*
 * The `[otel]` section that turns decision collection on for a host: Codex logs each Auto-review
 * (`log_guardian_assessments`) and exports its logs over OTLP/HTTP to the host agent's relay on loopback. It lives in
 * the org's requirements.toml like any other key (requirements cannot be overridden by a user's config), so it is
 * validated, diffed, approved and published with the rest of the policy.
 */

export const OTEL_MARKER = "# Managed by Charter (Decisions): Codex reports each Auto-review to the host agent's relay on loopback.";

/** The exact section written for a relay port. JSON protocol, as captured from real Codex (tests/fixtures). */
export function otelSection(port: number): string {
  return `${OTEL_MARKER}\n[otel]\nlog_guardian_assessments = true\nexporter = { otlp-http = { endpoint = "http://127.0.0.1:${port}/v1/logs", protocol = "json" } }\n`;
}

const isHeader = (line: string) => /^\s*\[/.test(line);
const isOtelHeader = (line: string) => /^\s*\[\s*otel\s*(\]|\.)/.test(line);

/** The text without any `[otel]` table (or `[otel.*]` sub-table) and without Charter's marker comment. */
export function withoutOtel(text: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  let skipping = false;
  for (const line of lines) {
    if (line.trim() === OTEL_MARKER) continue;
    if (isHeader(line)) skipping = isOtelHeader(line);
    if (!skipping) out.push(line);
  }
  return out.join("\n").replace(/\n{3,}/g, "\n\n").replace(/\n+$/, "\n").replace(/^\n+/, "");
}

/** The text with collection on (the section for `port`, replacing any [otel] there was) or off (`null`: no [otel]). */
export function withCollection(text: string, port: number | null): string {
  const base = withoutOtel(text);
  if (port === null) return base;
  const sep = base === "" ? "" : base.endsWith("\n\n") ? "" : base.endsWith("\n") ? "\n" : "\n\n";
  return `${base}${sep}${otelSection(port)}`;
}

/** Whether the text already carries Charter's section for this port, exactly. */
export function hasCollection(text: string, port: number): boolean {
  return text.includes(otelSection(port));
}
