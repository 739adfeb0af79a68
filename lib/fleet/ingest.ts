import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestInfo } from "../audit";
import type { Db, Prisma } from "../db";
import { nodeRequestInfo, requestInfo } from "../request";
import { AppError, toErrorResponse } from "../errors";
import { AGENT_TOKEN_PREFIX } from "../agents";
import { hashSecret, looksLikeSecret } from "../crypto/tokens";
import { checkInSchema, type CheckIn } from "./schemas";
import { parseJsonBody, readBoundedBody, readBoundedNodeBody } from "./http";
import { pollIntervalSeconds } from "./config";
import { recordTransitions, type Transition } from "./transitions";
import { webhookWorker } from "../webhooks";

/**
 * POST /api/v1/agent/checkin. Each request is validated on arrival, then waits (at most `flushMs`) for the next batch:
 * one SQL statement per batch resolves the tokens by hash, upserts one AgentHost row per host and writes history only
 * when something changed (plus one sample per host per day). A request is answered 200 only after its batch committed,
 * and 503 when the database failed, so the agent keeps its report and sends it again: nothing is lost silently.
 * Hosts that changed to drifted or failed get an audit event and a webhook delivery in the same transaction.
 */

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Pending {
  hash: string;
  report: CheckIn;
  at: Date;
  request: RequestInfo;
  resolve: (r: Reply) => void;
}

export interface CheckInIngestOptions {
  /** The longest a check-in waits for its batch. */
  flushMs?: number;
  /** A batch this large is written at once, without waiting. */
  maxBatch?: number;
  env?: Record<string, string | undefined>;
  /** Called after a batch queued webhook deliveries; by default it wakes this process's delivery worker. */
  onQueued?: () => void;
  log?: (message: string, err?: unknown) => void;
}

