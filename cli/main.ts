/** Entry point of the `charter` command: dispatches to one subcommand module per verb. Returns the exit code. */
export type Command = (args: string[], io: CliIO) => Promise<number>;

export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIO: CliIO = {
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
};

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  audit: { summary: "audit verify [--org SLUG] [--anchor FILE] [--json]   check the audit log's hash chains, MACs and anchor (DATABASE_URL or the embedded cluster)", load: async () => (await import("./audit")).auditCommand },
  pull: { summary: "pull --server URL --org SLUG --trust JWKS|--trust-fingerprint FP [--out PATH] [--format toml|mobileconfig] [--check]   install the org's signed requirements (token in CHARTER_TOKEN)", load: async () => (await import("./pull")).pullCommand },
  rollout: { summary: "rollout status [VERSION|latest] --server URL --org SLUG [--wait] [--json]   show a staged rollout; --wait until it completes (exit 0) or is rolled back (1)", load: async () => (await import("./rollout")).rolloutCommand },
  token: { summary: "token create --org SLUG --name NAME --scope read|write|publish [--expires DAYS] [--json]   mint an admin API token for automation (DATABASE_URL or the embedded cluster)", load: async () => (await import("./token")).tokenCommand },
  validate: { summary: "validate FILE [--codex VERSION] [--json]   check a requirements.toml as that Codex version (default the newest known) would", load: async () => (await import("./validate")).validateCommand },
};

export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === "--help" || verb === "-h" || verb === "help") {
    io.out("usage: charter <command> [options]\n\ncommands:");
    for (const c of Object.values(COMMANDS)) io.out(`  ${c.summary}`);
    return verb ? 0 : 2;
  }
  const entry = COMMANDS[verb];
  if (!entry) {
    io.err(`charter: unknown command "${verb}" (try: ${Object.keys(COMMANDS).join(", ")})`);
    return 2;
  }
  return (await entry.load())(rest, io);
}
