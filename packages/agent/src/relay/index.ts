/*
 * The decisions relay of the host agent: Codex exports its OTLP logs to this loopback receiver (the `[otel]` section
 * Charter writes into requirements.toml when the org collects decisions); the relay joins the Auto-review records into
 * one decision per review, masks secrets, spools them to disk and uploads gzip NDJSON batches to
 * POST /api/v1/agent/decisions with the host token. Node's standard library only.
 */
import http from "node:http";
import https from "node:https";
import { readdirSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { Joiner, OtlpError, isDecisionRecord, logsFromJson, logsFromProtobuf, maskDecision, type MaskRules } from "./records";
import { Spool, type SpoolStats } from "./spool";
import { SessionReader } from "./sessions";

/** What `run` hands the relay (see ../relay-hook.ts): the server, the host token and the last check-in answer. */
export interface RelayContext {
  server: URL;
  token: string;
  org: string;
  stateDir: string;
  settings: Record<string, unknown>;
  log: (line: string) => void;
}

export interface CollectionSettings {
  collect: boolean;
  relayPort: number;
  mask?: MaskRules;
  /** Full replay fidelity: attach the exact reviewer request, read from Codex's session files. */
  exactRequests?: boolean;
}

export interface RelayOptions {
  /** Port of the loopback receiver (0 picks a free one: tests). */
  port?: number;
  host?: string;
  holdMs?: number;
  spool?: { maxBytes?: number; maxAgeMs?: number; segmentBytes?: number; segmentMs?: number };
  /** How often the relay closes segments, flushes the joiner and tries an upload (default 1 s). */
  tickMs?: number;
  mask?: MaskRules;
  now?: () => number;
  /** Codex's session files (CODEX_HOME/sessions), read for the exact reviewer request when `exactRequests` is on. */
  sessionsDir?: string;
  exactRequests?: boolean;
}

export interface RelayStatus {
  port: number;
  received: number;
  decisions: number;
  uploaded: number;
  pending: number;
  spool: SpoolStats;
  lastUploadAt: string | null;
  lastError: string | null;
}

const MAX_BODY = 8 * 1024 * 1024;
const MAX_BACKOFF_MS = 5 * 60_000;

export class DecisionRelay {
  private server: http.Server | null = null;
  private readonly joiner: Joiner;
  private readonly spool: Spool;
  private timer: NodeJS.Timeout | null = null;
  private mask: MaskRules;
  private exactRequests: boolean;
  private readonly sessions: SessionReader | null;
  private uploading: Promise<void> | null = null;
  private retryAt = 0;
  private backoffMs = 1_000;
  private policyVersion: number | null = null;
  private policyReadAt = 0;
  private readonly pendingFile: string;
  private readonly now: () => number;
  private counters = { received: 0, decisions: 0, uploaded: 0 };
  private lastUploadAt: string | null = null;
  private lastError: string | null = null;
  port = 0;

  constructor(
    private readonly ctx: Omit<RelayContext, "settings">,
    private readonly opts: RelayOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    const dir = path.join(ctx.stateDir, "decisions");
    this.spool = new Spool({ dir: path.join(dir, "spool"), ...opts.spool, now: this.now });
    this.pendingFile = path.join(dir, "pending.json");
    this.mask = opts.mask ?? {};
    this.exactRequests = opts.exactRequests ?? false;
    this.sessions = opts.sessionsDir ? new SessionReader(opts.sessionsDir) : null;
    this.joiner = new Joiner({ holdMs: opts.holdMs, policyVersion: () => this.currentPolicyVersion() });
    try {
      this.joiner.restore(JSON.parse(readFileSync(this.pendingFile, "utf8")));
    } catch {
      /* nothing pending */
    }
  }

  async start(): Promise<number> {
    this.server = http.createServer((req, res) => this.receive(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.opts.port ?? 4318, this.opts.host ?? "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
    const tick = this.opts.tickMs ?? 1_000;
    this.timer = setInterval(() => void this.tick(), tick);
    this.timer.unref();
    return this.port;
  }

  /** New rules from Charter (ingest answer or check-in): used for every decision masked from now on. */
  setMask(mask: MaskRules | undefined) {
    if (mask) this.mask = mask;
  }

  /** Whether to attach the exact reviewer request from Codex's session files (the org's replay fidelity). */
  setExactRequests(on: boolean | undefined) {
    if (typeof on === "boolean") this.exactRequests = on;
  }

  /** Takes OTLP log records (as the receiver does); returns how many decisions were completed. */
  accept(records: ReturnType<typeof logsFromJson>): number {
    const relevant = records.filter(isDecisionRecord);
    this.counters.received += relevant.length;
    if (!relevant.length) return 0;
    const done = this.joiner.add(relevant, this.now());
    this.spoolDecisions(done);
    this.savePending();
    return done.length;
  }

  /** Closes the open segment, lets overdue assessments go without their result, and uploads what is spooled. */
  async tick(force = false): Promise<void> {
    const late = this.joiner.flush(this.now(), false);
    if (late.length) {
      this.spoolDecisions(late);
      this.savePending();
    }
    this.spool.tick(force);
    await this.upload(force);
  }

  /** Uploads every closed segment, oldest first, until one fails (then waits its backoff). */
  upload(force = false): Promise<void> {
    if (this.uploading) return this.uploading;
    if (!force && this.now() < this.retryAt) return Promise.resolve();
    const run = async () => {
      for (const segment of this.spool.segments()) {
        const ok = await this.send(segment);
        if (!ok) return;
      }
    };
    // Cleared in a callback, after the assignment: a run with nothing to send finishes synchronously, and a `finally`
    // inside it would clear the field before it is set, leaving a settled promise that blocks every later upload.
    const uploading = run().finally(() => {
      if (this.uploading === uploading) this.uploading = null;
    });
    this.uploading = uploading;
    return uploading;
  }

  status(): RelayStatus {
    return { port: this.port, ...this.counters, pending: this.joiner.pending, spool: this.spool.stats(), lastUploadAt: this.lastUploadAt, lastError: this.lastError };
  }

  /** Stops receiving; what is complete is spooled and stays on disk for the next start. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections?.();
    this.server = null;
    await this.uploading;
    this.spool.tick(true);
    this.savePending();
  }

  private spoolDecisions(decisions: ReturnType<Joiner["add"]>) {
    if (!decisions.length) return;
    this.counters.decisions += decisions.length;
    const reader = this.exactRequests ? this.sessions : null;
    this.spool.append(decisions.map((d) => JSON.stringify(maskDecision(reader ? { ...d, reviewRequest: this.readRequest(reader, d) } : d, this.mask))));
  }

  private readRequest(reader: SessionReader, d: { conversationId: string; turnId: string | null; occurredAt: string }): string | null {
    try {
      return reader.find(d);
    } catch (err) {
      this.ctx.log(`charter-agent relay: warning: could not read Codex session files: ${(err as Error).message}`);
      return null;
    }
  }

  private savePending() {
    const tmp = `${this.pendingFile}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(this.joiner.snapshot()), { mode: 0o600 });
      renameSync(tmp, this.pendingFile);
    } catch (err) {
      this.ctx.log(`charter-agent relay: warning: could not save pending records: ${(err as Error).message}`);
    }
  }

  /** The version the host runs now, from the agent's pull state (re-read at most every 30 s). */
  private currentPolicyVersion(): number | null {
    if (this.now() - this.policyReadAt < 30_000) return this.policyVersion;
    this.policyReadAt = this.now();
    try {
      for (const f of readdirSync(this.ctx.stateDir)) {
        if (!/^pull-.*\.json$/.test(f)) continue;
        const state = JSON.parse(readFileSync(path.join(this.ctx.stateDir, f), "utf8")) as { org?: string; version?: number };
        if (state.org === this.ctx.org && Number.isInteger(state.version)) this.policyVersion = state.version!;
      }
    } catch {
      /* no state yet */
    }
    return this.policyVersion;
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse) {
    const reply = (status: number, body: string, type = "application/json") => {
      res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
      res.end(body);
    };
    if (req.method !== "POST" || (req.url ?? "").split("?")[0] !== "/v1/logs") return reply(404, JSON.stringify({ error: "only POST /v1/logs" }));
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(c);
    });
    req.on("end", () => {
      if (tooBig) return reply(413, JSON.stringify({ error: "body too large" }));
      const type = String(req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
      const protobuf = type === "application/x-protobuf" || type === "application/protobuf";
      try {
        let body = Buffer.concat(chunks);
        if (String(req.headers["content-encoding"] ?? "").toLowerCase() === "gzip") body = gunzipSync(body, { maxOutputLength: 4 * MAX_BODY });
        const records = protobuf ? logsFromProtobuf(body) : logsFromJson(JSON.parse(body.toString("utf8")));
        this.accept(records);
        if (protobuf) reply(200, "", "application/x-protobuf");
        else reply(200, "{}");
      } catch (err) {
        const message = err instanceof OtlpError ? err.message : "The body is not a valid OTLP logs request.";
        reply(400, JSON.stringify({ code: 3, message }));
      }
    });
    req.on("error", () => res.destroy());
  }

  private async send(segment: string): Promise<boolean> {
    const raw = this.spool.read(segment);
    let lines = 0;
    for (const b of raw) if (b === 0x0a) lines++;
    const body = gzipSync(raw);
    let res: { status: number; headers: http.IncomingHttpHeaders; body: string };
    try {
      res = await post(new URL("/api/v1/agent/decisions", this.ctx.server), body, {
        authorization: `Bearer ${this.ctx.token}`,
        "content-type": "application/x-ndjson",
        "content-encoding": "gzip",
        "x-charter-batch-id": segment.replace(/\.ndjson$/, ""),
        "user-agent": "charter-agent-relay",
      });
    } catch (err) {
      return this.failed(`upload failed: ${(err as Error).message}`);
    }
    if (res.status === 200) {
      try {
        const answer = JSON.parse(res.body) as { stored?: number; rejected?: { line: number; reason: string }[]; masking?: MaskRules };
        this.setMask(answer.masking);
        if (answer.rejected?.length) this.ctx.log(`charter-agent relay: Charter refused ${answer.rejected.length} decision(s): ${answer.rejected[0].reason}`);
      } catch {
        /* stored all the same */
      }
      this.spool.remove(segment);
      this.counters.uploaded += lines;
      this.lastUploadAt = new Date(this.now()).toISOString();
      this.lastError = null;
      this.backoffMs = 1_000;
      this.retryAt = 0;
      return true;
    }
    if (res.status === 429 || res.status >= 500 || res.status === 401 || res.status === 404) {
      const retryAfter = Number(res.headers["retry-after"]);
      return this.failed(`Charter answered ${res.status}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
    }
    // 400/413/422: this segment can never be stored; dropping it keeps the rest moving, and the loss is logged.
    this.ctx.log(`charter-agent relay: warning: Charter refused a batch of ${lines} decision(s) (${res.status}); dropped`);
    this.spool.remove(segment);
    return true;
  }

  private failed(message: string, waitMs?: number): false {
    this.lastError = message;
    this.retryAt = this.now() + (waitMs ?? this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    return false;
  }
}

function post(url: URL, body: Buffer, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method: "POST", headers: { ...headers, "content-length": String(body.length) }, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size <= 1024 * 1024) chunks.push(c);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

/** Collection settings from the check-in answer (`decisions`), else asked of Charter (GET /api/v1/agent/decisions). */
async function collectionSettings(ctx: RelayContext): Promise<CollectionSettings | null> {
  const fromCheckin = ctx.settings?.decisions as CollectionSettings | undefined;
  if (fromCheckin && typeof fromCheckin === "object") return fromCheckin;
  const url = new URL("/api/v1/agent/decisions", ctx.server);
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const req = lib.get(url, { headers: { authorization: `Bearer ${ctx.token}`, "user-agent": "charter-agent-relay" }, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as CollectionSettings) : null);
        } catch {
          resolve(null);
        }
      });
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(null));
  });
}

/** The hook `run` calls after each check-in (../relay-hook.ts): starts the relay when the org collects decisions. */
export async function startRelay(ctx: RelayContext): Promise<{ update(settings: Record<string, unknown>): void; stop(): Promise<void> } | null> {
  const settings = await collectionSettings(ctx);
  if (!settings?.collect) return null;
  const codexHome = process.env.CODEX_HOME || path.join(os.homedir(), ".codex");
  const relay = new DecisionRelay(ctx, { port: settings.relayPort, mask: settings.mask, exactRequests: settings.exactRequests, sessionsDir: path.join(codexHome, "sessions") });
  const port = await relay.start();
  ctx.log(`charter-agent relay: receiving Codex OTLP logs on http://127.0.0.1:${port}/v1/logs`);
  return {
    update(next) {
      const s = next?.decisions as CollectionSettings | undefined;
      if (s?.mask) relay.setMask(s.mask);
      relay.setExactRequests(s?.exactRequests);
    },
    stop: () => relay.stop(),
  };
}
