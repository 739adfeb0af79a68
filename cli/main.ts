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
  api: { summary: "api OP [FIELD=TEXT|FIELD:=JSON|FIELD=@FILE …] [--input JSON|@FILE] --server URL --org SLUG [--json]   call any admin API operation (charter api --list), its answer checked against the operation's schema (token in CHARTER_TOKEN)", load: async () => (await import("./api")).apiCommand },
  audit: { summary: "audit verify [--org SLUG] [--anchor FILE] [--json]   check the audit log's hash chains, MACs and anchor (DATABASE_URL or the embedded cluster)", load: async () => (await import("./audit")).auditCommand },
  change: { summary: "change open|update|merge [N] [--group NAME] …   change requests of the base or of a group's overlay (charter change --help; people approve in the console)", load: async () => (await import("./pipeline")).changeCommand },
  draft: { summary: "draft set FILE --server URL --org SLUG   save FILE as the org's base draft", load: async () => (await import("./pipeline")).draftCommand },
  group: { summary: "group create|show|overlay NAME [FILE] …   host groups and their overlay drafts (charter group --help)", load: async () => (await import("./pipeline")).groupCommand },
  publish: { summary: "publish --note TEXT [--ring NAME=10% | --ring NAME=GROUP …] [--gates JSON]   publish the draft, to rings first when given (then: charter rollout status --wait)", load: async () => (await import("./pipeline")).publishCommand },
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
