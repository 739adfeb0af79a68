#!/usr/bin/env node
// Runs the Prisma CLI with the environment it needs offline: a DATABASE_URL even for commands that never connect
// (without one Prisma 6 tries to download a native engine), no update checks, and the timer preload (unref-timers.cjs).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const preload = path.join(root, "scripts", "unref-timers.cjs");

export function prismaEnv(env = process.env) {
  return {
    ...env,
    DATABASE_URL: env.DATABASE_URL || "postgresql://unused:unused@127.0.0.1:1/unused",
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    NODE_OPTIONS: `${env.NODE_OPTIONS ?? ""} -r ${preload}`.trim(),
  };
}

/** Runs `prisma ...args`; returns its exit status. `quiet` keeps its output unless it fails. */
export function runPrisma(args, { env = process.env, quiet = false } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, env: prismaEnv(env), encoding: "utf8", stdio: quiet ? "pipe" : "inherit" });
  if (quiet && r.status !== 0) process.stderr.write((r.stdout ?? "") + (r.stderr ?? ""));
  return r.status ?? 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exit(runPrisma(process.argv.slice(2)));
}
