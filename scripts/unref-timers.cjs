// Preloaded into Prisma CLI processes: the wasm schema engine arms long timers it never clears, which keeps
// `prisma migrate` alive for about a minute after it has finished. Unref'ing long timers lets the process exit.
const original = global.setTimeout;
global.setTimeout = function (fn, ms, ...args) {
  const timer = original(fn, ms, ...args);
  if (typeof ms === "number" && ms >= 5000 && timer && typeof timer.unref === "function") timer.unref();
  return timer;
};
