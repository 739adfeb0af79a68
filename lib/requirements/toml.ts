/**
 * TOML reading for requirements files: parse with smol-toml (TOML 1.1, the dialect Codex 0.169 reads) and map key
 * paths back to line/column in the admin's text, so every diagnostic can point at the key or value it is about.
 */
import { parse, TomlDate, TomlError } from "smol-toml";
import { findLimitViolation, type LimitName } from "./limits";

export interface Position {
  line: number;
  column: number;
}

export type TomlParse =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; line: number; column: number; message: string; limit?: LimitName };

const BOM = "\uFEFF";

/** A BOM loads in Codex; it is not part of the document and does not count as a column. */
export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/**
 * Parses as Codex's TOML parser (the `toml` crate) decides: beyond smol-toml's own checks, integers must fit in 64 bits
 * (signed), dates must exist in the calendar (no February 30), a leap second (`23:59:60`) is accepted, and values and
 * key paths nest at most CODEX_TOML_MAX_NESTING deep.
 */
export function parseToml(input: string): TomlParse {
  // Past a size limit nothing parses or walks the text (see limits.ts).
  const violation = findLimitViolation(input);
  if (violation) return { ok: false, line: violation.line, column: violation.column, message: violation.message, limit: violation.limit };
  let text = stripBom(input);
  if (text.startsWith(BOM)) return { ok: false, line: 1, column: 1, message: "a second byte order mark (U+FEFF) is not TOML" };
  const nesting = nestingRefusal(text);
  if (nesting) return { ok: false, ...nesting };
  // smol-toml refuses second 60; Codex accepts it. Such a second is read as :59 (same length, positions stay true).
  for (let attempt = 0; attempt < 64; attempt++) {
    try {
      // Integers as BigInt keep integer and float apart (Codex refuses `http_port = 80.0`) and keep u64 values exact.
      const value = parse(text, { integersAsBigInt: true, maxDepth: CODEX_TOML_MAX_NESTING + 2 }) as Record<string, unknown>;
      const literal = literalRefusal(text);
      if (literal) return { ok: false, ...literal };
      return { ok: true, value };
    } catch (err) {
      if (!(err instanceof TomlError)) throw err;
      const leap = leapSecondAt(text, err.line, err.column);
      if (leap !== undefined) {
        text = text.slice(0, leap) + "59" + text.slice(leap + 2);
        continue;
      }
      const first = err.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
      return { ok: false, ...unclosedAt(text, err.line, err.column, first), message: first };
    }
  }
  return { ok: false, line: 1, column: 1, message: "too many leap seconds" };
}

/**
 * An array or inline table left open is noticed only at the next line's first token; the mistake is at the end of
 * the last line with content before it (where the `]` or `,` is missing), so that is where the error points.
 */
