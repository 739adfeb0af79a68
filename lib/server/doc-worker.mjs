// A worker thread of lib/server/off-loop.ts: runs document jobs (doc-work.ts) so that the server's event loop does not.
// Plain JavaScript that loads the TypeScript through tsx, as scripts/server.ts itself is run. Jobs posted while the
// modules load wait in the port's queue.
import { parentPort } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { runDocJob } = await import("./doc-work.ts");

parentPort.on("message", ({ id, job }) => {
  try {
    parentPort.postMessage({ id, ok: true, result: runDocJob(job) });
  } catch (err) {
    // An AppError keeps its code and details across the thread boundary (off-loop.ts rebuilds it).
    const e = err instanceof Error ? err : new Error(String(err));
    parentPort.postMessage({ id, ok: false, error: { name: e.name, message: e.message, code: e.code, details: e.details, stack: e.stack } });
  }
});
