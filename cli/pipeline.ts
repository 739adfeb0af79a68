import type { ParseArgsConfig } from "node:util";
import { parseCommand } from "./args";
import { callOperation, findOperation, printAnswer, targetOf, textOrFile, type Answer, type Target } from "./api";
import type { CliIO, Command } from "./main";

/*
 * The verbs of a GitOps pipeline, each a thin call of one operation (cli/api.ts does the HTTP, the input and output
 * checks): give a group an overlay, propose it, merge it, publish the base to a canary ring, then
 * `charter rollout status --wait`. Reading a draft's or a request's revision before writing it is the only logic here.
 */

const CONNECTION = "[--server URL] [--org SLUG] [--json]";
export const USAGES = {
  group:
    `usage: charter group create NAME [--priority N] [--description TEXT] ${CONNECTION}\n` +
    `       charter group show NAME ${CONNECTION}\n` +
    `       charter group overlay NAME FILE ${CONNECTION}   save FILE as the group's overlay draft`,
  draft: `usage: charter draft set FILE ${CONNECTION}   save FILE as the org's base draft`,
  change:
    `usage: charter change open [--group NAME] --title TITLE [--note TEXT] ${CONNECTION}   propose the draft (the group's overlay draft with --group)\n` +
    `       charter change update N [--group NAME] [--from-draft] [--rebase] [--title T] [--note T] ${CONNECTION}\n` +
    `       charter change merge N [--group NAME | --ring NAME=PERCENT% | --ring NAME=GROUP … [--gates JSON|@FILE]] ${CONNECTION}   publish an approved request (the base's to rings first)\n` +
    "  (approving is for people, on the request's page in the console: API tokens never approve or reject)",
  publish: `usage: charter publish --note TEXT [--ring NAME=PERCENT% | --ring NAME=GROUP …] [--gates JSON|@FILE] ${CONNECTION}`,
} as const;

const ringOptions = { ring: { type: "string", multiple: true }, gates: { type: "string" } } as const;
const common = { server: { type: "string" }, org: { type: "string" }, json: { type: "boolean" } } as const;

interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** One step: an operation's name and its input, or a sentence saying what is wrong with the command line. */
type Step = { op: string; input: Record<string, unknown>; describe?: (body: never) => string } | string;

type Call = (op: string, input: Record<string, unknown>) => Promise<Answer>;

function verb(name: keyof typeof USAGES, options: ParseArgsConfig["options"], plan: (p: Parsed, call: Call) => Promise<Step>): Command {
  const prefix = `charter ${name}`;
  return async (args, io) => {
    const parsed = parseCommand(args, io, prefix, USAGES[name], { ...common, ...options }) as Parsed | number;
    if (typeof parsed === "number") return parsed;
    const target = targetOf(parsed.values as { server?: string; org?: string });
    if (typeof target === "string") return usage(io, prefix, target, name);
    if (!target.org) return usage(io, prefix, "--org is required", name);
    let step: Step;
    try {
      step = await plan(parsed, (op, input) => call(target, op, input));
    } catch (err) {
      if (err instanceof Refused) return printAnswer(err.answer, io, prefix, false);
      return usage(io, prefix, (err as Error).message, name);
    }
    if (typeof step === "string") return usage(io, prefix, step, name);
    return printAnswer(await call(target, step.op, step.input), io, prefix, parsed.values.json as boolean | undefined, step.describe);
  };
}

function usage(io: CliIO, prefix: string, problem: string, name: keyof typeof USAGES): number {
  io.err(`${prefix}: ${problem}\n${USAGES[name]}`);
  return 2;
}

async function call(target: Target, name: string, input: Record<string, unknown>): Promise<Answer> {
  const op = await findOperation(name);
  if ("unknown" in op) throw new Error(op.unknown);
  return callOperation(op, input, target);
}

/** A read a step needs first (a revision) that Charter refused: printed like any refusal. */
class Refused extends Error {
  constructor(readonly answer: Answer) {
    super("refused");
  }
}