function unclosedAt(text: string, line: number, column: number, message: string): Position {
  if (!/expected comma or end of structure/.test(message)) return { line, column };
  const lines = stripBom(text).split("\n");
  if (line < 2 || line > lines.length || lines[line - 1].slice(0, column - 1).trim() !== "") return { line, column };
  for (let l = line - 1; l >= 1; l--) {
    const content = lines[l - 1].replace(/\s+#.*$|^\s*#.*$/, "").trimEnd();
    if (content.trim() !== "") return { line: l, column: content.length + 1 };
  }
  return { line, column };
}

/** Arrays and inline tables nest at most 80 deep in Codex's parser, and a key path has at most 80 parts. */
export const CODEX_TOML_MAX_NESTING = 80;

type Refusal = { line: number; column: number; message: string };
const INT_MIN = -(2n ** 63n);
const INT_MAX = 2n ** 63n - 1n;

/** Offset of `line`/`column` (1-based) in `text`. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return offset + column - 1;
}

/** Where smol-toml stopped on a date-time whose only fault is second 60: the offset of the "60". */
function leapSecondAt(text: string, line: number, column: number): number | undefined {
  const from = offsetOf(text, line, column);
  const window = text.slice(Math.max(0, from - 40), from + 40);
  const m = /\d{4}-\d{2}-\d{2}[Tt ]([01]\d|2[0-3]):[0-5]\d:60/.exec(window);
  if (!m) return undefined;
  return Math.max(0, from - 40) + m.index + m[0].length - 2;
}

const daysIn = (year: number, month: number) =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/**
 * Walks the value literals of a document smol-toml accepted (strings and comments skipped) and refuses what Codex's
 * parser refuses: integers outside i64, and dates that do not exist.
 */
function literalRefusal(text: string): Refusal | undefined {
  let line = 1;
  let lineStart = 0;
  const at = (i: number, message: string): Refusal => ({ line, column: i - lineStart + 1, message });
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === "\n") {
      line++;
      lineStart = ++i;
      continue;
    }
    if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const s = skipString(text, i);
      line += s.newlines;
      if (s.newlines) lineStart = s.lineStart;
      i = s.end;
      continue;
    }
    const prev = i === 0 ? "" : text[i - 1];
    if (/[A-Za-z_]/.test(c) || /[\w.:-]/.test(prev) || !/[\d+-]/.test(c)) {
      // words (keys, true/false, inf) and the inside of other literals are passed over one character at a time
      i++;
      continue;
    }
    const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(text.slice(i, i + 10));
    if (date) {
      const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
      if (m >= 1 && m <= 12 && d > daysIn(y, m) && !isKeyAt(text, i + 10)) return at(i, `invalid date: ${date[0]} does not exist`);
      i += 10;
      continue;
    }
    const int = /^[+-]?(?:0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*)(?![\d.eE:A-Za-z_-])/.exec(text.slice(i, i + 200));
    if (int && !isKeyAt(text, i + int[0].length)) {
      const raw = int[0].replace(/_/g, "");
      const neg = raw.startsWith("-");
      const body = raw.replace(/^[+-]/, "");
      const n = BigInt(/^0[xob]/.test(body) ? body : body.replace(/^0+(?=\d)/, "")) * (neg ? -1n : 1n);
      if (n < INT_MIN || n > INT_MAX) return at(i, `integer ${int[0]} does not fit in 64 bits (signed)`);
      i += int[0].length;
      continue;
    }
    i++;
  }
  return undefined;
}

/**
 * Passes over the string literal whose opening quote is at `i`: where it ends (just past its closing quotes), how many
 * newlines it holds, and where the line after the last of them starts.
 */
function skipString(text: string, i: number): { end: number; newlines: number; lineStart: number } {
  const c = text[i];
  const triple = text.startsWith(c.repeat(3), i);
  const close = triple ? c.repeat(3) : c;
  let newlines = 0;
  let lineStart = 0;
  let j = i + close.length;
  while (j < text.length && !text.startsWith(close, j)) {
    if (text[j] === "\\" && c === '"') j++;
    else if (text[j] === "\n") {
      newlines++;
      lineStart = j + 1;
    }
    j++;
  }
  j += close.length;
  while (triple && text[j] === c) j++; // up to two quotes may close a multi-line string
  return { end: j, newlines, lineStart };
}

/** A bare key is followed (after spaces) by `=` or `.`; a value never is. */
function isKeyAt(text: string, from: number): boolean {
  let j = from;
  while (text[j] === " " || text[j] === "\t") j++;
  return text[j] === "=" || text[j] === "." || text[j] === "]";
}

