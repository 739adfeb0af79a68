import type { z } from "zod";
import { AppError } from "../errors";

/*
 * Request-body helpers of the admin API's policy routes: a hard size cap while reading, TOML as text/plain or JSON
 * {toml}, If-Match revisions. Framework-free (standard Request), so tests can call them directly.
 */

/** Bodies above this are refused while reading (413). JSON escaping may grow a 1 MiB policy, hence the margin. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Reads the body as UTF-8 (422 for bytes that are not UTF-8), refusing with payload_too_large as soon as it passes `max` bytes. */
export async function readBodyText(req: Request, max = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > max) throw tooLarge(max);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  try {
    return utf8.decode(Buffer.concat(chunks));
  } catch {
    // Replacing bad bytes with U+FFFD would accept a file Codex refuses to read.
    throw new AppError("validation_failed", "The request body is not valid UTF-8.");
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function tooLarge(max: number) {
  return new AppError("payload_too_large", `The request body is larger than ${max} bytes.`);
}

function isJson(req: Request): boolean {
  return /^application\/([\w.+-]+\+)?json\b/i.test(req.headers.get("content-type") ?? "");
}

/** Refuses JSON text whose strings Postgres cannot store (422), before anything tries to. */
export function assertStorableJson(text: string): void {
  if (UNSTORABLE_TEXT.test(text)) {
    throw new AppError("validation_failed", "The body holds a NUL character or half of a surrogate pair (\\u0000, or \\uD800–\\uDFFF unpaired); text fields cannot store them.");
  }
}

// Escapes JSON allows but Postgres text and JSON cannot hold: NUL, and a surrogate without its other half.
const UNSTORABLE_TEXT = /\u0000|\\u0000|\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}/;

/** A JSON body parsed with a zod schema (zod failures become 422 with field paths). */
export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  const text = await readBodyText(req);
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new AppError("validation_failed", "The body is not valid JSON.");
  }
  assertStorableJson(text);
  return schema.parse(value);
}

/** A requirements.toml sent as the raw body (text/plain, application/toml) or as JSON `{ "toml": "..." }`. */
export async function readToml(req: Request): Promise<string> {
  return refuseNul(await readTomlText(req));
}

// TOML allows no NUL anywhere (Codex refuses the file) and Postgres text cannot store one.
function refuseNul(toml: string): string {
  if (toml.includes("\u0000")) throw new AppError("validation_failed", "The requirements contain a NUL character; TOML allows none and Codex refuses such a file.");
  return toml;
}

async function readTomlText(req: Request): Promise<string> {
  const text = await readBodyText(req);
  if (!isJson(req)) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("validation_failed", "The body is not valid JSON; send the TOML as text/plain or as {\"toml\": \"...\"}.");
  }
  const toml = (value as { toml?: unknown } | null)?.toml;
  if (typeof toml !== "string") throw new AppError("validation_failed", "toml: expected the policy text as a string.");
  return toml;
}

/** The draft revision named by If-Match (`"3"`, `W/"3"` or `3`). Missing → 428; anything else unusable → 412. */
export function ifMatchRevision(req: Request): number {
  const raw = req.headers.get("if-match");
  if (raw === null || raw.trim() === "") {
    throw new AppError("precondition_required", 'Send If-Match: "<revision>" (the ETag of GET …/draft) so a newer draft is never overwritten.');
  }
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(raw);
  if (!match) throw new AppError("precondition_failed", `If-Match must name one draft revision, like "3"; got ${raw.slice(0, 40)}.`);
  return Number(match[1]);
}

export function etag(revision: number | string): string {
  return `"${revision}"`;
}
