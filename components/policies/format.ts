/** "2026-11-21 14:03 UTC": one format for times across the policy pages (server-rendered, so no locale drift). */
export function formatTime(d: Date | string): string {
  return `${new Date(d).toISOString().replace("T", " ").slice(0, 16)} UTC`;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}