/** Deeper than Codex's parser goes: value nesting (arrays, inline tables) or key-path length past the limit. */
function nestingRefusal(text: string): Refusal | undefined {
  let line = 1;
  let lineStart = 0;
  const open: string[] = []; // open arrays / inline tables in the current value
  let segments = 0; // parts of the key being read
  let inKey = true; // reading a key (line start, header, or inside an inline table) rather than a value
  let header = false;
  let i = 0;
  // Made once, not per character: a closure per character is most of this scan's cost on a large file.
  const refuse = (message: string): Refusal => ({ line, column: i - lineStart + 1, message });
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line++;
      lineStart = i + 1;
      if (open.length === 0) {
        inKey = true;
        segments = 0;
        header = false;
      }
      continue;
    }
    if (c === "#") {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const s = skipString(text, i);
      line += s.newlines;
      if (s.newlines) lineStart = s.lineStart;
      if (inKey) segments = Math.max(segments, 1);
      i = s.end - 1;
      continue;
    }
    if (inKey && open.length === 0 && !header && c === "[" && segments === 0) {
      header = true;
      if (text[i + 1] === "[") i++;
      continue;
    }
    if (inKey) {
      if (c === ".") {
        if (++segments >= CODEX_TOML_MAX_NESTING) return refuse(`key path nests deeper than ${CODEX_TOML_MAX_NESTING} (recursion limit)`);
      } else if (c === "=") {
        inKey = false;
        segments = 0;
      } else if (c === "]" && header) {
        header = false;
        segments = 0;
      } else if (c === "}" && open.length > 0) {
        open.pop();
        inKey = false;
      }
      continue;
    }
    if (c === "[" || c === "{") {
      open.push(c);
      if (open.length > CODEX_TOML_MAX_NESTING) return refuse(`value nests deeper than ${CODEX_TOML_MAX_NESTING} arrays or inline tables`);
      if (c === "{") inKey = true;
    } else if (c === "]" || c === "}") {
      open.pop();
    } else if (c === "," && open.length > 0) {
      // inside an inline table the next item is a key
      inKey = open[open.length - 1] === "{";
    }
  }
  return undefined;
}


export { TomlDate };

/**
 * Text of a requirements file from its bytes, as Codex reads it (`read_to_string`): bytes that are not UTF-8, anywhere
 * (comments too), refuse the file. Returns where the first bad byte is.
 */
