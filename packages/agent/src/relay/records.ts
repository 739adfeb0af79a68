/*
 * Codex's OTLP log records → one decision per Auto-review, with secrets masked. Shared by the host relay and the
 * server's /v1/logs endpoint, so it uses nothing but the language: no imports, no Node APIs.
 *
 * What Codex sends (see tests/fixtures/codex-telemetry): per review a `codex.guardian_assessment` record (status,
 * outcome, risk, authorisation, rationale, review/turn/item ids, conversation.id, model), then `codex.tool_decision`
 * (source AutomatedReviewer) and `codex.tool_result` (the action's arguments) with the same conversation.id and the
 * item id as `call_id`. A review that fails is logged with status denied and no outcome.
 */

// ---------------------------------------------------------------------------------------------------------------
// OTLP: the parts of ExportLogsServiceRequest we read, from JSON (proto3 JSON mapping) or protobuf bytes.

export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };

export interface LogRecord {
  eventName: string;
  attributes: Record<string, AttrValue>;
  /** Resource attributes of the batch the record came in (host.name, service.version, ...). */
  resource: Record<string, AttrValue>;
  observedTimeUnixNano: string;
}

export class OtlpError extends Error {}

type Json = Record<string, unknown>;

function jsonAnyValue(v: unknown): AttrValue {
  if (!v || typeof v !== "object") return null;
  const o = v as Json;
  if ("stringValue" in o) return String(o.stringValue);
  if ("boolValue" in o) return Boolean(o.boolValue);
  if ("intValue" in o) return Number(o.intValue);
  if ("doubleValue" in o) return Number(o.doubleValue);
  if ("bytesValue" in o) return String(o.bytesValue);
  if ("arrayValue" in o) {
    const values = (o.arrayValue as Json | undefined)?.values;
    return Array.isArray(values) ? values.map(jsonAnyValue) : [];
  }
  if ("kvlistValue" in o) return jsonAttributes((o.kvlistValue as Json | undefined)?.values);
  return null;
}

function jsonAttributes(list: unknown): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (kv && typeof kv === "object" && typeof (kv as Json).key === "string") out[(kv as Json).key as string] = jsonAnyValue((kv as Json).value);
  }
  return out;
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Log records of an OTLP/HTTP JSON body (`resourceLogs` or the snake_case `resource_logs`). */
export function logsFromJson(body: unknown): LogRecord[] {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new OtlpError("The body is not an OTLP ExportLogsServiceRequest object.");
  const b = body as Json;
  const out: LogRecord[] = [];
  for (const rl of asArray(b.resourceLogs ?? b.resource_logs)) {
    const r = (rl ?? {}) as Json;
    const resource = jsonAttributes(((r.resource ?? {}) as Json).attributes);
    for (const sl of asArray(r.scopeLogs ?? r.scope_logs)) {
      for (const lr of asArray(((sl ?? {}) as Json).logRecords ?? ((sl ?? {}) as Json).log_records)) {
        const rec = (lr ?? {}) as Json;
        const attributes = jsonAttributes(rec.attributes);
        out.push({
          eventName: typeof attributes["event.name"] === "string" ? (attributes["event.name"] as string) : String(rec.eventName ?? ""),
          attributes,
          resource,
          observedTimeUnixNano: String(rec.observedTimeUnixNano ?? rec.timeUnixNano ?? "0"),
        });
      }
    }
  }
  return out;
}

/** A minimal protobuf reader: varints, length-delimited fields and fixed widths, which is all the logs messages use. */
class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly end = buf.length,
    start = 0,
  ) {
    this.pos = start;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw new OtlpError("Truncated protobuf varint.");
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
      if (shift > 63n) throw new OtlpError("Malformed protobuf varint.");
    }
  }
  /** Reads a tag; returns [fieldNumber, wireType]. */
  tag(): [number, number] {
    const t = Number(this.varint());
    return [t >>> 3, t & 7];
  }
  bytes(): [number, number] {
    const len = Number(this.varint());
    const start = this.pos;
    if (len < 0 || start + len > this.end) throw new OtlpError("Truncated protobuf field.");
    this.pos += len;
    return [start, start + len];
  }
  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw new OtlpError("Truncated protobuf fixed64.");
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(this.buf[this.pos + i]);
    this.pos += 8;
    return v;
  }
  skip(wire: number) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new OtlpError(`Unsupported protobuf wire type ${wire}.`);
    if (this.pos > this.end) throw new OtlpError("Truncated protobuf field.");
  }
  /** Calls `field` for each field of the message in [start, end). */
  static each(buf: Uint8Array, start: number, end: number, field: (no: number, wire: number, r: Reader) => void) {
    const r = new Reader(buf, end, start);
    while (r.pos < end) {
      const [no, wire] = r.tag();
      const before = r.pos;
      field(no, wire, r);
      if (r.pos === before) r.skip(wire);
    }
  }
}

