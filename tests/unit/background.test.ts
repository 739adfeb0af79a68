import { describe, expect, it } from "vitest";
import { drainBackground, inBackground, registerLoop } from "../../lib/background";

function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

// Lets every pending callback (promise reactions and timers due now) run, so a drain that did not wait would be seen.
const turn = () => new Promise((r) => setImmediate(r));

describe("the registry of background work", () => {
  it("drains only once the work in flight has settled, including work it started as it settled", async () => {
    const first = deferred();
    const second = deferred();
    const log: string[] = [];
    void inBackground(first.promise.then(() => {
      log.push("first");
      void inBackground(second.promise.then(() => void log.push("second")));
    }));
    const drained = drainBackground().then(() => void log.push("drained"));
    await turn();
    expect(log).toEqual([]);
    first.resolve();
    await turn();
    expect(log).toEqual(["first"]);
    second.resolve();
    await drained;
    expect(log).toEqual(["first", "second", "drained"]);
  });

  it("does not fail on work that failed (its owner reports it), and forgets it", async () => {
    const task = deferred();
    const tracked = inBackground(task.promise);
    tracked.catch(() => {});
    task.reject(new Error("provider down"));
    await expect(drainBackground()).resolves.toBeUndefined();
    await expect(drainBackground()).resolves.toBeUndefined();
  });

  it("stops every registered loop, once", async () => {
    const stopped: string[] = [];
    const unregisterA = registerLoop({ stop: () => (stopped.push("a"), unregisterA()) });
    const unregisterB = registerLoop({ stop: () => (stopped.push("b"), unregisterB()) });
    await drainBackground();
    await drainBackground();
    expect(stopped).toEqual(["a", "b"]);
  });
});
