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

export function parseToml(text: string): TomlParse {
  // Past a size limit nothing parses or walks the text (see limits.ts).
  const violation = findLimitViolation(text);
  if (violation) return { ok: false, line: violation.line, column: violation.column, message: violation.message, limit: violation.limit };
  try {
    // Integers as BigInt keep integer and float apart (Codex refuses `http_port = 80.0`) and keep u64 values exact.
    const value = parse(stripBom(text), { integersAsBigInt: true }) as Record<string, unknown>;
    return { ok: true, value };
  } catch (err) {
    if (err instanceof TomlError) {
      const first = err.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
      return { ok: false, ...unclosedAt(text, err.line, err.column, first), message: first };
    }
    throw err;
  }
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

export { TomlDate };

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