export interface CheckInIngest {
  handle(req: Request): Promise<Response>;
  handleNode(req: IncomingMessage, res: ServerResponse): void;
  /** Validates and queues one check-in; resolves when its batch is written. */
  submit(authorization: string | null, bodyText: string, request: RequestInfo): Promise<Reply>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

const JSON_HEADERS = { "Content-Type": "application/json", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

function errorReply(err: unknown, log: (m: string, e?: unknown) => void): Reply {
  const { status, body } = toErrorResponse(err, (id, e) => log(`check-in failed (${id})`, e));
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (status === 401) headers["WWW-Authenticate"] = 'Bearer realm="charter-agent"';
  return { status, headers, body: JSON.stringify(body) };
}

/** The state stored for a report: a file on disk that differs from the installed bundle is drift whatever the host says. */
export function storedState(r: CheckIn): string {
  const mismatch = r.diskSha256 !== null && r.installedSha256 !== null && r.diskSha256 !== r.installedSha256;
  return r.state === "current" && mismatch ? "drifted" : r.state;
}

interface Row {
  i: number;
  tokenId: string;
  orgId: string;
  agentPollSeconds: number | null;
  prevState: string | null;
  state: string;
  hostname: string;
  lastError: string | null;
  installedVersion: number | null;
  diskSha256: string | null;
  installedSha256: string | null;
}

export function createCheckInIngest(db: Db, opts: CheckInIngestOptions = {}): CheckInIngest {
  const flushMs = opts.flushMs ?? 200;
  const maxBatch = opts.maxBatch ?? 500;
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((message: string, err?: unknown) => console.error(`[checkin] ${message}`, err ?? ""));
  const onQueued = opts.onQueued ?? (() => webhookWorker(db).kick());
  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  function schedule() {
    if (queue.length >= maxBatch) {
      void flush();
    } else if (!timer) {
      timer = setTimeout(() => void flush(), flushMs);
      timer.unref?.();
    }
  }

  async function writeBatch(batch: Pending[]) {
    // One row per token in a statement (an upsert cannot touch a row twice): the latest report wins, events are merged.
    const byHash = new Map<string, { last: Pending; events: CheckIn["events"]; waiting: Pending[] }>();
    for (const p of batch) {
      const e = byHash.get(p.hash);
      if (e) {
        e.last = p;
        e.events = e.events.concat(p.report.events);
        e.waiting.push(p);
      } else byHash.set(p.hash, { last: p, events: p.report.events, waiting: [p] });
    }
    const groups = [...byHash.values()];
    const rows = JSON.stringify(
      groups.map((g, i) => {
        const r = g.last.report;
        return {
          i,
          n: g.waiting.length,
          h: g.last.hash,
          hostname: r.hostname,
          os: r.os,
          arch: r.arch,
          agentVersion: r.agentVersion,
          codexVersion: r.codexVersion,
          state: storedState(r),
          installedVersion: r.installedVersion,
          installedSha256: r.installedSha256,
          diskSha256: r.diskSha256,
          lastError: r.lastError,
          lastCheckAt: r.lastCheckAt,
          at: g.last.at.toISOString(),
          events: g.events,
        };
      }),
    );
    let result: Row[];
    try {
      result = await db.$transaction(
        async (tx) => {
          const written = await upsertBatch(tx, rows);
          const transitions: Transition[] = written
            .filter((w) => (w.state === "drifted" || w.state === "failed") && w.prevState !== w.state)
            .map((w) => ({ ...w, at: groups[w.i].last.at, request: groups[w.i].last.request }));
          if (transitions.length) await recordTransitions(tx, transitions);
          return written;
        },
        { timeout: 30_000, maxWait: 10_000 },
      );
    } catch (err) {
      log(`writing ${batch.length} check-ins failed; the hosts will retry`, err);
      const reply = errorReply(new AppError("unavailable", "Check-ins cannot be stored right now; try again shortly."), log);
      for (const p of batch) p.resolve(reply);
      return;
    }
    if (result.some((w) => (w.state === "drifted" || w.state === "failed") && w.prevState !== w.state)) onQueued();
    const accepted = new Map(result.map((w) => [w.i, w]));
    const serverTime = new Date().toISOString();
    groups.forEach((g, i) => {
      const w = accepted.get(i);
      const reply: Reply = w
        ? { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ pollIntervalSeconds: pollIntervalSeconds(w.agentPollSeconds, env), serverTime }) }
        : errorReply(new AppError("unauthenticated", "The agent token is unknown or revoked."), log);
      for (const p of g.waiting) p.resolve(reply);
    });
  }

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (queue.length === 0) return writing;
    const batch = queue;
    queue = [];
    // Batches are written one after another, so two never race on the same host row.
    writing = writing.then(() => writeBatch(batch));
    return writing;
  }

  function submit(authorization: string | null, bodyText: string, request: RequestInfo): Promise<Reply> {
    try {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
      if (!match || !looksLikeSecret(match[1], AGENT_TOKEN_PREFIX)) {
        throw new AppError("unauthenticated", `Send an agent token: Authorization: Bearer ${AGENT_TOKEN_PREFIX}…`);
      }
      const report = checkInSchema.parse(parseJsonBody(bodyText));
      return new Promise<Reply>((resolve) => {
        queue.push({ hash: hashSecret(match[1]), report, at: new Date(), request, resolve });
        schedule();
      });
    } catch (err) {
      return Promise.resolve(errorReply(err, log));
    }
  }

  async function handle(req: Request): Promise<Response> {
    let r: Reply;
    try {
      r = await submit(req.headers.get("authorization"), await readBoundedBody(req), requestInfo(req.headers));
    } catch (err) {
      r = errorReply(err, log);
    }
    return new Response(r.body, { status: r.status, headers: r.headers });
  }

  function handleNode(req: IncomingMessage, res: ServerResponse): void {
    const auth = req.headers.authorization ?? null;
    const request = nodeRequestInfo(req);
    readBoundedNodeBody(req)
      .then((text) => submit(auth, text, request), (err) => errorReply(err, log))
      .then((r) => {
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      });
  }

  return {
    handle,
    handleNode,
    submit,
    flush,
    async close() {
      await flush();
    },
  };
}

/**
 * The batch in one statement. CTEs read the snapshot from before the statement, so `t` carries each host's previous
 * state (for transitions) while `up` writes the new one. Revoked and unknown tokens drop out at the join.
 */
