/** Commands print through this, so tests and the repository's `charter` CLI can run them in-process. */
export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const processIO: CliIO = {
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
};

/** Exit codes: 0 done, 1 failed or refused (installed file kept), 2 usage or configuration. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
