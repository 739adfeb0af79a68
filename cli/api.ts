import { readFileSync } from "node:fs";
import { parseCommand } from "./args";
import type { AnyOperation } from "../lib/ops/define";
import type { CliIO, Command } from "./main";

/*
 * The admin API from a shell, derived from the operations registry (lib/ops): `charter api OP` calls operation OP's
 * HTTP route, checks the input against its input schema before sending and the answer against its declared output
 * schema, so nothing here repeats an operation. The pipeline verbs (`charter group`, `charter change`, `charter draft`,
 * `charter publish`) are thin: each names an operation and builds its input.
 */

const CONNECTION = "--server URL (or CHARTER_SERVER) --org SLUG, admin API token in CHARTER_TOKEN";
const API_USAGE =
  "usage: charter api OP [FIELD=TEXT | FIELD:=JSON | FIELD=@FILE …] [--input JSON|@FILE] [--json]   (" + CONNECTION + ")\n" +
  "       charter api --list   every operation: name, method and path, summary";

export interface Target {
  server: string;
  org: string | undefined;
  token: string;
}

/** What an operation answered: its output (already checked against the declared schema), or the error it gave. */
export type Answer = { ok: true; body: unknown; text: string } | { ok: false; status: number; code: string; message: string };

async function operations(): Promise<readonly AnyOperation[]> {
  return (await import("../lib/ops")).OPERATIONS;
}

export async function findOperation(name: string): Promise<AnyOperation | { unknown: string }> {
  const ops = await operations();
  const op = ops.find((o) => o.name === name);
  if (op) return op;
  const near = ops.map((o) => ({ name: o.name, d: distance(name, o.name) })).filter((o) => o.d <= 4).sort((a, b) => a.d - b.d).slice(0, 3).map((o) => o.name);
  return { unknown: `unknown operation "${name}"${near.length ? ` (did you mean: ${near.join(", ")}?)` : " (charter api --list names them all)"}` };
}

/** Edit distance, for suggesting the operation a typo meant. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** Refusals in the one error vocabulary's words (lib/errors.ts): "path: message" of the first failed field. */
function firstIssue(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const i = issues[0];
  return i ? `${i.path.map(String).join(".") || "body"}: ${i.message}` : "Invalid input";
}

/**
 * Calls one operation over HTTP: path fields fill the route, the header field (a draft's revision) its header, a
 * TOML body its text; the rest goes in the query (GET, DELETE) or the JSON body. The input is checked first, so a
 * bad field is named without a round trip; the server checks it again.
 */
