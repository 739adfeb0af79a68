/** A small line-oriented TOML tokenizer for display only (the requirements engine does the real parsing). */
export type TokenKind = "comment" | "key" | "table" | "string" | "number" | "bool" | "punct" | "text";
export interface Token {
  kind: TokenKind;
  text: string;
}

const PATTERNS: [TokenKind, RegExp][] = [
  ["comment", /^#.*/],
  ["string", /^("""|''')/],
  ["string", /^"(?:[^"\\]|\\.)*"?/],
  ["string", /^'[^']*'?/],
  ["bool", /^(?:true|false)\b/],
  ["number", /^[+-]?(?:0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|inf|nan|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?(?:[-:T ]\d[\d:.\-Z+]*)?)\b/],
  ["punct", /^[=,.{}[\]]/],
  ["text", /^\s+/],
  ["key", /^[A-Za-z0-9_-]+/],
];

/** Splits TOML text into lines of tokens. Multi-line strings are followed across lines. */
export function highlightToml(source: string): Token[][] {
  const lines = source.replace(/\r\n/g, "\n").split("\n");
  const out: Token[][] = [];
  let openString: string | null = null;
  for (const line of lines) {
    const tokens: Token[] = [];
    let rest = line;
    if (openString) {
      const end = rest.indexOf(openString);
      if (end === -1) {
        out.push([{ kind: "string", text: rest }]);
        continue;
      }
      tokens.push({ kind: "string", text: rest.slice(0, end + 3) });
      rest = rest.slice(end + 3);
      openString = null;
    }
    const header = /^(\s*)(\[\[?[^\]]*\]\]?)(.*)$/.exec(rest);
    if (header && tokens.length === 0) {
      if (header[1]) tokens.push({ kind: "text", text: header[1] });
      tokens.push({ kind: "table", text: header[2] });
      rest = header[3];
    }
    let afterEquals = false;
    while (rest.length > 0) {
      let matched = false;
      for (const [kind, re] of PATTERNS) {
        const m = re.exec(rest);
        if (!m) continue;
        let text = m[0];
        if (kind === "string" && (text === '"""' || text === "'''")) {
          const close = rest.indexOf(text, 3);
          if (close === -1) {
            openString = text;
            text = rest;
          } else {
            text = rest.slice(0, close + 3);
          }
        }
        const shown: TokenKind = kind === "key" && afterEquals ? "text" : kind;
        tokens.push({ kind: shown, text });
        if (text === "=") afterEquals = true;
        rest = rest.slice(text.length);
        matched = true;
        break;
      }
      if (!matched) {
        tokens.push({ kind: "text", text: rest[0] });
        rest = rest.slice(1);
      }
    }
    out.push(tokens);
  }
  return out;
}