async function read<T>(call: Call, op: string, input: Record<string, unknown>): Promise<T> {
  const answer = await call(op, input);
  if (!answer.ok) throw new Refused(answer);
  return answer.body as T;
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const numberArg = (v: string | undefined, what: string) => (v !== undefined && /^[1-9]\d{0,8}$/.test(v) ? Number(v) : `${what} must be a request number, got "${v ?? ""}"`);

type Request = { number: number; state: string; revision: number; approvalsGiven: number; approvalsRequired: number; group: string | null };
const describeRequest = (r: Request) =>
  `change request #${r.number}${r.group ? ` (group ${r.group})` : ""}: ${r.state}, ${r.approvalsGiven} of ${r.approvalsRequired} approvals, revision ${r.revision}`;

export const groupCommand = verb("group", { priority: { type: "string" }, description: { type: "string" } }, async ({ values, positionals }, call) => {
  const [sub, name, file, ...extra] = positionals;
  if (!name) return "name the group";
  const describe = (g: { name: string; priority: number; overlayVersion: number | null; members: number }) =>
    `group ${g.name}: priority ${g.priority}, ${g.members} hosts, ${g.overlayVersion === null ? "no overlay" : `overlay version ${g.overlayVersion}`}`;
  if (sub === "create" && file === undefined) {
    const input: Record<string, unknown> = { name };
    if (values.priority !== undefined) input.priority = /^-?\d+$/.test(str(values.priority)!) ? Number(values.priority) : values.priority;
    if (values.description !== undefined) input.description = values.description;
    return { op: "groups.create", input, describe };
  }
  if (sub === "show" && file === undefined) return { op: "groups.get", input: { group: name }, describe };
  if (sub === "overlay" && file !== undefined && extra.length === 0) {
    const draft = await read<{ revision: number }>(call, "groups.overlay.draft.get", { group: name });
    return {
      op: "groups.overlay.draft.save",
      input: { group: name, toml: textOrFile(`@${file}`), baseRevision: draft.revision },
      describe: (d: { revision: number }) => `group ${name}: overlay draft saved (revision ${d.revision}); propose it with charter change open --group ${JSON.stringify(name)} --title …`,
    };
  }
  return sub ? `unexpected "${positionals.join(" ")}"` : "missing subcommand";
});

export const draftCommand = verb("draft", {}, async ({ positionals }, call) => {
  const [sub, file, ...extra] = positionals;
  if (sub !== "set" || !file || extra.length) return sub === "set" ? "name one FILE" : "expected the subcommand set";
  const draft = await read<{ revision: number }>(call, "policy.draft.get", {});
  return {
    op: "policy.draft.save",
    input: { toml: textOrFile(`@${file}`), baseRevision: draft.revision },
    describe: (d: { revision: number }) => `draft saved (revision ${d.revision})`,
  };
});

export const changeCommand = verb(
  "change",
  { group: { type: "string" }, title: { type: "string" }, note: { type: "string" }, "from-draft": { type: "boolean" }, rebase: { type: "boolean" }, ...ringOptions },
  async ({ values, positionals }, call) => {
    const [sub, n, ...extra] = positionals;
    const group = str(values.group);
    if (extra.length) return `unexpected "${extra.join(" ")}"`;
    if (sub === "open") {
      if (n !== undefined) return `unexpected "${n}"`;
      const input: Record<string, unknown> = { title: values.title, ...(values.note !== undefined ? { note: values.note } : {}) };
      return group ? { op: "groups.overlay.changes.create", input: { group, ...input }, describe: describeRequest } : { op: "policy.changes.create", input, describe: describeRequest };
    }
    const number = numberArg(n, sub ?? "N");
    if (typeof number === "string") return sub === "update" || sub === "merge" ? number : sub ? `unknown subcommand "${sub}"` : "missing subcommand";
    const scope = group ? { group } : {};
    if (sub === "update") {
      const current = await read<{ revision: number }>(call, group ? "groups.overlay.changes.get" : "policy.changes.get", { ...scope, number });
      const input: Record<string, unknown> = { ...scope, number, revision: current.revision };
      for (const [flag, field] of [["title", "title"], ["note", "note"], ["from-draft", "fromDraft"], ["rebase", "rebase"]] as const) if (values[flag] !== undefined) input[field] = values[flag];
      return { op: group ? "groups.overlay.changes.update" : "policy.changes.update", input, describe: describeRequest };
    }
    // merge
    const rollout = rolloutOf(values);
    if (group && rollout) return "--ring stages the base; an overlay reaches its group's hosts at once";
    return group
      ? { op: "groups.overlay.changes.publish", input: { group, number }, describe: (v: { number: number }) => `group ${group}: overlay version ${v.number} published from change request #${number}` }
      : { op: "policy.changes.publish", input: { number, ...(rollout ? { rollout } : {}) }, describe: describePublished(rollout, ` from change request #${number}`) };
  },
);

/** `--ring NAME=PERCENT%|NAME=GROUP …` and `--gates JSON|@FILE` → a rollout plan (checked by the operation's schema). */
function rolloutOf(values: Parsed["values"]): { rings: ({ name: string; percent: number } | { name: string; group: string })[]; gates?: unknown } | undefined {
  const rings = ((values.ring as string[] | undefined) ?? []).map((r) => {
    const m = /^([^=]+)=(.+)$/.exec(r);
    if (!m) throw new Error(`--ring takes NAME=PERCENT% or NAME=GROUP, got "${r}"`);
    const pct = /^(\d+(?:\.\d+)?)%$/.exec(m[2]);
    return pct ? { name: m[1], percent: Number(pct[1]) } : { name: m[1], group: m[2] };
  });
  let gates: unknown;
  if (values.gates !== undefined) {
    try {
      gates = JSON.parse(textOrFile(values.gates as string));
    } catch (err) {
      throw new Error(`--gates is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  if (gates !== undefined && rings.length === 0) throw new Error("--gates needs at least one --ring");
  return rings.length ? { rings, ...(gates !== undefined ? { gates } : {}) } : undefined;
}

function describePublished(rollout: ReturnType<typeof rolloutOf>, from = "") {
  return (v: { number: number }) =>
    rollout
      ? `version ${v.number} published${from} to ${rollout.rings.map((r) => `${r.name} (${"percent" in r ? `${r.percent}% of hosts` : `group ${r.group}`})`).join(", then ")}, then everyone; follow it with charter rollout status ${v.number} --wait`
      : `version ${v.number} published${from}`;
}

export const publishCommand = verb("publish", { note: { type: "string" }, ...ringOptions }, async ({ values, positionals }) => {
  if (positionals.length) return `unexpected "${positionals.join(" ")}"`;
  const rollout = rolloutOf(values);
  return { op: "policy.publish", input: { note: values.note, ...(rollout ? { rollout } : {}) }, describe: describePublished(rollout) };
});
