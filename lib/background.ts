/*
 * Work the server starts and does not wait for: the outbox delivery loop, the decision alerts loop, the reviews of a
 * sandbox run or replay. Each is registered here, in one place, so whoever owns the process can stop the loops and
 * wait for what is in flight. Tests do before they empty the database: a TRUNCATE of every table takes its locks in
 * table order, and a delivery's transaction still running from the previous test takes its own in another order, so
 * the two deadlocked (PostgreSQL 40P01).
 */

/** A timer-driven loop: `stop` ends it; the next caller that needs it starts a fresh one. */
export interface BackgroundLoop {
  stop(): void;
}

// Across Next.js dev reloads too, like the loops' own singletons.
const registry = ((globalThis as unknown as { charterBackground?: { tasks: Set<Promise<unknown>>; loops: Set<BackgroundLoop> } }).charterBackground ??= {
  tasks: new Set(),
  loops: new Set(),
});

/** Registers work that runs on after its caller returns; returns the same promise. */
export function inBackground<T>(task: Promise<T>): Promise<T> {
  registry.tasks.add(task);
  const forget = () => void registry.tasks.delete(task);
  task.then(forget, forget);
  return task;
}

/** Registers a loop; returns a function that unregisters it (call it from the loop's own stop). */
export function registerLoop(loop: BackgroundLoop): () => void {
  registry.loops.add(loop);
  return () => void registry.loops.delete(loop);
}

/**
 * Stops every registered loop and waits until no registered work is in flight (work that settles may start more,
 * e.g. a delivery pass queuing the next one: waited for too). Failures are the work's own to report.
 */
export async function drainBackground(): Promise<void> {
  for (const loop of [...registry.loops]) loop.stop();
  while (registry.tasks.size) await Promise.allSettled([...registry.tasks]);
}
