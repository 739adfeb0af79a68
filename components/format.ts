/**
 * The console's one way to show a moment: "2026-11-21 14:03 UTC" (or with seconds, where runs are seconds long).
 * UTC and no locale, so the server-rendered text and every browser's agree (no hydration drift). No moment: "—".
 */
export function formatTime(date: Date | string | null | undefined, precision: "minute" | "second" = "minute"): string {
  if (!date) return "—";
  return `${new Date(date).toISOString().slice(0, precision === "minute" ? 16 : 19).replace("T", " ")} UTC`;
}

/** The first 12 hex digits of a SHA-256: enough to tell versions apart at a glance. */
export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}
