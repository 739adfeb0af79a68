/**
 * The reviewer's user message (the transcript, the planned action, and the follow-up review with the transcript delta)
 * exactly as a Codex version lays it out. Codex's sentences cannot live in this repository: a "request kit" is derived
 * at run time from requests that version sent (scripts/codex-prompt.ts captures a scripted conversation whose texts are
 * markers of ours) and cached beside the prompt kit. The kit holds Codex's fixed items and the entry layouts, with
 * `{n}`, `{order}`, `{role}`, `{text}` and `{session}` where the values go; this file only knows the order of the items.
 */
import { existsSync, readFileSync } from "node:fs";
import type { TranscriptEntry } from "./actions";
import { retainTranscript } from "./request";

export interface RequestKit {
  codexVersion: string;
  intro: string;
  retainedStart: string;
  /** An assistant message repeated in the retained-instructions block: `{order}`, `{role}`, `{text}`. */
  retainedEntry?: string;
  retainedEnd: string;
  transcriptStart: string;
  transcriptEnd: string;
  /** Put before every entry but the first of a transcript (or delta). */
  entrySeparator: string;
  /** A user entry: `{n}`, `{order}`, `{text}`. */
  userEntry: string;
  /** Any other entry: `{n}`, `{role}`, `{text}`. */
  entry: string;
  session: string;
  /** The parent turn's permission context (a profile without denied-read paths). */
  permissionContext: string[];
  actionLead: string;
  requestStart: string;
  assess: string;
  plannedAction: string;
  /** What follows the action JSON inside its item. */
  actionSuffix: string;
  requestEnd: string;
  followUp?: { reminder: string; intro: string; deltaStart: string; deltaEnd: string; actionLead: string };
}

export interface ReviewMessageInput {
  transcript: readonly TranscriptEntry[];
  /** The planned action JSON as printed (actionJson in request.ts). */
  actionJson: string;
  sessionId: string;
  /** For a follow-up review: how many entries of `transcript` the previous review saw. */
  previousEntries?: number;
}

const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(n|order|role|text|session)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
const isResult = (role: string) => /^tool .+ result$/.test(role);

/**
 * Codex's "retained source order" of each entry: its position among the entries that are not tool results (found by
 * capturing: the user message is 0, and each assistant message and tool call counts one).
 */
function sourceOrders(transcript: readonly TranscriptEntry[]): number[] {
  let next = 0;
  return transcript.map((e) => (isResult(e.role) ? -1 : next++));
}

/** The items of the user message Codex sends its reviewer; `.join("")` is the message text. */
export function reviewMessageItems(kit: RequestKit, input: ReviewMessageInput): string[] {
  const followUp = input.previousEntries !== undefined;
  if (followUp && !kit.followUp) throw new Error(`the request kit of Codex ${kit.codexVersion} has no follow-up review`);
  const orders = sourceOrders(input.transcript);
  const from = input.previousEntries ?? 0;
  const shown = input.transcript.map((e, i) => ({ ...e, i, order: orders[i] })).slice(from);
  const assistants = shown.filter((e) => e.role === "assistant");
  if (assistants.length > 0 && !kit.retainedEntry) throw new Error(`the request kit of Codex ${kit.codexVersion} has no retained assistant message`);
  const entries = shown.map((e, k) => {
    const body = e.role === "user" ? fill(kit.userEntry, { n: e.i + 1, order: e.order, text: e.text }) : fill(kit.entry, { n: e.i + 1, role: e.role, text: e.text });
    return (k > 0 ? kit.entrySeparator : "") + body;
  });
  return [
    followUp ? kit.followUp!.intro : kit.intro,
    kit.retainedStart,
    ...assistants.map((e) => fill(kit.retainedEntry!, { order: e.order, role: e.role, text: e.text })),
    kit.retainedEnd,
    followUp ? kit.followUp!.deltaStart : kit.transcriptStart,
    ...entries,
    followUp ? kit.followUp!.deltaEnd : kit.transcriptEnd,
    fill(kit.session, { session: input.sessionId }),
    ...kit.permissionContext,
    followUp ? kit.followUp!.actionLead : kit.actionLead,
    kit.requestStart,
    kit.assess,
    kit.plannedAction,
    input.actionJson + kit.actionSuffix,
    kit.requestEnd,
  ];
}

