/**
 * Rust's semantics where Codex uses Rust and JavaScript differs: whitespace (`str::trim`), and regular expressions
 * compiled by the `regex` crate (hook matchers) or by `regex_lite` (MCP url matchers). Regexes are checked by the
 * `regex` crate itself, compiled to WebAssembly (the `rregex` package), with the crate's default limits, as Codex
 * uses them (nesting 250, compiled size 10 MiB).
 *
 * The engine is loaded with Node's own `require` (synchronously, on the server, in the CLI and in tests); bundlers do not
 * see it, so the browser bundle stays free of it. In the browser a regex is reported as not checked instead of being
 * guessed at, and the editor asks the server (which checks it) for the verdict.
 */

/** Unicode White_Space, which Rust's `char::is_whitespace` uses: U+0085 counts, U+FEFF (a BOM) does not. */
const RUST_WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

export function isRustWhitespace(ch: string): boolean {
  return RUST_WHITESPACE.has(ch.codePointAt(0)!);
}

/** `str::trim` as Rust defines it. */
export function rustTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && RUST_WHITESPACE.has(s.charCodeAt(start))) start++;
  while (end > start && RUST_WHITESPACE.has(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

export const isRustBlank = (s: string) => rustTrim(s) === "";

type Engine = new (pattern: string) => { free?: () => void };
let ready: Engine | null | undefined;

/** Node's require, reached through `process.getBuiltinModule` so that no bundler follows it into the browser. */
function nodeRequire(): ((id: string) => unknown) | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; cwd?: () => string } }).process;
  if (typeof window !== "undefined" || !proc?.getBuiltinModule) return undefined;
  const { createRequire } = proc.getBuiltinModule("node:module") as typeof import("node:module");
  for (const from of [import.meta.url, `${proc.cwd?.() ?? "."}/package.json`]) {
    try {
      const req = createRequire(from);
      req.resolve("rregex");
      return req;
    } catch {
      // not resolvable from here: try the next base
    }
  }
  return undefined;
}

function engine(): Engine | undefined {
  if (ready !== undefined) return ready ?? undefined;
  try {
    const RRegex = (nodeRequire()?.("rregex") as { RRegex?: Engine } | undefined)?.RRegex;
    if (RRegex) new RRegex("a").free?.();
    ready = RRegex ?? null;
  } catch {
    ready = null;
  }
  return ready ?? undefined;
}

/** Whether regexes can be checked here (false in the browser). */
export const canCheckRustRegex = () => engine() !== undefined;

export type RegexCheck = { ok: true } | { ok: false; error: string } | { ok: "unchecked" };

/** The one line of the crate's error that says what is wrong (it also draws the pattern with a caret). */
function crateMessage(err: unknown): string {
  const text = String((err as Error)?.message ?? err);
  const line = text.split("\n").find((l) => l.startsWith("error: "));
  return (line ? line.slice("error: ".length) : text.split("\n")[0]).trim();
}

/** Compiles `pattern` with Rust's `regex` crate (`Regex::new`, default limits). */
export function checkRustRegex(pattern: string): RegexCheck {
  const Engine = engine();
  if (!Engine) return { ok: "unchecked" };
  try {
    new Engine(pattern).free?.();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: crateMessage(err) };
  }
}

/**
 * `regex_lite` accepts the `regex` crate's syntax minus Unicode classes (`\p`, `\P`) and class set operations
 * (`&&`, `--`, `~~`); its limits are the crate's. So: compile with the crate, then refuse what the lite engine lacks.
 */
export function checkRegexLite(pattern: string): RegexCheck {
  const full = checkRustRegex(pattern);
  if (full.ok !== true) return full;
  const unsupported = regexLiteUnsupported(pattern);
  return unsupported ? { ok: false, error: unsupported } : full;
}

function regexLiteUnsupported(pattern: string): string | undefined {
  let depth = 0; // nesting of [...] classes
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1];
      if (next === "p" || next === "P") return "Unicode character classes are not supported";
      i++;
      continue;
    }
    if (c === "[") {
      depth++;
      // `[]...]` and `[^]...]` start with a literal `]`.
      if (pattern[i + 1] === "^") i++;
      if (pattern[i + 1] === "]") i++;
      continue;
    }
    if (c === "]" && depth > 0) {
      depth--;
      continue;
    }
    if (depth > 0) {
      const pair = pattern.slice(i, i + 2);
      if (pair === "&&") return "character class intersection is not supported";
      if (pair === "--") return "character class difference is not supported";
      if (pair === "~~") return "character class symmetric difference is not supported";
    }
  }
  return undefined;
}
