import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Spool } from "../../../packages/agent/src/relay/spool";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), "charter-spool-"));
  dirs.push(d);
  return d;
};

describe("the relay's disk spool", () => {
  it("closes segments by size and age and hands them out oldest first", () => {
    let now = 1_000_000;
    const spool = new Spool({ dir: tmp(), segmentBytes: 20, segmentMs: 100, now: () => now });
    spool.append(['{"a":1}']);
    expect(spool.segments()).toEqual([]);
    now += 100;
    spool.tick();
    spool.append(['{"b":2222222222222222}']); // past 20 bytes: closed at once
    expect(spool.segments()).toHaveLength(2);
    expect(spool.segments().map((s) => String(spool.read(s)))).toEqual(['{"a":1}\n', '{"b":2222222222222222}\n']);
  });

  it("drops the oldest segments past the size bound and the age bound, and counts the decisions lost across restarts", () => {
    let now = 1_000_000;
    const dir = tmp();
    const spool = new Spool({ dir, segmentBytes: 1, maxBytes: 40, maxAgeMs: 10_000, now: () => now });
    for (let i = 0; i < 5; i++) {
      spool.append([`{"n":${i}}`, `{"n":${i}}`]); // 16 bytes per segment
      now += 1;
    }
    spool.tick();
    expect(spool.stats()).toMatchObject({ segments: 2, bytes: 32, dropped: 6 });
    expect(spool.segments().map((s) => String(spool.read(s)))).toEqual(['{"n":3}\n{"n":3}\n', '{"n":4}\n{"n":4}\n']);
    now += 10_001;
    const again = new Spool({ dir, segmentBytes: 1, maxBytes: 40, maxAgeMs: 10_000, now: () => now });
    again.tick();
    expect(again.stats()).toMatchObject({ segments: 0, dropped: 10 });
  });

  it("closes a segment a crashed process left open, so nothing written is lost", () => {
    const dir = tmp();
    new Spool({ dir, segmentMs: 60_000 }).append(['{"x":1}']);
    const next = new Spool({ dir, segmentMs: 60_000 });
    expect(next.segments().map((s) => String(next.read(s)))).toEqual(['{"x":1}\n']);
  });
});