export function decodeRequirementsBytes(
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; line: number; column: number; byteOffset: number; message: string } {
  const bad = firstInvalidUtf8(bytes);
  if (bad === undefined) return { ok: true, text: new TextDecoder("utf-8").decode(bytes) };
  const before = new TextDecoder("utf-8").decode(bytes.subarray(0, bad));
  const lines = before.split("\n");
  return {
    ok: false,
    line: lines.length,
    column: lines[lines.length - 1].length + 1,
    byteOffset: bad,
    message: `the file is not UTF-8 (an invalid byte at offset ${bad}); Codex refuses to read it`,
  };
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence (no overlongs, no surrogates). */
function firstInvalidUtf8(b: Uint8Array): number | undefined {
  for (let i = 0; i < b.length; ) {
    const x = b[i];
    if (x < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (x >= 0xc2 && x <= 0xdf) n = 1;
    else if (x >= 0xe0 && x <= 0xef) {
      n = 2;
      if (x === 0xe0) lo = 0xa0;
      if (x === 0xed) hi = 0x9f;
    } else if (x >= 0xf0 && x <= 0xf4) {
      n = 3;
      if (x === 0xf0) lo = 0x90;
      if (x === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const y = b[i + k];
      if (y === undefined || y < (k === 1 ? lo : 0x80) || y > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return undefined;
}

const isBareKeyChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 /* _ */ || c === 45; /* - */
// A scalar value ends at `,` `]` `}` a newline or a comment.
const isValueEnd = (c: number) => c === 44 || c === 93 || c === 125 || c === 10 || c === 35;

/** Renders one path segment: bare keys as is, anything else quoted (`apps.x.tools."a.b"`). */
export function formatSegment(seg: string | number): string {
  if (typeof seg === "number") return `[${seg}]`;
  return /^[A-Za-z0-9_-]+$/.test(seg) ? seg : JSON.stringify(seg);
}

export function formatPath(segments: readonly (string | number | symbol)[]): string {
  let out = "";
  for (const seg of segments) {
    if (typeof seg === "symbol") continue;
    const s = formatSegment(seg);
    out += typeof seg === "number" || out === "" ? s : `.${s}`;
  }
  return out;
}

/** Positions packed as `line * 2^24 + column` (one number per key keeps a 256 KiB file cheap to index). */
type Packed = number;
const PACK = 2 ** 24;
const unpack = (p: Packed): Position => ({ line: Math.floor(p / PACK), column: p % PACK });

export interface KeyLocations {
  /** Where the key (or the table header naming it) is written. */
  keys: Map<string, Packed>;
  /** Where the value of a key or array element starts. */
  values: Map<string, Packed>;
}

/**
 * Maps every key path of a document that smol-toml already accepted to its position. It is a tokenizer, not a
 * validator: it trusts the text to be valid TOML and only tracks tables, arrays of tables, dotted keys, inline tables
 * and arrays (so `rules.prefix_rules[0].decision` finds its line even when written as an inline table).
 */
export function locateKeys(input: string): KeyLocations {
  const text = stripBom(input);
  const keys = new Map<string, Packed>();
  const values = new Map<string, Packed>();
  const aotCount = new Map<string, number>();
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = text.length;

  const pos = (): Packed => line * PACK + (i - lineStart + 1);
  const newline = () => {
    line++;
    lineStart = i + 1;
  };
  const setOnce = (map: Map<string, Packed>, path: string, p: Packed) => {
    if (!map.has(path)) map.set(path, p);
  };

  // Skips spaces, tabs, comments and (when allowed) newlines.
  const skipWs = (newlines: boolean) => {
    while (i < n) {
      const c = text[i];
      if (c === " " || c === "\t" || c === "\r") i++;
      else if (c === "#") {
        while (i < n && text[i] !== "\n") i++;
      } else if (c === "\n" && newlines) {
        newline();
        i++;
      } else break;
    }
  };

  // Reads a string starting at i (any of the four TOML kinds) and returns its decoded-enough value for keys.
  const readString = (): string => {
    const q = text[i];
    const triple = text.startsWith(q.repeat(3), i);
    if (triple) {
      i += 3;
      const start = i;
      while (i < n) {
        if (q === '"' && text[i] === "\\") {
          if (text[i + 1] === "\n") newline();
          i += 2;
          continue;
        }
        if (text[i] === q && text[i + 1] === q && text[i + 2] === q) {
          // Up to two quotes may close the string content (`""""` ends with a quote inside).
          let end = i + 3;
          while (end < n && text[end] === q && end - i < 5) end++;
          const raw = text.slice(start, end - 3);
          i = end;
          return raw;
        }
        if (text[i] === "\n") newline();
        i++;
      }
      return text.slice(start);
    }
    i++;
    // Fast path: no escape before the closing quote (the common case) needs no decoding.
    const quote = q.charCodeAt(0);
    let end = i;
    while (end < n && text.charCodeAt(end) !== quote && !(quote === 34 && text.charCodeAt(end) === 92)) end++;
    if (text.charCodeAt(end) === quote) {
      const raw = text.slice(i, end);
      i = end + 1;
      return raw;
    }
    let out = "";
    while (i < n && text[i] !== q) {
      if (q === '"' && text[i] === "\\") {
        const e = text[i + 1];
        const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", e: "\x1b", '"': '"', "\\": "\\" };
        if (e in simple) {
          out += simple[e];
          i += 2;
        } else {
          const len = e === "u" ? 4 : e === "U" ? 8 : e === "x" ? 2 : 0;
          out += String.fromCodePoint(parseInt(text.slice(i + 2, i + 2 + len), 16) || 0);
          i += 2 + len;
        }
        continue;
      }
      out += text[i++];
    }
    i++;
    return out;
  };

  const readKey = (): { segs: string[]; at: Packed[] } => {
    const segs: string[] = [];
    const at: Packed[] = [];
    for (;;) {
      skipWs(false);
      at.push(pos());
      if (text[i] === '"' || text[i] === "'") segs.push(readString());
      else {
        const start = i;
        while (i < n && isBareKeyChar(text.charCodeAt(i))) i++;
        segs.push(text.slice(start, i));
      }
      skipWs(false);
      if (text[i] === ".") {
        i++;
        continue;
      }
      return { segs, at };
    }
  };

  const join = (base: string, seg: string | number) =>
    typeof seg === "number" ? `${base}[${seg}]` : base === "" ? formatSegment(seg) : `${base}.${formatSegment(seg)}`;

  // Resolves a header's segments: a prefix naming an array of tables means its last element.
  const resolve = (segs: string[], last: "table" | "aot"): string => {
    let path = "";
    segs.forEach((seg, k) => {
      path = join(path, seg);
      const count = aotCount.get(path);
      if (k < segs.length - 1 && count !== undefined) path = join(path, count - 1);
    });
    if (last === "aot") {
      const count = aotCount.get(path) ?? 0;
      aotCount.set(path, count + 1);
      return join(path, count);
    }
    const count = aotCount.get(path);
    return count === undefined ? path : join(path, count - 1);
  };

  const recordKey = (base: string, segs: string[], at: Packed[]): string => {
    let path = base;
    segs.forEach((seg, k) => {
      path = join(path, seg);
      setOnce(keys, path, at[k]);
    });
    return path;
  };

  const readValue = (path: string) => {
    values.set(path, pos());
    const c = text[i];
    if (c === '"' || c === "'") {
      readString();
    } else if (c === "[") {
      i++;
      let idx = 0;
      for (;;) {
        skipWs(true);
        if (text[i] === "]") {
          i++;
          return;
        }
        const elem = join(path, idx++);
        setOnce(keys, elem, pos());
        readValue(elem);
        skipWs(true);
        if (text[i] === ",") i++;
      }
    } else if (c === "{") {
      i++;
      for (;;) {
        skipWs(true);
        if (text[i] === "}") {
          i++;
          return;
        }
        const { segs, at } = readKey();
        const kp = recordKey(path, segs, at);
        skipWs(false);
        i++; // '='
        skipWs(false);
        readValue(kp);
        skipWs(true);
        if (text[i] === ",") i++;
      }
    } else {
      while (i < n && !isValueEnd(text.charCodeAt(i))) i++;
    }
  };

  let table = "";
  while (i < n) {
    skipWs(true);
    if (i >= n) break;
    if (text[i] === "[") {
      const header = pos();
      const aot = text[i + 1] === "[";
      i += aot ? 2 : 1;
      const { segs, at } = readKey();
      i += aot ? 2 : 1;
      // Headers name every intermediate table too; the last segment points at the header itself.
      let prefix = "";
      segs.slice(0, -1).forEach((seg, k) => {
        prefix = join(prefix, seg);
        setOnce(keys, prefix, at[k]);
        const count = aotCount.get(prefix);
        if (count !== undefined) prefix = join(prefix, count - 1);
      });
      table = resolve(segs, aot ? "aot" : "table");
      if (aot) setOnce(keys, table.replace(/\[\d+\]$/, ""), at[at.length - 1]);
      setOnce(keys, table, header);
      setOnce(values, table, header);
      continue;
    }
    const { segs, at } = readKey();
    const path = recordKey(table, segs, at);
    skipWs(false);
    i++; // '='
    skipWs(false);
    readValue(path);
  }
  return { keys, values };
}

/** The position of a path, or of its nearest written ancestor (a missing field points at its table). */
export function positionOf(loc: KeyLocations, path: string, prefer: "key" | "value"): Position {
  let p = path;
  for (;;) {
    const hit = prefer === "value" ? (loc.values.get(p) ?? loc.keys.get(p)) : (loc.keys.get(p) ?? loc.values.get(p));
    if (hit !== undefined) return unpack(hit);
    const cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
    if (cut <= 0) return { line: 1, column: 1 };
    p = p.slice(0, cut);
  }
}
