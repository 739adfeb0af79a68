/** The agent's one error shape: a reason word (machine-readable, stable) and one line for people. */
export class AgentFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
    /** true when a bundle arrived and was refused (printed "refused"), false when something failed ("failed"). */
    readonly refused = false,
  ) {
    super(message);
  }
}

/** Text from elsewhere (a server, Codex) goes into our one line: keep it short and on one line. */
export const oneLine = (s: string, max = 200) => s.replace(/\s+/g, " ").trim().slice(0, max);

export const errnoOf = (err: unknown) => (err as NodeJS.ErrnoException)?.code ?? oneLine((err as Error)?.message ?? String(err));
