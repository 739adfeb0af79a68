import { createHash } from "node:crypto";

/**
 * SHA-256 of the exact UTF-8 bytes, lowercase hex. No newline, BOM or whitespace normalisation: the hash
 * identifies the text the admin wrote and the bytes an agent installs, so any byte difference must show.
 */
export function sha256Hex(text: string | Uint8Array): string {
  const hash = createHash("sha256");
  if (typeof text === "string") hash.update(text, "utf8");
  else hash.update(text);
  return hash.digest("hex");
}
