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

/** A group's collection switch: on or off whatever the org's base says, or "inherit" the base's. */
export const GROUP_COLLECTION_MODES = ["inherit", "on", "off"] as const;
export type GroupCollection = (typeof GROUP_COLLECTION_MODES)[number];

export const OTEL_OFF_MARKER = "# Managed by Charter (Decisions): this group's hosts do not report Auto-reviews.";

/**
 * The overlay section that turns collection off for a group: an overlay cannot remove the base's `[otel]` table (layers
 * merge), but it can replace its values, and Codex's exporter "none" sends nothing.
 */
export function otelOffSection(): string {
  return `${OTEL_OFF_MARKER}\n[otel]\nlog_guardian_assessments = false\nexporter = "none"\n`;
}

/** The overlay text with the group's switch set: Charter's section for "on"/"off", no `[otel]` at all for "inherit". */
export function withGroupCollection(overlay: string, mode: GroupCollection, port: number): string {
  const base = withoutOtel(overlay).split("\n").filter((l) => l.trim() !== OTEL_OFF_MARKER).join("\n");
  const section = mode === "on" ? otelSection(port) : mode === "off" ? otelOffSection() : null;
  if (section === null) return base;
  const sep = base.trim() === "" ? "" : base.endsWith("\n\n") ? "" : base.endsWith("\n") ? "\n" : "\n\n";
  return `${base.trim() === "" ? "" : base}${sep}${section}`;
}

/** Which switch an overlay text sets; "custom" when it has an `[otel]` table Charter did not write. */
export function groupCollectionOf(overlay: string, port: number): GroupCollection | "custom" {
  if (overlay.includes(otelSection(port))) return "on";
  if (overlay.includes(otelOffSection())) return "off";
  return overlay.split("\n").some(isOtelHeader) ? "custom" : "inherit";
}

/** The `[otel]` table(s) of a composed file, exactly as written there (what the group's hosts receive). */
export function otelTablesOf(text: string): string {
  const out: string[] = [];
  let inside = false;
  for (const line of text.split("\n")) {
    if (isHeader(line)) inside = isOtelHeader(line);
    if (inside) out.push(line);
  }
  return out.join("\n").trim();
}
