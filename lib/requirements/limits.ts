/**
 * Explicit size limits of a requirements document, checked on the raw text before anything parses it.
 *
 * smol-toml bounds array and inline-table nesting but not dotted keys, and its cost (like every walk after it) grows
 * with the number of keys; a 1 MiB document of `a.a.a…` keys takes it 400 ms and overflows the stack of any recursive
 * walk. This scanner is one linear, non-recursive pass, so a document past a limit is refused before any of that runs,
 * and every document that reaches the parser is shallow and small enough for the walks after it.
 *
 * It tracks only what the limits need (keys, table headers, strings, arrays, inline tables). On text that is not valid
 * TOML it stops where the text goes wrong and reports nothing: the parser then says what is wrong, having read no
 * further than this scanner did.
 */
import { AppError } from "../errors";

export interface RequirementsLimits {
  /** UTF-8 bytes of the whole document. */
  bytes: number;
  /** Characters of one key (a quoted key, or one part of a dotted key). Long enough for any file path. */
  keyLength: number;
  /** Levels of nesting: table header parts, dotted key parts, arrays and inline tables all count. */
  depth: number;
  /** Keys (every part of a dotted key; a table header counts once) plus array elements. */
  keys: number;
}

export const REQUIREMENTS_LIMITS: Readonly<RequirementsLimits> = Object.freeze({
  bytes: 1024 * 1024,
  keyLength: 4096,
  depth: 32,
  keys: 25_000,
});

export type LimitName = keyof RequirementsLimits;

export interface LimitViolation {
  limit: LimitName;
  max: number;
  /** The size found (for `keys` and `depth`: the first count past the limit). */
  actual: number;
  line: number;
  column: number;
  message: string;
}

const DESCRIBE: Record<LimitName, (actual: number, max: number) => string> = {
  bytes: (a, m) => `The requirements are ${a} bytes; the limit is ${m} bytes (1 MiB)`,
  keyLength: (a, m) => `A key is ${a} characters long; the limit is ${m} characters per key`,
  depth: (a, m) => `The requirements nest ${a} levels deep; the limit is ${m} levels (table headers, dotted key parts, arrays and inline tables count)`,
  keys: (a, m) => `The requirements have more than ${m} keys and array elements; the limit is ${m}`,
};

