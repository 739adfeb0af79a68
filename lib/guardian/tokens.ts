const encoder = new TextEncoder();

/**
 * Token estimate as Codex makes it: UTF-8 bytes / 4, rounded up. Multi-byte characters therefore count by
 * their bytes, which is also how Codex's size caps (e.g. ~10,000 tokens ≈ 39.8 KB) are measured.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(encoder.encode(text).length / 4);
}
