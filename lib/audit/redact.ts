/** What a secret looks like once it is in the audit log. */
export const REDACTED = "[redacted]";

// Keys whose values are secrets. Ids, prefixes, names, counts, timestamps and types of such things are not
// (`tokenId`, `keyPrefix`, `tokenName`, `passwordChangedAt`) and stay readable, or the log would hide what it must show.
const SECRET_KEY = /secret|passw(or)?d|token|hash|key|credential|authori[sz]ation|cookie/i;
const HARMLESS_SUFFIX = /(?:Ids?|_ids?|Prefix|_prefix|Name|_name|Count|_count|At|_at|Type|_type|Scopes?|_scopes?)$/;
// An admin API token (`chr_` + 43 base64url characters) anywhere inside a string. The 12-character display prefix
// kept on ApiToken is too short to match, so lists of tokens stay recognisable.
const TOKEN_IN_TEXT = /chr_[A-Za-z0-9_-]{20,}/g;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !HARMLESS_SUFFIX.test(key);
}

/**
 * A JSON-safe deep copy with secrets replaced by "[redacted]": values under secret-looking keys and admin tokens inside
 * strings. A field diff `{ password: { before, after } }` keeps its shape, so a reader still sees that the secret was
 * set, changed or cleared. The result is also what JSON storage gives back (Dates as ISO text, no undefined), so a hash
 * computed over it can be recomputed from the stored row.
 */
export function redact(value: unknown): unknown {
  return clean(value, false);
}

function clean(value: unknown, secret: boolean): unknown {
  if (value === undefined || value === null) return value === null ? null : undefined;
  if (value instanceof Date) return secret ? REDACTED : Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === "string") return secret ? REDACTED : value.replace(TOKEN_IN_TEXT, REDACTED);
  if (typeof value === "number") return secret ? REDACTED : Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") return secret ? REDACTED : value.toString();
  if (typeof value === "boolean") return secret ? REDACTED : value;
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  if (Array.isArray(value)) return secret ? REDACTED : value.map((v) => clean(v, false) ?? null);
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return clean((value as { toJSON: () => unknown }).toJSON(), secret);
  const obj = value as Record<string, unknown>;
  if (secret) {
    // A diff entry of a secret field: keep which sides exist, hide what they were.
    if (isDiffEntry(obj)) return mapEntries(obj, (v) => (v === null || v === undefined ? v : REDACTED));
    return REDACTED;
  }
  return mapEntries(obj, (v, k) => clean(v, isSecretKey(k)));
}

function isDiffEntry(obj: Record<string, unknown>): boolean {
  const keys = Object.keys(obj);
  return keys.length > 0 && keys.every((k) => k === "before" || k === "after");
}

function mapEntries(obj: Record<string, unknown>, f: (v: unknown, k: string) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const mapped = f(v, k);
    if (mapped !== undefined) out[k] = mapped;
  }
  return out;
}

export type FieldDiff = Record<string, { before?: unknown; after?: unknown }>;