/** UTF-8 length without allocating (the editor runs this on every keystroke in the browser). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && k + 1 < text.length) {
      const d = text.charCodeAt(k + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        k++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

const isBareKeyChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
// A scalar value ends at `,` `]` `}` a newline or a comment.
const isValueEnd = (c: number) => c === 44 || c === 93 || c === 125 || c === 10 || c === 35;

/** The first limit the text breaks, or null (also null for text that is not TOML: the parser reports that). */
export function findLimitViolation(text: string, limits: RequirementsLimits = REQUIREMENTS_LIMITS): LimitViolation | null {
  const violation = (limit: LimitName, actual: number, line: number, column: number): LimitViolation => ({
    limit,
    max: limits[limit],
    actual,
    line,
    column,
    message: `${DESCRIBE[limit](actual, limits[limit])} (line ${line}, column ${column}).`,
  });
  // Cheap upper bound first: UTF-8 never has fewer bytes than UTF-16 code units.
  if (text.length > limits.bytes || (text.length * 3 > limits.bytes && utf8Length(text) > limits.bytes)) {
    return violation("bytes", utf8Length(text), 1, 1);
  }

  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = 0;
  let keys = 0;
  let found: LimitViolation | null = null;
  const col = (at: number) => at - lineStart + 1;

  const skipWs = (newlines: boolean) => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13) i++;
      else if (c === 35 /* # */) {
        while (i < n && text.charCodeAt(i) !== 10) i++;
      } else if (c === 10 && newlines) {
        i++;
        line++;
        lineStart = i;
      } else break;
    }
  };

  // Cached position of the next newline after i (found again only once i passes it, so finding them stays linear).
  let nextNewline = -1;

  /** Skips a string at i; false when it is not closed (invalid TOML). */
  const skipString = (): boolean => {
    const q = text.charCodeAt(i);
    if (text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q) {
      i += 3;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 92 && q === 34) {
          i += 2;
          if (text.charCodeAt(i - 1) === 10) {
            line++;
            lineStart = i;
          }
          continue;
        }
        if (c === q && text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q) {
          i += 3;
          // Up to two more quotes belong to the content (`""""` ends with a quote inside).
          for (let extra = 0; extra < 2 && text.charCodeAt(i) === q; extra++) i++;
          return true;
        }
        if (c === 10) {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      return false;
    }
    // One line: jump from quote to quote (indexOf is far faster than a loop on a 1 MiB key).
    if (nextNewline <= i) {
      nextNewline = text.indexOf("\n", i + 1);
      if (nextNewline < 0) nextNewline = n;
    }
    const end = nextNewline;
    let from = i + 1;
    for (;;) {
      const close = text.indexOf(text[i], from);
      if (close < 0 || close > end) return false;
      let backslashes = 0;
      if (q === 34) while (text.charCodeAt(close - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 0) {
        i = close + 1;
        return true;
      }
      from = close + 1;
    }
  };

  const countKey = (): boolean => {
    keys++;
    if (keys > limits.keys) found = violation("keys", keys, line, col(i));
    return found === null;
  };

  const checkDepth = (depth: number, at: number): boolean => {
    if (depth > limits.depth) found = violation("depth", depth, line, col(at));
    return found === null;
  };

  /** Reads a (dotted) key at i, whose table is `depth` deep; its number of parts, or -1 (not a key, or past a limit). */
  const readKey = (depth: number, header = false): number => {
    let parts = 0;
    for (;;) {
      skipWs(false);
      const start = i;
      const c = text.charCodeAt(i);
      let length: number;
      if (c === 34 || c === 39) {
        if (!skipString()) return -1;
        length = i - start - 2;
      } else {
        while (i < n && isBareKeyChar(text.charCodeAt(i))) i++;
        length = i - start;
        if (length === 0) return -1;
      }
      if (length > limits.keyLength) {
        found = violation("keyLength", length, line, col(start));
        return -1;
      }
      parts++;
      if (!checkDepth(depth + parts, start) || (!header && !countKey())) return -1;
      skipWs(false);
      if (text.charCodeAt(i) !== 46 /* . */) return parts;
      i++;
    }
  };

  // Open arrays and inline tables, each with the depth of the path it is the value of.
  const stack: { array: boolean; depth: number }[] = [];

  /** Starts the value at i, whose path is `depth` deep; false to stop scanning. */
  const startValue = (depth: number): boolean => {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) return skipString();
    if (c === 91 /* [ */ || c === 123 /* { */) {
      stack.push({ array: c === 91, depth });
      i++;
      return true;
    }
    const start = i;
    while (i < n && !isValueEnd(text.charCodeAt(i))) i++;
    return i > start;
  };

  /** Reads `key = value` at i inside a table or inline table `depth` deep. */
  const keyValue = (depth: number): boolean => {
    const parts = readKey(depth);
    if (parts < 0) return false;
    if (text.charCodeAt(i) !== 61 /* = */) return false;
    i++;
    skipWs(false);
    return startValue(depth + parts);
  };

  let tableDepth = 0;
  while (i < n && found === null) {
    const frame = stack[stack.length - 1];
    skipWs(true);
    if (i >= n) break;
    const c = text.charCodeAt(i);
    if (!frame) {
      if (c === 91 /* [ */) {
        const at = i;
        const arrayOfTables = text.charCodeAt(i + 1) === 91;
        i += arrayOfTables ? 2 : 1;
        const parts = readKey(0, true);
        if (parts > 0 && !countKey()) break;
        // An array of tables adds a level: `[[a.b]]` keys live at a.b[n].
        if (parts < 0 || !checkDepth(parts + (arrayOfTables ? 1 : 0), at)) break;
        tableDepth = parts + (arrayOfTables ? 1 : 0);
        i += arrayOfTables ? 2 : 1;
        continue;
      }
      if (!keyValue(tableDepth)) break;
      continue;
    }
    if (c === 44 /* , */) {
      i++;
      continue;
    }
    if (c === (frame.array ? 93 : 125) /* ] or } */) {
      stack.pop();
      i++;
      continue;
    }
    if (frame.array) {
      if (!countKey() || !checkDepth(frame.depth + 1, i) || !startValue(frame.depth + 1)) break;
    } else if (!keyValue(frame.depth)) break;
  }
  return found;
}

/** Throws the limit the text breaks: 413 for its size, 422 naming the limit for its shape. */
export function assertWithinLimits(text: string, label = "requirements"): void {
  const v = findLimitViolation(text);
  if (!v) return;
  const details = { limit: v.limit, max: v.max, actual: v.actual, line: v.line, column: v.column };
  const message = label === "requirements" ? v.message : `${label}: ${v.message}`;
  throw new AppError(v.limit === "bytes" ? "payload_too_large" : "validation_failed", message, details);
}