const utf8 = new TextDecoder("utf-8");
const text = (buf: Uint8Array, [s, e]: [number, number]) => utf8.decode(buf.subarray(s, e));

function pbAnyValue(buf: Uint8Array, s: number, e: number): AttrValue {
  let value: AttrValue = null;
  Reader.each(buf, s, e, (no, wire, r) => {
    if (no === 1 && wire === 2) value = text(buf, r.bytes());
    else if (no === 2 && wire === 0) value = r.varint() !== 0n;
    else if (no === 3 && wire === 0) value = Number(BigInt.asIntN(64, r.varint()));
    else if (no === 4 && wire === 1) {
      const [b0] = [r.pos];
      r.pos += 8;
      value = new DataView(buf.buffer, buf.byteOffset + b0, 8).getFloat64(0, true);
    } else if (no === 5 && wire === 2) {
      const [as, ae] = r.bytes();
      const values: AttrValue[] = [];
      Reader.each(buf, as, ae, (n, w, rr) => {
        if (n === 1 && w === 2) {
          const [vs, ve] = rr.bytes();
          values.push(pbAnyValue(buf, vs, ve));
        }
      });
      value = values;
    } else if (no === 6 && wire === 2) {
      const [ks, ke] = r.bytes();
      value = pbKeyValues(buf, ks, ke, 1);
    } else if (no === 7 && wire === 2) {
      const [bs, be] = r.bytes();
      value = Array.from(buf.subarray(bs, be), (x) => x.toString(16).padStart(2, "0")).join("");
    }
  });
  return value;
}

/** Reads the repeated KeyValue field `fieldNo` of the message in [s, e). */
function pbKeyValues(buf: Uint8Array, s: number, e: number, fieldNo: number): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  Reader.each(buf, s, e, (no, wire, r) => {
    if (no !== fieldNo || wire !== 2) return;
    const [ks, ke] = r.bytes();
    let key = "";
    let value: AttrValue = null;
    Reader.each(buf, ks, ke, (n, w, rr) => {
      if (n === 1 && w === 2) key = text(buf, rr.bytes());
      else if (n === 2 && w === 2) {
        const [vs, ve] = rr.bytes();
        value = pbAnyValue(buf, vs, ve);
      }
    });
    out[key] = value;
  });
  return out;
}