export async function callOperation(op: AnyOperation, input: Record<string, unknown>, target: Target): Promise<Answer> {
  const checked = op.input.safeParse(input);
  if (!checked.success) return { ok: false, status: 422, code: "validation_failed", message: firstIssue(checked.error.issues) };
  const rest: Record<string, unknown> = { ...input };
  let problem: string | null = null;
  const path = op.http.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name === "org") {
      if (!target.org) problem = "--org is required";
      return encodeURIComponent(target.org ?? "");
    }
    const value = rest[name];
    delete rest[name];
    return encodeURIComponent(String(value));
  });
  if (problem) return { ok: false, status: 0, code: "usage", message: problem };
  const headers: Record<string, string> = { authorization: `Bearer ${target.token}`, accept: "application/json" };
  if (op.http.header && rest[op.http.header.field] !== undefined) {
    headers[op.http.header.name] = `"${String(rest[op.http.header.field])}"`;
    delete rest[op.http.header.field];
  }
  const url = new URL(target.server.replace(/\/$/, "") + path);
  let body: string | undefined;
  if (op.http.method === "GET" || op.http.method === "DELETE") {
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) url.searchParams.set(k, typeof v === "string" ? v : JSON.stringify(v));
  } else if (op.http.body === "toml") {
    headers["content-type"] = "application/toml";
    body = String(rest.toml ?? "");
  } else {
    headers["content-type"] = "application/json";
    body = JSON.stringify(rest);
  }
  let res: Response;
  try {
    res = await fetch(url, { method: op.http.method, headers, body, signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    return { ok: false, status: 0, code: "unreachable", message: `cannot reach ${target.server}: ${(err as Error).message}` };
  }
  const text = await res.text();
  const json = (res.headers.get("content-type") ?? "").includes("json") ? parseJson(text) : undefined;
  if (!res.ok) {
    const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    return { ok: false, status: res.status, code: error?.code ?? String(res.status), message: error?.message ?? `${res.status} ${res.statusText}` };
  }
  if (json === undefined) return { ok: true, body: text, text }; // a download or TOML: as it came
  const out = op.output.safeParse(json);
  if (!out.success) {
    return { ok: false, status: res.status, code: "bad_response", message: `the answer does not match ${op.name}'s declared output: ${firstIssue(out.error.issues)}` };
  }
  return { ok: true, body: json, text };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Where to send requests, from the shared options and the environment; a sentence naming what is missing otherwise. */
export function targetOf(values: { server?: string; org?: string }): Target | string {
  const server = values.server ?? process.env.CHARTER_SERVER;
  const token = process.env.CHARTER_TOKEN;
  if (!server) return "--server is required (or CHARTER_SERVER)";
  if (!/^https?:\/\//.test(server)) return `--server must be an http(s) URL, got "${server}"`;
  if (!token) return "CHARTER_TOKEN is not set (an admin API token, see charter token create)";
  return { server, org: values.org, token };
}

/** Reads `@FILE` as the file's text; anything else is itself. */
export function textOrFile(value: string): string {
  return value.startsWith("@") ? readFileSync(value.slice(1), "utf8") : value;
}

/** `FIELD=TEXT`, `FIELD:=JSON`, `FIELD=@FILE` (the file's text) and `--input JSON|@FILE` → one input object. */
export function inputOf(fields: string[], whole: string | undefined): Record<string, unknown> {
  let input: Record<string, unknown> = {};
  if (whole !== undefined) {
    const text = textOrFile(whole);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new Error(`--input is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("--input must be a JSON object");
    input = value as Record<string, unknown>;
  }
  for (const f of fields) {
    const m = /^([\w.-]+)(:?=)([\s\S]*)$/.exec(f);
    if (!m) throw new Error(`"${f}" is not FIELD=TEXT, FIELD:=JSON or FIELD=@FILE`);
    const [, name, op, raw] = m;
    if (op === ":=") {
      try {
        input[name] = JSON.parse(textOrFile(raw));
      } catch (err) {
        throw new Error(`${name}:= is not valid JSON: ${(err as Error).message}`, { cause: err });
      }
    } else input[name] = textOrFile(raw);
  }
  return input;
}

/** Prints an answer: the JSON (one line with --json, else indented) or the text; the error's message on stderr. */
export function printAnswer(answer: Answer, io: CliIO, prefix: string, json: boolean | undefined, describe?: (body: never) => string): number {
  if (!answer.ok) {
    io.err(`${prefix}: ${answer.message}${answer.code !== "usage" && answer.code !== "unreachable" ? ` (${answer.code})` : ""}`);
    return answer.code === "usage" || answer.code === "unreachable" ? 2 : 1;
  }
  if (typeof answer.body === "string") io.out(answer.body.replace(/\n$/, ""));
  else if (json || !describe) io.out(JSON.stringify(answer.body, null, json ? undefined : 2));
  else io.out(describe(answer.body as never));
  return 0;
}

/**
 * `charter api OP …`: calls any operation. Exit 0 with its output, 1 when Charter refuses (the error's message and
 * code on stderr) or answers something the operation does not declare, 2 on usage errors (unknown operation, bad JSON,
 * missing options, server unreachable).
 */
export const apiCommand: Command = async (args, io) => {
  const parsed = parseCommand(args, io, "charter api", API_USAGE, { server: { type: "string" }, org: { type: "string" }, input: { type: "string" }, json: { type: "boolean" }, list: { type: "boolean" } });
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  if (values.list) {
    for (const op of await operations()) io.out(`${op.name.padEnd(36)} ${op.http.method.padEnd(6)} ${op.http.path}   ${op.summary}`);
    return 0;
  }
  const [name, ...fields] = positionals;
  if (!name) {
    io.err(`charter api: name an operation\n${API_USAGE}`);
    return 2;
  }
  const op = await findOperation(name);
  if ("unknown" in op) {
    io.err(`charter api: ${op.unknown}`);
    return 2;
  }
  let input: Record<string, unknown>;
  try {
    input = inputOf(fields, values.input);
  } catch (err) {
    io.err(`charter api: ${(err as Error).message}`);
    return 2;
  }
  const target = targetOf(values);
  if (typeof target === "string") {
    io.err(`charter api: ${target}\n${API_USAGE}`);
    return 2;
  }
  return printAnswer(await callOperation(op, input, target), io, `charter api ${op.name}`, values.json);
};
