import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { pgPoolOf, type Db } from "../db";
import { inBackground } from "../background";
import { AppError } from "../errors";
import { hashSecret, looksLikeSecret } from "../crypto/tokens";
import { AGENT_TOKEN_PREFIX } from "../agents";
import { OtlpError, isDecisionRecord, joinRecords, logsFromJson, logsFromProtobuf, maskDecision, type MaskRules } from "../../packages/agent/src/relay/records";
import { INGEST_LIMITS, decisionLineSchema, plainDecisionLineTime, type DecisionLine } from "./schemas";
import { DEFAULT_RETENTION_DAYS, purgeExpiredDecisions, storeCanonicalDecisions, type DecisionOrigin } from "./storage";
import { INGEST_KEY_PREFIX } from "./keys";
import { readSettings } from "./settings";
import { decisionAlertLoop } from "./alerts";

/*
 * The two ways decisions come in: the host relay's gzip NDJSON batches (host token) and OTLP/HTTP logs straight from
 * Codex or an org's collector (write-only ingest key). Both end in storeDecisions, masked with the org's rules.
 */

export interface RejectedLine {
  line: number;
  id?: string;
  reason: string;
}

export interface IngestResult {
  batchId: string | null;
  received: number;
  stored: number;
  duplicates: number;
  rejected: RejectedLine[];
  /** The org's masking rules, so the relay masks with them before the next upload. */
  masking: MaskRules;
}