/** Log records of an OTLP/HTTP protobuf body (opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest). */
export function logsFromProtobuf(buf: Uint8Array): LogRecord[] {
  const out: LogRecord[] = [];
  try {
    Reader.each(buf, 0, buf.length, (no, wire, r) => {
      if (no !== 1 || wire !== 2) return; // resource_logs
      const [rs, re] = r.bytes();
      let resource: Record<string, AttrValue> = {};
      const scopes: [number, number][] = [];
      Reader.each(buf, rs, re, (n, w, rr) => {
        if (n === 1 && w === 2) {
          const [s, e] = rr.bytes();
          resource = pbKeyValues(buf, s, e, 1);
        } else if (n === 2 && w === 2) scopes.push(rr.bytes());
      });
      for (const [ss, se] of scopes) {
        Reader.each(buf, ss, se, (n, w, rr) => {
          if (n !== 2 || w !== 2) return; // log_records
          const [ls, le] = rr.bytes();
          let eventName = "";
          let observed = 0n;
          let time = 0n;
          const attributes = pbKeyValues(buf, ls, le, 6);
          Reader.each(buf, ls, le, (f, fw, lr) => {
            if (f === 12 && fw === 2) eventName = text(buf, lr.bytes());
            else if (f === 11 && fw === 1) observed = lr.fixed64();
            else if (f === 1 && fw === 1) time = lr.fixed64();
          });
          out.push({
            eventName: typeof attributes["event.name"] === "string" ? (attributes["event.name"] as string) : eventName,
            attributes,
            resource,
            observedTimeUnixNano: String(observed || time),
          });
        });
      }
    });
  } catch (err) {
    if (err instanceof OtlpError) throw err;
    throw new OtlpError("The body is not a valid OTLP protobuf ExportLogsServiceRequest.");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Decisions

export const DECISION_STATUSES = ["allow", "deny", "failed", "timed_out"] as const;
export type DecisionStatus = (typeof DECISION_STATUSES)[number];

export interface MaskedField {
  /** Where in the decision, e.g. "arguments.cmd" or "rationale". */
  path: string;
  /** The rule that matched, e.g. "openai-key" or "json-path:arguments.env.TOKEN". */
  rule: string;
  count: number;
}

/** One Auto-review as the relay uploads it (one NDJSON line) and as Charter stores it. */
export interface Decision {
  /** Codex's review.id: the idempotency key of the record. */
  id: string;
  occurredAt: string;
  conversationId: string;
  callId: string;
  turnId: string | null;
  status: DecisionStatus;
  /** Codex's own words: status (approved | denied | ...) and outcome (allow | deny | absent). */
  codexStatus: string;
  outcome: string | null;
  riskLevel: string | null;
  userAuthorization: string | null;
  rationale: string;
  rationaleTruncated: boolean;
  durationMs: number | null;
  /** shell | exec_command | apply_patch | network_access | mcp_tool_call | request_permissions | another tool name. */
  kind: string;
  toolName: string | null;
  toolNamespace: string | null;
  mcpServer: string | null;
  /** The action's arguments as Codex logged them (parsed JSON when they parse), masked. */
  arguments: unknown;
  /** Whether the action ran successfully afterwards; null when Codex did not report it. */
  toolSuccess: boolean | null;
  model: string | null;
  codexVersion: string | null;
  originator: string | null;
  hostName: string | null;
  policyVersion: number | null;
  masked: MaskedField[];
  /** The exact request the reviewer read, from its session file (only when the org asks for full replay fidelity). */
  reviewRequest?: string | null;
}

const str = (v: AttrValue | undefined): string | null => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null);
const num = (v: AttrValue | undefined): number | null => {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};
const bool = (v: AttrValue | undefined): boolean | null => (v === true || v === "true" ? true : v === false || v === "false" ? false : null);

/** Our status from Codex's: an outcome decides; no outcome means the review itself failed and Codex failed closed. */
export function decisionStatus(codexStatus: string, outcome: string | null): DecisionStatus {
  const s = codexStatus.toLowerCase();
  if (s.includes("timed_out") || s.includes("timeout")) return "timed_out";
  if (outcome === "allow") return "allow";
  if (outcome === "deny") return "deny";
  return "failed";
}

function kindOf(toolName: string | null, mcpServer: string | null): string {
  if (mcpServer) return "mcp_tool_call";
  return toolName ?? "unknown";
}

function parseArguments(raw: string | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export const GUARDIAN_EVENT = "codex.guardian_assessment";
export const TOOL_DECISION_EVENT = "codex.tool_decision";
export const TOOL_RESULT_EVENT = "codex.tool_result";
const JOINED_EVENTS = new Set([GUARDIAN_EVENT, TOOL_DECISION_EVENT, TOOL_RESULT_EVENT]);

/** True for the records the joiner needs; everything else Codex logs (prompts, SSE events) is dropped at once. */
export const isDecisionRecord = (r: LogRecord) => JOINED_EVENTS.has(r.eventName);

const joinKey = (r: LogRecord, id: AttrValue | undefined) => `${str(r.attributes["conversation.id"]) ?? ""}\u0000${str(id) ?? ""}`;

function toDecision(assessment: LogRecord, result: LogRecord | undefined, context: { policyVersion?: number | null; hostName?: string | null }): Decision {
  const a = assessment.attributes;
  const t = result?.attributes ?? {};
  const codexStatus = str(a.status) ?? "";
  const outcome = str(a.outcome);
  const started = num(a.started_at_ms);
  const completed = num(a.completed_at_ms);
  const observedMs = Number(BigInt(assessment.observedTimeUnixNano || "0") / 1_000_000n);
  const at = str(a["event.timestamp"]) ?? (completed ? new Date(completed).toISOString() : new Date(observedMs || 0).toISOString());
  const toolName = str(t.tool_name);
  const mcpServer = str(t.mcp_server);
  return {
    id: str(a["review.id"]) ?? `${str(a["conversation.id"])}:${str(a["item.id"])}`,
    occurredAt: new Date(at).toISOString(),
    conversationId: str(a["conversation.id"]) ?? "",
    callId: str(a["item.id"]) ?? "",
    turnId: str(a["turn.id"]),
    status: decisionStatus(codexStatus, outcome),
    codexStatus,
    outcome,
    riskLevel: str(a.risk_level),
    userAuthorization: str(a.user_authorization),
    rationale: typeof a.rationale === "string" ? a.rationale : "",
    rationaleTruncated: bool(a.rationale_truncated) ?? false,
    durationMs: started !== null && completed !== null ? completed - started : null,
    kind: kindOf(toolName, mcpServer),
    toolName,
    toolNamespace: str(t.tool_namespace),
    mcpServer,
    arguments: parseArguments(typeof t.arguments === "string" ? t.arguments : null),
    toolSuccess: result ? bool(t.success) : null,
    model: str(a.model) ?? str(a.slug),
    codexVersion: str(a["app.version"]) ?? str(assessment.resource["service.version"]),
    originator: str(a.originator),
    hostName: context.hostName ?? str(assessment.resource["host.name"]),
    policyVersion: context.policyVersion ?? null,
    masked: [],
  };
}

/**
 * Joins records that may arrive over several batches. An assessment waits for its tool result (the action's arguments)
 * at most `holdMs`; then it is emitted without them. Tool records of calls no reviewer assessed are forgotten after the
 * same time. State is plain data (`snapshot`/`restore`) so the relay can keep it across restarts.
 */
export class Joiner {
  private assessments = new Map<string, { record: LogRecord; at: number }>();
  private results = new Map<string, { record: LogRecord; at: number }>();

  constructor(private readonly opts: { holdMs?: number; policyVersion?: () => number | null; hostName?: string | null } = {}) {}

  /** Adds records; returns the decisions that are complete now. */
  add(records: LogRecord[], now = Date.now()): Decision[] {
    const done: Decision[] = [];
    for (const r of records) {
      if (r.eventName === GUARDIAN_EVENT) {
        const key = joinKey(r, r.attributes["item.id"]);
        const result = this.results.get(key);
        if (result) {
          this.results.delete(key);
          done.push(this.finish(r, result.record));
        } else this.assessments.set(key, { record: r, at: now });
      } else if (r.eventName === TOOL_RESULT_EVENT) {
        const key = joinKey(r, r.attributes.call_id);
        const waiting = this.assessments.get(key);
        if (waiting) {
          this.assessments.delete(key);
          done.push(this.finish(waiting.record, r));
        } else this.results.set(key, { record: r, at: now });
      }
      // codex.tool_decision repeats the outcome and names the source; the assessment already carries both.
    }
    return done;
  }

  /** Decisions whose tool result did not come within the hold time (all of them with `all`). */
  flush(now = Date.now(), all = false): Decision[] {
    const hold = this.opts.holdMs ?? 120_000;
    const done: Decision[] = [];
    for (const [key, { record, at }] of this.assessments) {
      if (all || now - at >= hold) {
        this.assessments.delete(key);
        done.push(this.finish(record, undefined));
      }
    }
    for (const [key, { at }] of this.results) if (all || now - at >= hold) this.results.delete(key);
    return done;
  }

  get pending(): number {
    return this.assessments.size;
  }

  snapshot(): { assessments: [string, { record: LogRecord; at: number }][]; results: [string, { record: LogRecord; at: number }][] } {
    return { assessments: [...this.assessments], results: [...this.results] };
  }

  restore(state: ReturnType<Joiner["snapshot"]>) {
    this.assessments = new Map(state.assessments);
    this.results = new Map(state.results);
  }

  private finish(assessment: LogRecord, result: LogRecord | undefined): Decision {
    return toDecision(assessment, result, { policyVersion: this.opts.policyVersion?.() ?? null, hostName: this.opts.hostName ?? null });
  }
}

/** Joins one self-contained set of records (e.g. one /v1/logs request): assessments without a result are kept too. */
export function joinRecords(records: LogRecord[], context: { policyVersion?: number | null } = {}): Decision[] {
  const joiner = new Joiner({ policyVersion: () => context.policyVersion ?? null });
  return [...joiner.add(records, 0), ...joiner.flush(0, true)];
}

// ---------------------------------------------------------------------------------------------------------------
// Masking: secrets are replaced before anything leaves the host; the decision lists what was masked, never the value.

export interface MaskRules {
  /** Extra patterns of the org: name and a JavaScript regular expression source (matched globally). */
  patterns?: { name: string; pattern: string }[];
  /** Dotted paths into the decision whose whole value is masked, e.g. "arguments.env.API_KEY"; `*` matches any key. */
  jsonPaths?: string[];
}

/**
 * Common token formats masked for every org. `needs`: text every match contains (a regular expression without
 * lookaround). One scan for any of them tells that no default pattern can match a string, which is nearly every string;
 * each pattern's own is tested before it runs, because the patterns with a lookbehind cost several times more.
 */
export const DEFAULT_MASK_PATTERNS: { name: string; pattern: string; needs: string }[] = [
  { name: "private-key", pattern: "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----", needs: "-----BEGIN " },
  { name: "openai-key", pattern: "\\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}", needs: "sk-" },
  { name: "anthropic-key", pattern: "\\bsk-ant-[A-Za-z0-9_-]{20,}", needs: "sk-ant-" },
  { name: "github-token", pattern: "\\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})", needs: "gh[pousr]_|github_pat_" },
  { name: "gitlab-token", pattern: "\\bglpat-[A-Za-z0-9_-]{20,}", needs: "glpat-" },
  { name: "aws-access-key", pattern: "\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b", needs: "AKIA|ASIA" },
  { name: "slack-token", pattern: "\\bxox[abposr]-[A-Za-z0-9-]{10,}", needs: "xox[abposr]-" },
  { name: "google-api-key", pattern: "\\bAIza[0-9A-Za-z_-]{35}", needs: "AIza" },
  { name: "stripe-key", pattern: "\\b[rs]k_(?:live|test)_[A-Za-z0-9]{20,}", needs: "k_(?:live|test)_" },
  { name: "charter-token", pattern: "\\bch[atk]_[A-Za-z0-9_-]{30,}", needs: "ch[atk]_" },
  { name: "jwt", pattern: "\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}", needs: "eyJ" },
  { name: "bearer", pattern: "(?<=\\b[Bb]earer\\s+)[A-Za-z0-9._~+/=-]{16,}", needs: "earer" },
  { name: "url-password", pattern: "(?<=://[^/\\s:@]{1,64}:)[^@\\s/]{3,}(?=@)", needs: "://" },
  {
    name: "secret-assignment",
    pattern: "(?<=\\b[A-Za-z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|APIKEY|ACCESS_KEY)[A-Za-z0-9_]*\\s*[=:]\\s*[\"']?)[^\\s\"'&;]{4,}",
    needs: "PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|APIKEY|ACCESS_KEY",
  },
];

export const MASK = (rule: string) => `[masked:${rule}]`;

interface CompiledRules {
  patterns: { name: string; re: RegExp; needs: RegExp | null; isDefault: boolean }[];
  paths: string[][];
}

/** Matches every string in which some default pattern could match (each match contains that pattern's `needs`). */
const ANY_DEFAULT_NEEDS = new RegExp(DEFAULT_MASK_PATTERNS.map((p) => p.needs).join("|"));

const compiled = new WeakMap<MaskRules, CompiledRules>();
const NO_RULES: MaskRules = {};

function compile(rules: MaskRules): CompiledRules {
  let c = compiled.get(rules);
  if (!c) {
    c = {
      patterns: [
        ...DEFAULT_MASK_PATTERNS.map((p) => ({ name: p.name, re: new RegExp(p.pattern, "g"), needs: new RegExp(p.needs), isDefault: true })),
        ...(rules.patterns ?? []).map((p) => ({ name: p.name, re: new RegExp(p.pattern, "g"), needs: null, isDefault: false })),
      ],
      paths: (rules.jsonPaths ?? []).map((p) => p.split(".")),
    };
    compiled.set(rules, c);
  }
  return c;
}

/** Checks an org's rules compile; returns a message per bad rule (empty when all are usable). */
export function checkMaskRules(rules: MaskRules): string[] {
  const problems: string[] = [];
  for (const p of rules.patterns ?? []) {
    try {
      new RegExp(p.pattern, "g");
      if (new RegExp(p.pattern, "g").test("")) problems.push(`Pattern "${p.name}" matches the empty string.`);
    } catch (err) {
      problems.push(`Pattern "${p.name}" is not a valid regular expression: ${(err as Error).message}`);
    }
  }
  for (const path of rules.jsonPaths ?? []) if (!/^[^.\s]+(\.[^.\s]+)*$/.test(path)) problems.push(`JSON path "${path}" is not a dotted path.`);
  return problems;
}

function maskString(value: string, path: string, c: CompiledRules, found: Map<string, MaskedField>): string {
  let out = value;
  const defaults = ANY_DEFAULT_NEEDS.test(value);
  for (const { name, re, needs, isDefault } of c.patterns) {
    if (isDefault && !defaults) continue;
    if (needs && !needs.test(out)) continue;
    re.lastIndex = 0;
    if (!re.test(out)) continue;
    re.lastIndex = 0;
    let count = 0;
    out = out.replace(re, () => {
      count++;
      return MASK(name);
    });
    const key = `${path}\u0000${name}`;
    const prev = found.get(key);
    if (prev) prev.count += count;
    else found.set(key, { path, rule: name, count });
  }
  return out;
}

/** The value with its strings masked; the very same value (not a copy) when nothing in it was masked. */
function maskValue(value: unknown, path: string, c: CompiledRules, found: Map<string, MaskedField>): unknown {
  if (typeof value === "string") return maskString(value, path, c, found);
  if (Array.isArray(value)) {
    const out = value.map((v, i) => maskValue(v, `${path}.${i}`, c, found));
    return out.some((v, i) => v !== value[i]) ? out : value;
  }
  if (value && typeof value === "object") {
    let out: Record<string, unknown> | null = null;
    for (const [k, v] of Object.entries(value)) {
      const masked = maskValue(v, `${path}.${k}`, c, found);
      if (masked !== v) (out ??= { ...value })[k] = masked;
    }
    return out ?? value;
  }
  return value;
}

function maskPath(target: Record<string, unknown>, parts: string[], done: string[], found: Map<string, MaskedField>, rule: string) {
  const [head, ...rest] = parts;
  const keys = head === "*" ? Object.keys(target) : Object.prototype.hasOwnProperty.call(target, head) ? [head] : [];
  for (const key of keys) {
    const here = [...done, key];
    if (rest.length === 0) {
      if (target[key] === null || target[key] === undefined) continue;
      target[key] = MASK("json-path");
      found.set(`${here.join(".")}\u0000${rule}`, { path: here.join("."), rule, count: 1 });
    } else if (target[key] && typeof target[key] === "object") {
      maskPath(target[key] as Record<string, unknown>, rest, here, found, rule);
    }
  }
}

/**
 * The decision with secrets replaced in its rationale and arguments, and `masked` listing where and by which rule; the
 * decision itself (not a copy) when nothing in it is masked.
 */
export function maskDecision<T extends Decision>(decision: T, rules: MaskRules = NO_RULES): T {
  const c = compile(rules);
  const found = new Map<string, MaskedField>();
  for (const m of decision.masked) found.set(`${m.path}\u0000${m.rule}`, { ...m });
  let rationale = decision.rationale;
  let args = decision.arguments;
  // JSON paths first, so a value masked by path is not also counted by a pattern.
  if (c.paths.length) {
    const holder = { arguments: structuredCloneJson(args), rationale } as Record<string, unknown>;
    for (const parts of c.paths) maskPath(holder, parts, [], found, `json-path:${parts.join(".")}`);
    args = holder.arguments;
    rationale = String(holder.rationale);
  }
  rationale = maskString(rationale, "rationale", c, found);
  args = maskValue(args, "arguments", c, found);
  const request = typeof decision.reviewRequest === "string" ? maskString(decision.reviewRequest, "reviewRequest", c, found) : null;
  // Nothing masked, now or before: the decision itself, as the values inside it are copied only when they change.
  if (!found.size) return decision;
  const out = { ...decision, rationale, arguments: args, masked: [...found.values()] };
  if (request !== null) out.reviewRequest = request;
  return out;
}

function structuredCloneJson(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}