async function upsertBatch(tx: Prisma.TransactionClient, rows: string): Promise<Row[]> {
  return tx.$queryRaw<Row[]>`
    WITH r AS (
      SELECT * FROM jsonb_to_recordset(${rows}::jsonb) AS x(
        i int, n int, h text, hostname text, os text, arch text, "agentVersion" text, "codexVersion" text, state text,
        "installedVersion" int, "installedSha256" text, "diskSha256" text, "lastError" text, "lastCheckAt" timestamptz,
        at timestamptz, events jsonb)
    ), t AS (
      SELECT r.*, tok.id AS "tokenId", tok."orgId", o."agentPollSeconds", p."reportedState" AS "prevState",
        (p."tokenId" IS NULL OR p."historyAt" IS NULL
          OR p."reportedState" IS DISTINCT FROM r.state
          OR p."installedVersion" IS DISTINCT FROM r."installedVersion"
          OR p."diskSha256" IS DISTINCT FROM r."diskSha256"
          OR p."codexVersion" IS DISTINCT FROM r."codexVersion"
          OR p."agentVersion" IS DISTINCT FROM r."agentVersion"
          OR p."lastError" IS DISTINCT FROM r."lastError"
          OR (p."historyAt" AT TIME ZONE 'UTC')::date < (r.at AT TIME ZONE 'UTC')::date) AS record,
        (p."tokenId" IS NULL OR p.hostname IS DISTINCT FROM r.hostname OR p.os IS DISTINCT FROM r.os
          OR p."codexVersion" IS DISTINCT FROM r."codexVersion") AS regroup
      FROM r
      JOIN "AgentToken" tok ON tok."tokenHash" = r.h AND tok."revokedAt" IS NULL
      JOIN "Organization" o ON o.id = tok."orgId"
      LEFT JOIN "AgentHost" p ON p."tokenId" = tok.id
    ), up AS (
      INSERT INTO "AgentHost" ("tokenId", "orgId", hostname, os, arch, "agentVersion", "codexVersion", "reportedState",
        "installedVersion", "installedSha256", "diskSha256", "lastError", "lastCheckAt", "firstSeenAt", "lastSeenAt",
        "checkIns", "stateChangedAt", "historyAt")
      SELECT "tokenId", "orgId", hostname, os, arch, "agentVersion", "codexVersion", state, "installedVersion",
        "installedSha256", "diskSha256", "lastError", "lastCheckAt", at, at, n, at, CASE WHEN record THEN at END
      FROM t
      ON CONFLICT ("tokenId") DO UPDATE SET
        hostname = EXCLUDED.hostname, os = EXCLUDED.os, arch = EXCLUDED.arch,
        "agentVersion" = EXCLUDED."agentVersion", "codexVersion" = EXCLUDED."codexVersion",
        "reportedState" = EXCLUDED."reportedState", "installedVersion" = EXCLUDED."installedVersion",
        "installedSha256" = EXCLUDED."installedSha256", "diskSha256" = EXCLUDED."diskSha256",
        "lastError" = EXCLUDED."lastError", "lastCheckAt" = EXCLUDED."lastCheckAt",
        "firstSeenAt" = COALESCE("AgentHost"."firstSeenAt", EXCLUDED."firstSeenAt"),
        "lastSeenAt" = GREATEST("AgentHost"."lastSeenAt", EXCLUDED."lastSeenAt"),
        "checkIns" = "AgentHost"."checkIns" + EXCLUDED."checkIns",
        "stateChangedAt" = CASE WHEN "AgentHost"."reportedState" IS DISTINCT FROM EXCLUDED."reportedState"
          THEN EXCLUDED."lastSeenAt" ELSE "AgentHost"."stateChangedAt" END,
        "historyAt" = COALESCE(EXCLUDED."historyAt", "AgentHost"."historyAt")
      RETURNING 1
    ), hist AS (
      INSERT INTO "AgentHostHistory" ("tokenId", "orgId", at, kind, state, "installedVersion", "diskSha256",
        "agentVersion", "codexVersion", reason)
      SELECT "tokenId", "orgId", at, 'checkin', state, "installedVersion", "diskSha256", "agentVersion", "codexVersion",
        "lastError"
      FROM t WHERE record
      UNION ALL
      SELECT t."tokenId", t."orgId", (e->>'at')::timestamptz, 'event', e->>'state', (e->>'version')::int, NULL, NULL,
        NULL, e->>'reason'
      FROM t, jsonb_array_elements(t.events) e
      ON CONFLICT DO NOTHING
      RETURNING 1
    ), moved AS (
      -- A host whose facts changed may now match another group's rules: the bundle endpoint re-plans its org at once,
      -- so the host gets its new group's file and ring at its next fetch (lib/rollouts/resolve.ts).
      INSERT INTO "DeliveryChange" ("orgId", "at")
      SELECT DISTINCT t."orgId", now() FROM t
      WHERE t.regroup AND EXISTS (SELECT 1 FROM "HostGroup" g WHERE g."orgId" = t."orgId" AND g.rules IS NOT NULL AND g.rules <> 'null'::jsonb)
      ON CONFLICT ("orgId") DO UPDATE SET "at" = now()
      RETURNING 1
    )
    SELECT i, "tokenId", "orgId", "agentPollSeconds", "prevState", state, hostname, "lastError", "installedVersion",
      "diskSha256", "installedSha256"
    FROM t`;
}

// One ingest per process (also across Next.js dev reloads); the custom server's fast path makes its own.
const globalForIngest = globalThis as unknown as { charterCheckInIngest?: CheckInIngest };

export function checkInIngest(db: Db): CheckInIngest {
  globalForIngest.charterCheckInIngest ??= createCheckInIngest(db);
  return globalForIngest.charterCheckInIngest;
}