/** Reads a body up to `limit` bytes; 413 past it, without reading the rest. */
export async function readBody(req: Request, limit = INGEST_LIMITS.bodyBytes): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw new AppError("payload_too_large", `The body is larger than ${limit} bytes; send smaller batches.`);
  if (!req.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new AppError("payload_too_large", `The body is larger than ${limit} bytes; send smaller batches.`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

const gunzipAsync = promisify(gunzip);

/**
 * Undoes Content-Encoding gzip (bounded, so a small bomb cannot become gigabytes); identity passes through. Inflates on
 * libuv's thread pool, beside the event loop that validates the previous batch.
 */
export async function decodeBody(raw: Buffer, encoding: string | null): Promise<Buffer> {
  const enc = (encoding ?? "identity").trim().toLowerCase();
  if (enc === "identity" || enc === "") return raw;
  if (enc !== "gzip") throw new AppError("bad_request", `Content-Encoding "${enc}" is not supported; use gzip or none.`);
  try {
    return await gunzipAsync(raw, { maxOutputLength: INGEST_LIMITS.inflatedBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || /Cannot create a Buffer larger/.test(String(err)))
      throw new AppError("payload_too_large", `The decompressed body is larger than ${INGEST_LIMITS.inflatedBytes} bytes; send smaller batches.`);
    throw new AppError("bad_request", "The body is not valid gzip.");
  }
}

// Under load the endpoints answer 429 with Retry-After instead of queueing without bound.
export function maxInFlight(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.CHARTER_DECISIONS_MAX_INFLIGHT || 8);
  return Number.isInteger(n) && n > 0 ? n : 8;
}
export const RETRY_AFTER_SECONDS = 2;

/** Batches being stored by this process; past maxInFlight() new ones are refused with 429. */
export const ingestSlots = {
  used: 0,
  tryAcquire(): boolean {
    if (this.used >= maxInFlight()) return false;
    this.used++;
    return true;
  },
  release() {
    this.used = Math.max(0, this.used - 1);
  },
};

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (!ingestSlots.tryAcquire()) throw new AppError("rate_limited", `Charter is busy storing decisions; retry in ${RETRY_AFTER_SECONDS} s.`);
  try {
    return await work();
  } finally {
    ingestSlots.release();
  }
}

let lastPurge = 0;
/** Retention runs from the ingest path at most once an hour per process, after the response's work is done. */
function purgeNowAndThen(db: Db) {
  decisionAlertLoop(db);
  if (Date.now() - lastPurge < 3_600_000) return;
  lastPurge = Date.now();
  void inBackground(purgeExpiredDecisions(db).catch((err) => console.error("[charter] decision retention failed:", err)));
}

const bearer = (req: Request) => /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? null;

interface OrgRules {
  mask: MaskRules;
  retentionDays: number;
}

type StoredRules = { maskPatterns: unknown; maskJsonPaths: string[] | null; retentionDays: number | null } | null;

const rulesOf = (s: StoredRules): OrgRules => ({
  mask: { patterns: (s?.maskPatterns as { name: string; pattern: string }[] | null | undefined) ?? [], jsonPaths: s?.maskJsonPaths ?? [] },
  retentionDays: s?.retentionDays ?? DEFAULT_RETENTION_DAYS,
});

async function orgRules(db: Db, orgId: string): Promise<OrgRules> {
  return rulesOf(await db.decisionSetting.findUnique({ where: { orgId }, select: { maskPatterns: true, maskJsonPaths: true, retentionDays: true } }));
}

// A host's token and its org's decision rules in one round trip, straight through the pg driver when the client has
// one: it runs once per batch, and Prisma's query planning cost more than the query.
const HOST_TOKEN_SQL = `SELECT t.id, t."orgId", t."group", t."revokedAt", s."maskPatterns", s."maskJsonPaths", s."retentionDays"
  FROM "AgentToken" t LEFT JOIN "DecisionSetting" s ON s."orgId" = t."orgId" WHERE t."tokenHash" = $1`;
type HostTokenRow = { id: string; orgId: string; group: string | null; revokedAt: Date | null; maskPatterns: unknown; maskJsonPaths: string[] | null; retentionDays: number | null };

async function hostToken(db: Db, secret: string): Promise<{ id: string; orgId: string; group: string | null; rules: OrgRules } | null> {
  const pool = pgPoolOf(db);
  const values = [hashSecret(secret)];
  const [row] = pool
    ? (await pool.query<HostTokenRow>({ name: "charter-decision-host-token", text: HOST_TOKEN_SQL, values })).rows
    : await db.$queryRawUnsafe<HostTokenRow[]>(HOST_TOKEN_SQL, ...values);
  if (!row || row.revokedAt) return null;
  return { id: row.id, orgId: row.orgId, group: row.group, rules: rulesOf(row) };
}

// PostgreSQL text holds neither NUL nor half a surrogate pair; JSON can spell both (\u0000, a lone \ud83d).
const ESCAPES_POSTGRES_REFUSES = /\\u(?:0000|[dD][89a-fA-F])/;

function unstorableText(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\0") || !(value as string & { isWellFormed(): boolean }).isWellFormed();
  if (Array.isArray(value)) return value.some(unstorableText);
  if (value && typeof value === "object") return Object.values(value).some(unstorableText);
  return false;
}

// JSON.stringify of a parsed value is at most about 5.25 times its source text (a number like 9e20 grows the most), so
// the arguments of a line this short cannot outgrow INGEST_LIMITS.lineBytes and need not be measured.
const ARGUMENTS_FIT = Math.floor(INGEST_LIMITS.lineBytes / 6);

/** The id a refused line names, for its reason. */
const idOf = (value: unknown) => (value && typeof value === "object" && typeof (value as { id?: unknown }).id === "string" ? (value as { id: string }).id.slice(0, 200) : undefined);

/**
 * Validates one decision; returns the reason it cannot be stored, or the masked line with its time in canonical UTC
 * (the key's own precision, so a re-sent record meets its stored twin). `raw`: the NDJSON line's text, whose length
 * bounds the arguments' and whose escapes tell whether to look for text PostgreSQL cannot store; null: check all.
 */
function checkLine(value: unknown, rules: OrgRules, now: number, raw: string | null = null): { ok: DecisionLine } | { reason: string; id?: string } {
  // The common line passes the quick check; anything else gets the schema's full parse and its reasons.
  let at = plainDecisionLineTime(value);
  let line = value as DecisionLine;
  if (at !== at) {
    const parsed = decisionLineSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.join(".");
      return { reason: issue.code === "unrecognized_keys" ? `unknown field(s): ${issue.keys.join(", ")}` : `${where || "line"}: ${issue.message}`, id: idOf(value) };
    }
    at = Date.parse(parsed.data.occurredAt);
    line = { ...parsed.data, occurredAt: new Date(at).toISOString() };
  }
  if (at > now + 86_400_000) return { reason: "occurredAt is more than a day in the future", id: idOf(value) };
  if (at < now - rules.retentionDays * 86_400_000) return { reason: `occurredAt is older than the organisation's retention (${rules.retentionDays} days)`, id: idOf(value) };
  if ((raw === null || raw.length > ARGUMENTS_FIT) && JSON.stringify(line.arguments ?? null).length > INGEST_LIMITS.lineBytes) return { reason: "arguments are too large", id: idOf(value) };
  if ((raw === null || (raw.includes("\\u") && ESCAPES_POSTGRES_REFUSES.test(raw))) && unstorableText(line)) return { reason: "text holds a NUL character or an unpaired surrogate (\\u0000, \\ud800-\\udfff)", id: idOf(value) };
  const masked = maskDecision(line, rules.mask);
  if (masked.arguments === undefined) masked.arguments = null;
  return { ok: masked };
}

/** Each line of an NDJSON batch checked: the lines to store (a record twice in the batch once), the refused ones. */
function checkBatch(text: string, rules: OrgRules, now: number): { good: DecisionLine[]; rejected: RejectedLine[]; received: number } {
  const lines = text.split("\n");
  if (lines.length > INGEST_LIMITS.lines + 1) throw new AppError("payload_too_large", `At most ${INGEST_LIMITS.lines} lines per batch.`);
  const good: DecisionLine[] = [];
  const rejected: RejectedLine[] = [];
  const seen = new Set<string>();
  let received = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    received++;
    if (line.length > INGEST_LIMITS.lineBytes) {
      rejected.push({ line: i + 1, reason: `line is longer than ${INGEST_LIMITS.lineBytes} bytes` });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      rejected.push({ line: i + 1, reason: "not valid JSON" });
      continue;
    }
    const checked = checkLine(value, rules, now, line);
    if ("reason" in checked) {
      rejected.push({ line: i + 1, ...(checked.id ? { id: checked.id } : {}), reason: checked.reason });
      continue;
    }
    const key = `${checked.ok.occurredAt}\u0000${checked.ok.id}`;
    if (seen.has(key)) continue; // the same record twice in one batch counts as a duplicate
    seen.add(key);
    good.push(checked.ok);
  }
  return { good, rejected, received };
}

