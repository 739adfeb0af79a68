import { structuredPatch } from "diff";

/**
 * Line diff of two texts as unified hunks, computed by the `diff` package (jsdiff); this module only gives each line
 * its line numbers, which the diff view and the API show. Past MAX_EDITS differing lines the texts are shown as
 * replaced wholesale, so a rewrite of a large file costs no more than reading it.
 */

export interface DiffLine {
  kind: "context" | "add" | "del";
  text: string;
  /** 1-based line in the old text (context and deleted lines). */
  oldLine?: number;
  /** 1-based line in the new text (context and added lines). */
  newLine?: number;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

export interface TextDiff {
  hunks: Hunk[];
  added: number;
  removed: number;
  /** The same hunks as `diff -u` prints them. */
  unified: string;
}

const MAX_EDITS = 1_000;

/** A final newline ends the last line rather than starting one, so "a" and "a\n" are the same lines. */
function withFinalNewline(text: string): string {
  return text === "" || text.endsWith("\n") ? text : `${text}\n`;
}

const KIND = { " ": "context", "+": "add", "-": "del" } as const;

export function diffText(before: string, after: string, context = 3): TextDiff {
  const a = withFinalNewline(before);
  const b = withFinalNewline(after);
  const patch = structuredPatch("", "", a, b, undefined, undefined, { context, maxEditLength: MAX_EDITS });
  const raw = patch ? patch.hunks : wholesale(a, b);
  const hunks = raw.map((h): Hunk => {
    let oldLine = h.oldStart;
    let newLine = h.newStart;
    // jsdiff's "\\ No newline at end of file" markers cannot occur: both texts end with a newline here.
    const lines = h.lines.map((l): DiffLine => {
      const kind = KIND[l[0] as keyof typeof KIND];
      const text = l.slice(1);
      if (kind === "context") return { kind, text, oldLine: oldLine++, newLine: newLine++ };
      return kind === "del" ? { kind, text, oldLine: oldLine++ } : { kind, text, newLine: newLine++ };
    });
    // `diff -u` numbers an empty side by the line before it (0 at the top of the file); jsdiff leaves that to its printer.
    return { oldStart: h.oldLines === 0 ? h.oldStart - 1 : h.oldStart, oldLines: h.oldLines, newStart: h.newLines === 0 ? h.newStart - 1 : h.newStart, newLines: h.newLines, lines };
  });
  const count = (kind: DiffLine["kind"]) => hunks.reduce((n, h) => n + h.lines.filter((l) => l.kind === kind).length, 0);
  return { hunks, added: count("add"), removed: count("del"), unified: formatUnified(hunks) };
}

/** Every old line removed, then every new line added: one hunk, in jsdiff's shape. */
function wholesale(a: string, b: string) {
  const lines = (t: string) => (t === "" ? [] : t.slice(0, -1).split("\n"));
  const del = lines(a).map((l) => `-${l}`);
  const add = lines(b).map((l) => `+${l}`);
  return [{ oldStart: 1, oldLines: del.length, newStart: 1, newLines: add.length, lines: [...del, ...add] }];
}

function formatUnified(hunks: Hunk[]): string {
  const out: string[] = [];
  for (const h of hunks) {
    out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    for (const l of h.lines) out.push(`${l.kind === "add" ? "+" : l.kind === "del" ? "-" : " "}${l.text}`);
  }
  return out.length ? `${out.join("\n")}\n` : "";
}
