/*
 * The relay's disk spool: decisions wait here, as NDJSON segment files, until Charter has them. Bounded by size and
 * age; past either bound the oldest segments go first and the number of decisions lost is counted, never silently.
 * Segments are named by creation time and sequence, so a restart picks up exactly where the last process stopped.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface SpoolOptions {
  dir: string;
  /** Total bytes kept on disk (default 64 MiB). */
  maxBytes?: number;
  /** Oldest segment kept, in milliseconds (default 7 days). */
  maxAgeMs?: number;
  /** A segment is closed for upload past this size (default 256 KiB) or age (default 2 s). */
  segmentBytes?: number;
  segmentMs?: number;
  now?: () => number;
}

export interface SpoolStats {
  segments: number;
  bytes: number;
  /** Decisions dropped to keep within the bounds, since the spool was first made. */
  dropped: number;
}

const OPEN = "open.ndjson";
const STATS = "stats.json";
const SEGMENT = /^seg-(\d{13})-(\d{6})\.ndjson$/;

export class Spool {
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  private readonly segmentBytes: number;
  private readonly segmentMs: number;
  private readonly now: () => number;
  private openSince = 0;
  private openBytes = 0;
  private seq = 0;
  private dropped = 0;

  constructor(readonly opts: SpoolOptions) {
    this.maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
    this.maxAgeMs = opts.maxAgeMs ?? 7 * 86_400_000;
    this.segmentBytes = opts.segmentBytes ?? 256 * 1024;
    this.segmentMs = opts.segmentMs ?? 2_000;
    this.now = opts.now ?? Date.now;
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    try {
      this.dropped = Number(JSON.parse(readFileSync(path.join(opts.dir, STATS), "utf8")).dropped) || 0;
    } catch {
      this.dropped = 0;
    }
    // A segment left open by a previous process is closed now: it is as ready to send as any other.
    try {
      const st = statSync(path.join(opts.dir, OPEN));
      if (st.size > 0) this.closeOpen();
    } catch {
      /* none */
    }
  }

  /** Appends decisions (one JSON line each); closes the open segment when it is big or old enough. */
  append(lines: string[]): void {
    if (!lines.length) return;
    const text = lines.join("\n") + "\n";
    if (this.openBytes === 0) this.openSince = this.now();
    appendFileSync(path.join(this.opts.dir, OPEN), text, { mode: 0o600 });
    this.openBytes += Buffer.byteLength(text);
    if (this.openBytes >= this.segmentBytes) this.closeOpen();
  }

  /** Closes the open segment if it has waited long enough (or at once with `force`). */
  tick(force = false): void {
    if (this.openBytes > 0 && (force || this.now() - this.openSince >= this.segmentMs)) this.closeOpen();
    this.enforceBounds();
  }

  /** Closed segments, oldest first. */
  segments(): string[] {
    return readdirSync(this.opts.dir)
      .filter((f) => SEGMENT.test(f))
      .sort();
  }

  read(segment: string): Buffer {
    return readFileSync(path.join(this.opts.dir, segment));
  }

  /** Charter has the segment: forget it. */
  remove(segment: string): void {
    try {
      unlinkSync(path.join(this.opts.dir, segment));
    } catch {
      /* already gone */
    }
  }

  stats(): SpoolStats {
    let bytes = this.openBytes;
    const segments = this.segments();
    for (const s of segments) bytes += this.size(s);
    return { segments: segments.length, bytes, dropped: this.dropped };
  }

  private size(segment: string): number {
    try {
      return statSync(path.join(this.opts.dir, segment)).size;
    } catch {
      return 0;
    }
  }

  private closeOpen(): void {
    const at = this.now();
    const name = `seg-${String(at).padStart(13, "0")}-${String(this.seq++ % 1_000_000).padStart(6, "0")}.ndjson`;
    try {
      renameSync(path.join(this.opts.dir, OPEN), path.join(this.opts.dir, name));
    } catch {
      /* nothing open */
    }
    this.openBytes = 0;
  }

  /** Drops the oldest segments past the age or size bound, counting their decisions. */
  private enforceBounds(): void {
    const segments = this.segments();
    let total = this.openBytes + segments.reduce((n, s) => n + this.size(s), 0);
    const now = this.now();
    let changed = false;
    for (const s of segments) {
      const createdAt = Number(SEGMENT.exec(s)![1]);
      if (total <= this.maxBytes && now - createdAt <= this.maxAgeMs) break;
      const size = this.size(s);
      let lines = 0;
      try {
        const buf = this.read(s);
        for (const b of buf) if (b === 0x0a) lines++;
      } catch {
        /* unreadable: counted as empty */
      }
      this.remove(s);
      this.dropped += lines;
      total -= size;
      changed = true;
    }
    if (changed) writeFileSync(path.join(this.opts.dir, STATS), JSON.stringify({ dropped: this.dropped }), { mode: 0o600 });
  }
}