/** `POST /api/v1/agent/decisions`: a host's gzip NDJSON batch, one decision per line. */
export async function ingestHostBatch(db: Db, req: Request, now = Date.now()): Promise<IngestResult> {
  const secret = bearer(req);
  if (!secret || !looksLikeSecret(secret, AGENT_TOKEN_PREFIX)) throw new AppError("unauthenticated", "Send the host's agent token as Authorization: Bearer cha_….");
  const token = await hostToken(db, secret);
  if (!token) throw new AppError("unauthenticated", "Unknown or revoked agent token.");
  const batchId = req.headers.get("x-charter-batch-id");
  if (batchId !== null && !/^[\w.:-]{1,128}$/.test(batchId)) throw new AppError("bad_request", "X-Charter-Batch-Id must be 1-128 letters, digits, dots, colons, dashes or underscores.");
  const body = await decodeBody(await readBody(req), req.headers.get("content-encoding"));
  return withSlot(async () => {
    const rules = token.rules;
    const text = body.toString("utf8");
    const { good, rejected, received } = checkBatch(text, rules, now);
    const origin: DecisionOrigin = { orgId: token.orgId, source: "relay", hostId: token.id, group: token.group };
    const stored = await storeCanonicalDecisions(db, origin, good);
    purgeNowAndThen(db);
    return { batchId, received, stored, duplicates: received - rejected.length - stored, rejected, masking: rules.mask };
  });
}

export interface OtlpIngestResult {
  /** What OTLP/HTTP answers: rejected log records are the reviews that could not be stored. */
  rejectedLogRecords: number;
  errorMessage: string;
  stored: number;
  protobuf: boolean;
}

/** `POST /v1/logs`: an OTLP/HTTP logs export (JSON or protobuf, optionally gzip) with a write-only ingest key. */
export async function ingestOtlpLogs(db: Db, req: Request, now = Date.now()): Promise<OtlpIngestResult> {
  const secret = bearer(req) ?? req.headers.get("x-charter-ingest-key");
  if (!secret || !looksLikeSecret(secret, INGEST_KEY_PREFIX)) throw new AppError("unauthenticated", "Send an ingest key as Authorization: Bearer chk_….");
  const key = await db.decisionIngestKey.findUnique({ where: { tokenHash: hashSecret(secret) }, select: { id: true, orgId: true, revokedAt: true, lastUsedAt: true } });
  if (!key || key.revokedAt) throw new AppError("unauthenticated", "Unknown or revoked ingest key.");
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const protobuf = type === "application/x-protobuf" || type === "application/protobuf";
  if (!protobuf && type !== "application/json") throw new AppError("bad_request", "Content-Type must be application/json or application/x-protobuf.");
  const body = await decodeBody(await readBody(req), req.headers.get("content-encoding"));
  return withSlot(async () => {
    let records;
    try {
      records = protobuf ? logsFromProtobuf(body) : logsFromJson(JSON.parse(body.toString("utf8")));
    } catch (err) {
      if (err instanceof OtlpError) throw new AppError("bad_request", err.message);
      throw new AppError("bad_request", "The body is not valid JSON.");
    }
    const rules = await orgRules(db, key.orgId);
    const decisions = joinRecords(records.filter(isDecisionRecord));
    const good: DecisionLine[] = [];
    const reasons: string[] = [];
    for (const d of decisions) {
      const checked = checkLine(d, rules, now);
      if ("reason" in checked) reasons.push(`${d.id}: ${checked.reason}`);
      else good.push(checked.ok);
    }
    const stored = await storeCanonicalDecisions(db, { orgId: key.orgId, source: "otlp", hostId: null, group: null }, good);
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > 60_000) await db.decisionIngestKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date(now) } });
    purgeNowAndThen(db);
    return { rejectedLogRecords: reasons.length, errorMessage: reasons.join("; ").slice(0, 2000), stored, protobuf };
  });
}

/** `GET /api/v1/agent/decisions`: whether the host's org collects decisions, the relay port and the masking rules. */
export async function hostCollectionSettings(db: Db, req: Request): Promise<{ collect: boolean; relayPort: number; mask: MaskRules; exactRequests: boolean }> {
  const secret = bearer(req);
  if (!secret || !looksLikeSecret(secret, AGENT_TOKEN_PREFIX)) throw new AppError("unauthenticated", "Send the host's agent token as Authorization: Bearer cha_….");
  const token = await db.agentToken.findUnique({ where: { tokenHash: hashSecret(secret) }, select: { orgId: true, revokedAt: true } });
  if (!token || token.revokedAt) throw new AppError("unauthenticated", "Unknown or revoked agent token.");
  const s = await readSettings(db, token.orgId);
  return { collect: s.collect, relayPort: s.relayPort, mask: s.mask, exactRequests: s.exactRequests };
}
