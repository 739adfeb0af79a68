#!/usr/bin/env node
// The `charter` command. The CLI is written in TypeScript; tsx (a runtime dependency) loads it, so a host needs only Node
// and this package.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
