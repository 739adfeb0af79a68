/**
 * Keeps the event loop free of large documents. Validating a 1 MiB requirements file against every Codex version the
 * fleet runs, or summarising a change between two of them, takes hundreds of milliseconds of CPU; run inline it would
 * stall every other request (health and the agents' bundle endpoint included). Documents past `inlineChars` go to a
 * small pool of worker threads instead, with a bounded queue and a time bound:
 * - queue full: 503 `unavailable` (details.reason "busy"), nothing done, try again shortly;
 * - past the time bound: the worker is terminated (and replaced on the next job), 503 `unavailable`
 *   (details.reason "timeout").
 * Small documents run inline: they cost a few milliseconds, less than the trip to a worker.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { AppError } from "../errors";
import { docJobSize, runDocJob, type DocJob, type DocResults } from "./doc-work";

export interface OffLoopOptions {
  /** Jobs whose documents have at most this many characters run inline. */
  inlineChars: number;
  /** Worker threads at most (started on first use, kept while the process runs). */
  workers: number;
  /** Jobs waiting for a busy worker at most; one more is refused with 503. */
  queue: number;
  /** A job (including its worker's start) running longer is stopped with 503. */
  timeoutMs: number;
}

export const OFF_LOOP_DEFAULTS: Readonly<OffLoopOptions> = Object.freeze({ inlineChars: 16 * 1024, workers: 2, queue: 16, timeoutMs: 30_000 });

/**
 * The worker's script, found from the project root (the server, the tests and the benchmarks all run there). Built from
 * parts so that bundlers leave it alone: Next.js would otherwise try to bundle the worker (and tsx with it).
 */
const WORKER_FILE = [process.cwd(), "lib", "server", ["doc-worker", "mjs"].join(".")].join(path.sep);

interface Task {
  id: number;
  job: DocJob;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  task: Task | null;
}

export interface DocPool {
  run<J extends DocJob>(job: J): Promise<DocResults[J["kind"]]>;
  /** Workers started and jobs waiting, for tests and health. */
  stats(): { workers: number; busy: number; waiting: number };
  close(): Promise<void>;
}

export function createDocPool(options: Partial<OffLoopOptions> = {}): DocPool {
  const opts = { ...OFF_LOOP_DEFAULTS, ...options };
  const slots: Slot[] = [];
  const waiting: Task[] = [];
  let nextId = 1;

  const finish = (slot: Slot, settle: (task: Task) => void) => {
    const task = slot.task;
    if (!task) return;
    clearTimeout(task.timer);
    slot.task = null;
    slot.worker.unref();
    settle(task);
    pump();
  };

  const retire = (slot: Slot) => {
    const at = slots.indexOf(slot);
    if (at >= 0) slots.splice(at, 1);
  };

  const spawn = (): Slot => {
    const worker = new Worker(/* turbopackIgnore: true */ /* webpackIgnore: true */ WORKER_FILE);
    const slot: Slot = { worker, task: null };
    worker.on("message", (m: { id: number; ok: boolean; result?: unknown; error?: { name: string; message: string; code?: string; details?: unknown; stack?: string } }) => {
      if (slot.task?.id !== m.id) return;
      finish(slot, (task) => (m.ok ? task.resolve(m.result) : task.reject(rebuild(m.error!))));
    });
    // A worker that fails (it could not load, or ran out of memory) is replaced on the next job; this job runs inline
    // rather than failing, and the failure is logged.
    const inline = (why: string) => (task: Task) => {
      console.error(`[charter] document worker failed (${why}); this job ran on the event loop`);
      try {
        task.resolve(runDocJob(task.job));
      } catch (err) {
        task.reject(err as Error);
      }
    };
    worker.on("error", (err) => {
      retire(slot);
      finish(slot, inline(err.message));
    });
    worker.on("exit", (code) => {
      retire(slot);
      finish(slot, inline(`exit ${code}`));
    });
    slots.push(slot);
    return slot;
  };

  const start = (slot: Slot, task: Task) => {
    slot.task = task;
    slot.worker.ref();
    task.timer = setTimeout(() => {
      retire(slot);
      void slot.worker.terminate();
      finish(slot, (t) =>
        t.reject(
          new AppError("unavailable", `Checking the requirements took longer than ${opts.timeoutMs / 1000} s and was stopped; nothing was changed. Try again, or make the file smaller.`, {
            reason: "timeout",
            limitMs: opts.timeoutMs,
          }),
        ),
      );
    }, opts.timeoutMs);
    slot.worker.postMessage({ id: task.id, job: task.job });
  };

  function pump() {
    while (waiting.length > 0) {
      const slot = slots.find((s) => !s.task) ?? (slots.length < opts.workers ? spawn() : undefined);
      if (!slot) return;
      start(slot, waiting.shift()!);
    }
  }

  return {
    run<J extends DocJob>(job: J): Promise<DocResults[J["kind"]]> {
      if (docJobSize(job) <= opts.inlineChars || !existsSync(WORKER_FILE)) return Promise.resolve(runDocJob(job));
      return new Promise((resolve, reject) => {
        const busy = slots.filter((s) => s.task).length;
        if (busy >= opts.workers && waiting.length >= opts.queue) {
          reject(
            new AppError("unavailable", "Charter is checking too many large requirements files right now; nothing was changed. Try again in a few seconds.", {
              reason: "busy",
              queue: opts.queue,
            }),
          );
          return;
        }
        waiting.push({ id: nextId++, job, resolve: resolve as (value: unknown) => void, reject });
        pump();
      });
    },
    stats: () => ({ workers: slots.length, busy: slots.filter((s) => s.task).length, waiting: waiting.length }),
    async close() {
      const all = slots.splice(0);
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}

function rebuild(e: { name: string; message: string; code?: string; details?: unknown; stack?: string }): Error {
  if (e.name === "AppError" && e.code) return new AppError(e.code as ConstructorParameters<typeof AppError>[0], e.message, e.details);
  const err = new Error(e.message);
  err.stack = e.stack;
  return err;
}

// One pool per process (kept on globalThis: Next.js may load this module more than once).
const shared = globalThis as { charterDocPool?: DocPool };
const pool = () => (shared.charterDocPool ??= createDocPool());

/** validateForFleet (lib/requirements) without holding the event loop for a large document. */
export const validateForFleetOffLoop = (text: string, versions: readonly string[]) => pool().run({ kind: "fleet", text, versions });

/** A change request's verdict and diff (validateRequirements, diffPolicies) without holding the event loop. */
export const reviewOffLoop = (before: string, after: string) => pool().run({ kind: "review", before, after });

/** changeSummary (lib/policies/common.ts) without holding the event loop for large documents. */
export const changeSummaryOffLoop = (before: string, after: string) => pool().run({ kind: "summary", before, after });
