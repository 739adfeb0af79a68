/**
 * Line diff of two texts as unified hunks (Myers' O(ND) algorithm after trimming the common head and tail). Small on
 * purpose: policies are a few hundred lines; past MAX_EDITS differing lines the middle is shown as replaced wholesale.
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

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop(); // a final newline ends the last line, it does not start one
  return lines;
}

type Op = { kind: DiffLine["kind"]; a: number; b: number };

/** Edit script turning a into b, in order; `null` when more than MAX_EDITS edits are needed. */
function myers(a: string[], b: string[]): Op[] | null {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m, offset);
    }
    v = v.slice();
  }
  return null;
}

/** Walks the saved frontiers back from (n, m); trace[d] is the frontier before round d. */
function backtrack(trace: Int32Array[], n: number, m: number, offset: number): Op[] {
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const prev = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && prev[offset + k - 1] < prev[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : prev[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: "context", a: --x, b: --y });
    }
    if (d > 0) {
      if (x === prevX) ops.push({ kind: "add", a: x, b: --y });
      else ops.push({ kind: "del", a: --x, b: y });
    }
  }
  return ops.reverse();
}

export function diffText(before: string, after: string, context = 3): TextDiff {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const mid =
    myers(midA, midB) ?? [...midA.map((_, i): Op => ({ kind: "del", a: i, b: 0 })), ...midB.map((_, i): Op => ({ kind: "add", a: midA.length, b: i }))];

  const lines: DiffLine[] = [];
  for (let i = 0; i < head; i++) lines.push({ kind: "context", text: a[i], oldLine: i + 1, newLine: i + 1 });
  for (const op of mid) {
    if (op.kind === "context") lines.push({ kind: "context", text: midA[op.a], oldLine: head + op.a + 1, newLine: head + op.b + 1 });
    else if (op.kind === "del") lines.push({ kind: "del", text: midA[op.a], oldLine: head + op.a + 1 });
    else lines.push({ kind: "add", text: midB[op.b], newLine: head + op.b + 1 });
  }
  for (let i = 0; i < tail; i++) {
    lines.push({ kind: "context", text: a[a.length - tail + i], oldLine: a.length - tail + i + 1, newLine: b.length - tail + i + 1 });
  }

  const hunks = toHunks(lines, context);
  const added = lines.filter((l) => l.kind === "add").length;
  const removed = lines.filter((l) => l.kind === "del").length;
  return { hunks, added, removed, unified: formatUnified(hunks) };
}

function toHunks(lines: DiffLine[], context: number): Hunk[] {
  const changed = lines.map((l, i) => (l.kind === "context" ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return [];
  const ranges: [number, number][] = [];
  for (const i of changed) {
    const lo = Math.max(0, i - context);
    const hi = Math.min(lines.length - 1, i + context);
    const last = ranges[ranges.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else ranges.push([lo, hi]);
  }
  return ranges.map(([lo, hi]) => {
    const slice = lines.slice(lo, hi + 1);
    const oldLines = slice.filter((l) => l.kind !== "add").length;
    const newLines = slice.filter((l) => l.kind !== "del").length;
    // Where the hunk starts in each file: its first line that exists there, or (for pure inserts/deletes) the line before.
    const firstOld = slice.find((l) => l.oldLine !== undefined)?.oldLine ?? lineBefore(lines, lo, "oldLine");
    const firstNew = slice.find((l) => l.newLine !== undefined)?.newLine ?? lineBefore(lines, lo, "newLine");
    return { oldStart: oldLines === 0 ? firstOld - (firstOld > 0 ? 1 : 0) : firstOld, oldLines, newStart: newLines === 0 ? firstNew - (firstNew > 0 ? 1 : 0) : firstNew, newLines, lines: slice };
  });
}

function lineBefore(lines: DiffLine[], index: number, key: "oldLine" | "newLine"): number {
  for (let i = index - 1; i >= 0; i--) {
    const n = lines[i][key];
    if (n !== undefined) return n + 1;
  }
  return 1;
}

function formatUnified(hunks: Hunk[]): string {
  const out: string[] = [];
  for (const h of hunks) {
    out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    for (const l of h.lines) out.push(`${l.kind === "add" ? "+" : l.kind === "del" ? "-" : " "}${l.text}`);
  }
  return out.length ? `${out.join("\n")}\n` : "";
}
