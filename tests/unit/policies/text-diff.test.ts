import { describe, expect, it } from "vitest";
import { diffText } from "../../../lib/policies/text-diff";

function apply(before: string, hunksOf: ReturnType<typeof diffText>): string[] {
  // Rebuild the new text from the old one and the full line list: proves the edit script is correct.
  const a = before === "" ? [] : before.replace(/\n$/, "").split("\n");
  const out: string[] = [];
  let i = 0;
  for (const h of hunksOf.hunks) {
    const start = h.oldLines === 0 ? h.oldStart : h.oldStart - 1;
    while (i < start) out.push(a[i++]);
    for (const l of h.lines) {
      if (l.kind === "context") {
        out.push(l.text);
        i++;
      } else if (l.kind === "del") i++;
      else out.push(l.text);
    }
  }
  while (i < a.length) out.push(a[i++]);
  return out;
}

describe("diffText", () => {
  it("finds no hunks for identical texts", () => {
    expect(diffText("a\nb\n", "a\nb\n")).toMatchObject({ hunks: [], added: 0, removed: 0, unified: "" });
  });

  it("prints a changed line as - and + with three lines of context and diff -u headers", () => {
    const before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    const after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
    const d = diffText(before, after);
    expect(d.unified).toBe("@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
    expect(d).toMatchObject({ added: 1, removed: 1 });
  });

  it("splits distant changes into separate hunks and merges close ones", () => {
    const lines = Array.from({ length: 30 }, (_, i) => `l${i + 1}`);
    const after = [...lines];
    after[1] = "x";
    after[3] = "y";
    after[25] = "z";
    const d = diffText(`${lines.join("\n")}\n`, `${after.join("\n")}\n`);
    expect(d.hunks.map((h) => [h.oldStart, h.oldLines])).toEqual([[1, 7], [23, 7]]);
  });

  it("reports a pure insertion at the start with old start 0, as diff -u does", () => {
    const d = diffText("", "a\nb\n");
    expect(d.unified).toBe("@@ -0,0 +1,2 @@\n+a\n+b\n");
  });

  it("produces an edit script that rebuilds the new text", () => {
    const before = "a\nb\nc\nd\ne\nf\ng\n";
    const after = "a\nc\nd\nx\ne\ng\nh\n";
    expect(apply(before, diffText(before, after, 100))).toEqual(after.replace(/\n$/, "").split("\n"));
  });

  it("rebuilds the new text from random edits of a policy-sized file, with every line numbered on its side", () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n);
    const base = Array.from({ length: 200 }, (_, i) => `line ${i % 17}`);
    for (let round = 0; round < 20; round++) {
      const next = [...base];
      for (let e = 0; e < 12; e++) {
        const at = rand(next.length);
        const op = rand(3);
        if (op === 0) next.splice(at, 1);
        else if (op === 1) next.splice(at, 0, `new ${round}.${e}`);
        else next[at] = `changed ${round}.${e}`;
      }
      const before = `${base.join("\n")}\n`;
      const after = `${next.join("\n")}\n`;
      const d = diffText(before, after);
      expect(apply(before, diffText(before, after, 100_000))).toEqual(next);
      for (const h of d.hunks) for (const l of h.lines) {
        if (l.oldLine !== undefined) expect(base[l.oldLine - 1]).toBe(l.text);
        if (l.newLine !== undefined) expect(next[l.newLine - 1]).toBe(l.text);
      }
      expect(d.added - d.removed).toBe(next.length - base.length);
    }
  });

  it("treats a missing final newline as no change, and prints no 'No newline' marker", () => {
    expect(diffText("a\nb", "a\nb\n").hunks).toEqual([]);
    expect(diffText("a", "b").unified).toBe("@@ -1,1 +1,1 @@\n-a\n+b\n");
  });

  it("falls back to a wholesale replacement when the texts share almost nothing", () => {
    const a = Array.from({ length: 1500 }, (_, i) => `a${i}`).join("\n");
    const b = Array.from({ length: 1500 }, (_, i) => `b${i}`).join("\n");
    const d = diffText(a, b);
    expect(d).toMatchObject({ added: 1500, removed: 1500 });
  });
});
