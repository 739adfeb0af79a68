#!/usr/bin/env node
import { main } from "./main";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    // A bug, not a failure we know: still one line, and a distinct exit status.
    process.stderr.write(`charter-agent: internal error: ${err?.stack ?? err}\n`);
    process.exitCode = 3;
  },
);