/** The transcript entries Codex keeps within its budgets (request.ts), as the kit prints them. */
export function retainedEntries(transcript: readonly TranscriptEntry[]): TranscriptEntry[] {
  return retainTranscript(transcript).entries.map(({ role, text }) => ({ role, text }));
}

/** The texts of a request's last user message (the review message), item by item. */
export function reviewMessageOf(body: { input?: unknown[] }): string[] {
  const users = (body.input ?? []).filter((i) => (i as { role?: string }).role === "user") as { content: { text?: string }[] }[];
  const last = users[users.length - 1];
  return last ? last.content.map((c) => c.text ?? "") : [];
}

/** The developer reminder Codex puts before a follow-up review's message. */
export function followUpReminderOf(body: { input?: unknown[] }): string | undefined {
  const items = (body.input ?? []) as { role?: string; content?: { text?: string }[] }[];
  const lastUser = items.map((i) => i.role).lastIndexOf("user");
  const before = items[lastUser - 1];
  return before?.role === "developer" ? before.content?.[0]?.text : undefined;
}

/**
 * Derives the kit from a first review (and optionally a follow-up) whose inputs are known: the transcript must hold a
 * user message and another entry (and an assistant message for `retainedEntry`). Throws when the request does not
 * have the expected shape, and checks that the kit composes the captured messages back exactly.
 */
export function requestKitFromCapture(
  codexVersion: string,
  first: { items: readonly string[]; input: ReviewMessageInput },
  followUp?: { items: readonly string[]; reminder: string; input: ReviewMessageInput },
): RequestKit {
  const { items, input } = first;
  const t = input.transcript;
  const orders = sourceOrders(t);
  const assistants = t.filter((e) => e.role === "assistant").length;
  const at = 4 + assistants; // intro, retained start, retained entries, retained end, transcript start
  const entryItems = items.slice(at, at + t.length);
  const userAt = t.findIndex((e) => e.role === "user");
  const otherAt = t.findIndex((e, i) => i > 0 && e.role !== "user");
  if (userAt !== 0 || otherAt < 0) throw new Error("the captured transcript needs a user message first and another entry");
  const separator = entryItems[1].slice(0, entryItems[1].indexOf(`[2] `));
  const strip = (s: string, k: number) => (k > 0 ? s.slice(separator.length) : s);
  const template = (s: string, pairs: [string, string][]) => {
    for (const [value, slot] of pairs) {
      if (!s.includes(value)) throw new Error(`the captured request lacks ${JSON.stringify(value)} where ${slot} goes`);
      s = s.replace(value, slot);
    }
    return s;
  };
  const user = t[userAt];
  const userEntry = template(strip(entryItems[userAt], userAt), [[`[${userAt + 1}] `, "[{n}] "], [`: ${orders[userAt]}\n`, ": {order}\n"], [`user: ${user.text}`, "user: {text}"]]);
  const other = t[otherAt];
  const entry = template(strip(entryItems[otherAt], otherAt), [[`[${otherAt + 1}] `, "[{n}] "], [`${other.role}: ${other.text}`, "{role}: {text}"]]);
  const assistantAt = t.findIndex((e) => e.role === "assistant");
  const retainedEntry =
    assistantAt >= 0 ? template(items[2], [[`: ${orders[assistantAt]}\n`, ": {order}\n"], [`assistant: ${t[assistantAt].text}`, "{role}: {text}"]]) : undefined;
  const after = at + t.length; // transcript end
  const tail = items.slice(after + 2); // after the session line: permission context, then the request block (6 items)
  const json = tail[tail.length - 2];
  if (!json.startsWith(input.actionJson)) throw new Error("the captured request does not hold the planned action JSON where expected");
  const kit: RequestKit = {
    codexVersion,
    intro: items[0],
    retainedStart: items[1],
    ...(retainedEntry ? { retainedEntry } : {}),
    retainedEnd: items[2 + assistants],
    transcriptStart: items[3 + assistants],
    transcriptEnd: items[after],
    entrySeparator: separator,
    userEntry,
    entry,
    session: template(items[after + 1], [[input.sessionId, "{session}"]]),
    permissionContext: tail.slice(0, -6),
    actionLead: tail[tail.length - 6],
    requestStart: tail[tail.length - 5],
    assess: tail[tail.length - 4],
    plannedAction: tail[tail.length - 3],
    actionSuffix: json.slice(input.actionJson.length),
    requestEnd: tail[tail.length - 1],
  };
  if (followUp) {
    const f = followUp.items;
    const deltaAssistants = followUp.input.transcript.slice(followUp.input.previousEntries).filter((e) => e.role === "assistant").length;
    const delta = followUp.input.transcript.length - (followUp.input.previousEntries ?? 0);
    const fAfter = 4 + deltaAssistants + delta;
    kit.followUp = { reminder: followUp.reminder, intro: f[0], deltaStart: f[3 + deltaAssistants], deltaEnd: f[fAfter], actionLead: f[f.length - 6] };
  }
  const check = (got: string[], want: readonly string[], what: string) => {
    const i = got.findIndex((s, k) => s !== want[k]);
    if (i >= 0 || got.length !== want.length) throw new Error(`the derived request kit does not compose the captured ${what} back (item ${i >= 0 ? i : got.length})`);
  };
  check(reviewMessageItems(kit, input), items, "first review");
  if (followUp) check(reviewMessageItems(kit, followUp.input), followUp.items, "follow-up review");
  return kit;
}

export function loadRequestKit(path: string, version: string): RequestKit | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const kit = JSON.parse(readFileSync(path, "utf8")) as RequestKit;
    return kit.codexVersion === version && typeof kit.userEntry === "string" ? kit : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The transcript Codex's reviewer sees, read from a request the agent sent its own model: the user's prompt, assistant
 * messages, tool calls (their raw arguments) and results, up to and including the tool call `uptoCallId`.
 */
export function transcriptFromAgentRequest(body: { input?: unknown[] }, prompt: string, uptoCallId: string): TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  const names = new Map<string, string>();
  for (const raw of body.input ?? []) {
    const it = raw as { type?: string; role?: string; content?: { text?: string }[]; name?: string; call_id?: string; arguments?: string; output?: string };
    if (it.type === "message" && (it.role === "user" || it.role === "assistant")) {
      const text = (it.content ?? []).map((c) => c.text ?? "").join("");
      if (it.role === "assistant" || text === prompt) out.push({ role: it.role, text });
    } else if (it.type === "function_call" && it.call_id && it.name) {
      names.set(it.call_id, it.name);
      out.push({ role: `tool ${it.name} call`, text: it.arguments ?? "" });
      if (it.call_id === uptoCallId) return out;
    } else if (it.type === "function_call_output" && it.call_id) {
      out.push({ role: `tool ${names.get(it.call_id) ?? "unknown"} result`, text: typeof it.output === "string" ? it.output : JSON.stringify(it.output) });
    }
  }
  throw new Error(`the agent's request has no tool call ${uptoCallId}`);
}

/** The planned action JSON of a captured review message (the item before the request's end). */
export function actionJsonOf(items: readonly string[]): string {
  return items[items.length - 2].replace(/\n$/, "");
}

/** A conversation captured by scripts/codex-prompt.ts: every request Codex sent, and what it was asked. */
export interface Conversation {
  requests: { review: boolean; body: { input?: unknown[] } }[];
  prompt: string;
  /** The reviewed tool calls, in order. */
  reviewed: string[];
}

/** The two reviews of a captured conversation with their known inputs. */
export function reviewsOf(c: Conversation) {
  const reviews = c.requests.filter((r) => r.review);
  const agent = c.requests.filter((r) => !r.review).at(-1)!.body;
  if (reviews.length < 2) throw new Error(`expected a first and a follow-up review, got ${reviews.length} review(s)`);
  const session = String((reviews[0].body as { prompt_cache_key?: string }).prompt_cache_key ?? "").replace(/^guardian:/, "");
  const [first, second] = reviews.map((r) => reviewMessageOf(r.body));
  const t1 = transcriptFromAgentRequest(agent, c.prompt, c.reviewed[0]);
  const t2 = transcriptFromAgentRequest(agent, c.prompt, c.reviewed[1]);
  return {
    first: { items: first, input: { transcript: t1, actionJson: actionJsonOf(first), sessionId: session } },
    followUp: { items: second, reminder: followUpReminderOf(reviews[1].body) ?? "", input: { transcript: t2, actionJson: actionJsonOf(second), sessionId: session, previousEntries: t1.length } },
  };
}
