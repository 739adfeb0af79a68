import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "../db";
import { inBackground } from "../background";
import { lookupAgentToken, AGENT_TOKEN_PREFIX } from "../agents";
import { hashSecret, looksLikeSecret } from "../crypto/tokens";
import { createDeliveryResolver } from "../rollouts/resolve";

/**
 * GET /api/v1/agent/bundle, served from memory. In steady state a request touches no database:
 *   - which bundle a host gets (its org's version, its group's overlay, its rollout ring) is decided from memory by
 *     the delivery resolver (lib/rollouts/resolve.ts); each bundle (JWS bytes, ETag) is cached per process by its key;
 *   - presented tokens are cached by hash (positive for a minute, negative for two seconds);
 *   - check-ins are buffered and written in one statement per second.
 * Freshness across processes comes from one cheap poll per interval (default 500 ms): bundles written and tokens
 * revoked in the last minutes (by any process) invalidate exactly those cache entries. So a publish or a revocation in
 * one process is seen by every other within about one poll interval. The window is wider than the interval so that
 * clock differences between processes (timestamps come from each process's clock) cannot hide a change.
 *
 * Through a database outage the fleet keeps its bundle: a token seen before the outage stays trusted past its cache
 * time (until the database answers again), the last signed bundle of each org keeps being served with its ETag and
 * 304s, and `outage()` says so for /api/health. Revocations seen before the outage hold (the poll drops revoked tokens
 * from the cache); a token never seen, or refused before, is not trusted while nothing can be checked.
 */

export const BUNDLE_CACHE_CONTROL = "public, no-cache";

interface CachedBundle {
  version: number;
  etag: string;
  body: Buffer;
  issuedAt: number;
  expiresAt: number;
  /** Response headers and replies, built once per bundle rather than per request. */
  notModified: Record<string, string>;
  ok: Record<string, string>;
  notModifiedReply: Reply;
  okReply: Reply;
}

interface TokenInfo {
  id: string;
  orgId: string;
}

interface PendingCheckIn {
  tokenId: string;
  orgId: string;
  versionServed: number;
  versionInstalled: number | null;
  clientVersion: string | null;
  /** The User-Agent clientVersion was parsed from: parsed again only when it changes. */
  rawClient: string | null;
  /** Epoch milliseconds: no Date per request on the hot path. */
  at: number;
  count: number;
}

export interface BundleServerOptions {
  pollMs?: number;
  flushMs?: number;
  /** How long a valid token is trusted without a database read; revocations reach the cache through the poll. */
  tokenTtlMs?: number;
  /** How long an unknown token is remembered, so a flood of garbage does not become a flood of queries. */
  negativeTtlMs?: number;
  log?: (message: string, err?: unknown) => void;
}

export interface BundleServer {
  handle(req: Request): Promise<Response>;
  /** The same, written straight to node:http (the custom server's fast path: no Web Request/Response objects). */
  handleNode(req: IncomingMessage, res: ServerResponse): void;
  /** Writes buffered check-ins now (also runs on a timer). */
  flush(): Promise<void>;
  /** Runs one freshness poll now (also runs on a timer). */
  poll(): Promise<void>;
  close(): Promise<void>;
  stats(): { bundles: number; tokens: number; pending: number };
  /** Since when the database has been unreachable (the last poll or lookup failed), or null. */
  outage(): { since: Date; reason: string } | null;
}

/** An answer, before it becomes a Web Response (Next.js route) or is written to a node:http response (fast path). */
interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: Buffer;
}
type HeaderGetter = (name: string) => string | null;

// The fast path bypasses next.config.ts, so it sets the same headers itself.
const SECURITY_HEADERS = { "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin" };

function errorReply(status: number, code: string, message: string): Reply {
  const headers: Record<string, string> = { "Content-Type": "application/json", "Cache-Control": "no-store", ...SECURITY_HEADERS };
  if (status === 401) headers["WWW-Authenticate"] = 'Bearer realm="charter-agent"';
  return { status, headers, body: Buffer.from(JSON.stringify({ error: { code, message } })) };
}

/**
 * If-None-Match against our strong ETag. RFC 9110 §13.1.2: GET uses the weak comparison, so W/"x" matches "x";
 * "*" matches any current representation; the header may list several tags.
 */
export function ifNoneMatchHits(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header === etag) return true; // what agents send: the tag they were given, as is
  if (header.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  for (const m of header.matchAll(/(?:W\/)?("[^"]*")/g)) if (m[1] === opaque) return true;
  return false;
}

function parseInstalled(header: string | null): number | null {
  if (!header || !/^\d{1,9}$/.test(header.trim())) return null;
  const n = Number(header.trim());
  return n > 0 ? n : null;
}

function parseClient(header: string | null): string | null {
  if (!header) return null;
  const clean = header.replace(/[^\x20-\x7e]/g, "").trim().slice(0, 100);
  return clean || null;
}

export function createBundleServer(db: Db, opts: BundleServerOptions = {}): BundleServer {
  const pollMs = opts.pollMs ?? 500;
  const flushMs = opts.flushMs ?? 1000;
  const tokenTtlMs = opts.tokenTtlMs ?? 60_000;
  const negativeTtlMs = opts.negativeTtlMs ?? 2_000;
  const log = opts.log ?? ((message: string, err?: unknown) => console.error(`[bundles] ${message}`, err ?? ""));

  const delivery = createDeliveryResolver(db, { log });
  // Keyed by delivery key ("org|version" or "org|version|group|overlay"), not by org.
  const bundles = new Map<string, CachedBundle | null>();
  const loading = new Map<string, Promise<CachedBundle | null>>();
  const refreshing = new Set<string>();
  const tokens = new Map<string, { info: TokenInfo | null; until: number }>();
  const pending = new Map<string, PendingCheckIn>();
  // The last bundle each org was served with: what hosts get while the database cannot say what is current.
  const lastGood = new Map<string, CachedBundle>();
  // Which bundle each token was last served (its group and ring decide it): kept for the same reason.
  const lastKey = new Map<string, string | null>();
  let outageSince: number | null = null;
  let outageReason = "";
  const down = (err: unknown) => {
    outageSince ??= Date.now();
    outageReason = `database unreachable (${err instanceof Error ? err.message.split("\n").filter(Boolean).pop()?.slice(0, 160) : String(err)})`;
  };
  let lastPollAt = Date.now();
  let closed = false;

  async function loadBundle(key: string): Promise<CachedBundle | null> {
    const bundle = await delivery.load(key);
    if (!bundle) return null;
    const body = Buffer.from(bundle.jws, "utf8");
    // Vary: a shared cache keeps one copy per token, so no host is ever answered with another org's bundle.
    const notModified = { ETag: bundle.etag, "Cache-Control": BUNDLE_CACHE_CONTROL, Vary: "Authorization", "X-Charter-Version": String(bundle.version), ...SECURITY_HEADERS };
    const ok = { ...notModified, "Content-Type": "application/jose", "Content-Length": String(body.length) };
    return {
      version: bundle.version,
      etag: bundle.etag,
      body,
      issuedAt: bundle.issuedAt.getTime(),
      expiresAt: bundle.expiresAt.getTime(),
      notModified,
      ok,
      notModifiedReply: { status: 304, headers: notModified },
      okReply: { status: 200, headers: ok, body },
    };
  }

  function bundleFor(orgId: string): CachedBundle | null | Promise<CachedBundle | null> {
    // `orgId` here is a delivery key (see delivery.keyFor).
    if (bundles.has(orgId)) return bundles.get(orgId)!;
    let p = loading.get(orgId);
    if (!p) {
      p = loadBundle(orgId)
        .then((b) => {
          if (loading.get(orgId) === p) bundles.set(orgId, b);
          if (b) lastGood.set(orgId, b);
          return b;
        })
        .catch((err) => {
          const last = lastGood.get(orgId);
          if (!last) throw err;
          down(err);
          return last;
        })
        .finally(() => {
          if (loading.get(orgId) === p) loading.delete(orgId);
        });
      loading.set(orgId, p);
    }
    return p;
  }

  function tokenFor(raw: string): TokenInfo | null | Promise<TokenInfo | null> {
    const hash = hashSecret(raw);
    const hit = tokens.get(hash);
    if (hit && hit.until > Date.now()) return hit.info;
    return lookupAgentToken(db, hash).then(
      (info) => {
        if (tokens.size > 50_000) tokens.clear(); // bounded: a flood of random tokens cannot grow memory
        tokens.set(hash, { info, until: Date.now() + (info ? tokenTtlMs : negativeTtlMs) });
        return info;
      },
      (err) => {
        // Database down: a token trusted before keeps working; anything else cannot be checked now.
        if (!hit?.info) throw err;
        down(err);
        return hit.info;
      },
    );
  }

  /** Re-sign in the background when the served bundle is past half its life; requests keep getting the current one. */
  function maybeRefresh(orgId: string, bundle: CachedBundle) {
    if (Date.now() < bundle.issuedAt + (bundle.expiresAt - bundle.issuedAt) / 2 || refreshing.has(orgId)) return;
    refreshing.add(orgId);
    delivery
      .refresh(orgId)
      .then((changed) => {
        if (changed) bundles.delete(orgId);
      })
      .catch((err) => log("re-signing the bundle failed", err))
      .finally(() => refreshing.delete(orgId));
  }

  function recordCheckIn(token: TokenInfo, bundle: CachedBundle, installed: number | null, header: HeaderGetter) {
    const ua = header("user-agent");
    const prev = pending.get(token.id);
    if (prev) {
      // The same host again before the next flush: update its entry in place (no allocation on the hot path).
      prev.versionServed = bundle.version;
      prev.versionInstalled = installed;
      if (prev.rawClient !== ua) {
        prev.rawClient = ua;
        prev.clientVersion = parseClient(ua);
      }
      prev.at = Date.now();
      prev.count++;
      return;
    }
    pending.set(token.id, {
      tokenId: token.id,
      orgId: token.orgId,
      versionServed: bundle.version,
      versionInstalled: installed,
      clientVersion: parseClient(ua),
      rawClient: ua,
      at: Date.now(),
      count: 1,
    });
  }

  function failure(err: unknown): Reply {
    const id = crypto.randomUUID();
    log(`bundle request failed (${id})`, err);
    return errorReply(503, "unavailable", `The bundle could not be served right now (error id ${id}); try again shortly.`);
  }

  function served(token: TokenInfo, key: string | null, bundle: CachedBundle | null, installed: number | null, header: HeaderGetter): Reply {
    if (!key || !bundle) return errorReply(404, "not_found", "This organisation has not published a version yet.");
    maybeRefresh(key, bundle);
    recordCheckIn(token, bundle, installed, header);
    return ifNoneMatchHits(header("if-none-match"), bundle.etag) ? bundle.notModifiedReply : bundle.okReply;
  }

  /**
   * The whole decision, independent of the HTTP stack. Synchronous when token and bundle are cached (the hot path):
   * no promise, no database, no allocation beyond the header object.
   */
  function reply(header: HeaderGetter): Reply | Promise<Reply> {
    try {
      const match = /^Bearer\s+(\S+)$/i.exec(header("authorization") ?? "");
      if (!match || !looksLikeSecret(match[1], AGENT_TOKEN_PREFIX)) {
        return errorReply(401, "unauthenticated", `Send an agent token: Authorization: Bearer ${AGENT_TOKEN_PREFIX}…`);
      }
      const withToken = (token: TokenInfo | null): Reply | Promise<Reply> => {
        if (!token) return errorReply(401, "unauthenticated", "The agent token is unknown or revoked.");
        const installed = parseInstalled(header("x-charter-installed-version"));
        const withKey = (key: string | null): Reply | Promise<Reply> => {
          const b = key ? bundleFor(key) : null;
          return b instanceof Promise ? b.then((bundle) => served(token, key, bundle, installed, header), failure) : served(token, key, b, installed, header);
        };
        const k = delivery.keyFor(token, installed);
        if (!(k instanceof Promise)) {
          if (lastKey.get(token.id) !== k) lastKey.set(token.id, k);
          return withKey(k);
        }
        return k.then(
          (key) => {
            lastKey.set(token.id, key);
            return withKey(key);
          },
          (err) => {
            // Database down: the bundle this host was last given is still the best answer.
            if (!lastKey.has(token.id)) return failure(err);
            down(err);
            return withKey(lastKey.get(token.id)!);
          },
        );
      };
      const t = tokenFor(match[1]);
      return t instanceof Promise ? t.then(withToken).catch(failure) : withToken(t);
    } catch (err) {
      return failure(err);
    }
  }

  async function handle(req: Request): Promise<Response> {
    const r = await reply((name) => req.headers.get(name));
    return new Response(r.body ? new Uint8Array(r.body) : null, { status: r.status, headers: r.headers });
  }

  function handleNode(req: IncomingMessage, res: ServerResponse): void {
    const write = (r: Reply) => {
      res.writeHead(r.status, r.headers);
      res.end(r.body);
    };
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(", ") : (v ?? null);
    };
    const r = reply(header);
    if (r instanceof Promise) void r.then(write);
    else write(r);
  }

  async function flush(): Promise<void> {
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending.clear();
    const rows = JSON.stringify(batch.map((c) => ({ ...c, at: new Date(c.at).toISOString() })));
    try {
      // One statement per batch; tokens deleted meanwhile are skipped by the join instead of failing the batch.
      await db.$executeRaw`
        WITH r AS (
          SELECT * FROM jsonb_to_recordset(${rows}::jsonb)
            AS x("tokenId" text, "orgId" text, "versionServed" int, "versionInstalled" int, "clientVersion" text, "at" timestamptz, "count" int)
        ), ins AS (
          INSERT INTO "AgentCheckIn" ("tokenId", "orgId", "versionServed", "versionInstalled", "clientVersion", "firstAt", "at", "count")
          SELECT r."tokenId", r."orgId", r."versionServed", r."versionInstalled", r."clientVersion", r."at", r."at", r."count"
          FROM r JOIN "AgentToken" t ON t.id = r."tokenId"
          ON CONFLICT ("tokenId") DO UPDATE SET
            "versionServed" = EXCLUDED."versionServed",
            "versionInstalled" = COALESCE(EXCLUDED."versionInstalled", "AgentCheckIn"."versionInstalled"),
            "clientVersion" = COALESCE(EXCLUDED."clientVersion", "AgentCheckIn"."clientVersion"),
            "at" = GREATEST(EXCLUDED."at", "AgentCheckIn"."at"),
            "count" = "AgentCheckIn"."count" + EXCLUDED."count"
          RETURNING 1
        )
        UPDATE "AgentToken" t SET "lastUsedAt" = GREATEST(r."at", t."lastUsedAt")
        FROM r WHERE t.id = r."tokenId"`;
    } catch (err) {
      // Put the batch back (newer entries win) so a database hiccup loses no check-ins.
      for (const c of batch) {
        const now = pending.get(c.tokenId);
        pending.set(c.tokenId, now ? { ...now, count: now.count + c.count } : c);
      }
      log("writing check-ins failed; will retry", err);
    }
  }

  async function poll(): Promise<void> {
    const started = Date.now();
    // Everything changed since the last successful poll, plus a minute for clocks that differ between processes.
    const since = new Date(lastPollAt - 60_000);
    try {
      const [changedOrgs, revoked] = await Promise.all([
        delivery.poll(since),
        db.agentToken.findMany({ where: { revokedAt: { gt: since } }, select: { tokenHash: true } }),
      ]);
      // A publish, an overlay, a group or a rollout step: that org's bundles are looked up again.
      for (const key of [...bundles.keys(), ...loading.keys()]) {
        if (changedOrgs.has(delivery.orgOf(key))) {
          bundles.delete(key);
          loading.delete(key);
        }
      }
      for (const t of revoked) tokens.delete(t.tokenHash);
      lastPollAt = started;
      outageSince = null;
    } catch (err) {
      if (outageSince === null) log("freshness poll failed; serving cached bundles until the database answers", err);
      down(err);
    }
  }

  let polling = false;
  const pollTimer = setInterval(() => {
    if (polling || closed) return;
    polling = true;
    void inBackground(poll().finally(() => (polling = false)));
  }, pollMs);
  let flushing = false;
  const flushTimer = setInterval(() => {
    if (flushing || closed) return;
    flushing = true;
    void inBackground(flush().finally(() => (flushing = false)));
  }, flushMs);
  pollTimer.unref?.();
  flushTimer.unref?.();

  return {
    handle,
    handleNode,
    flush,
    poll,
    async close() {
      closed = true;
      clearInterval(pollTimer);
      clearInterval(flushTimer);
      await flush();
    },
    stats: () => ({ bundles: bundles.size, tokens: tokens.size, pending: pending.size }),
    outage: () => (outageSince === null ? null : { since: new Date(outageSince), reason: outageReason }),
  };
}

// One server per process (also across Next.js dev reloads), created on the first request.
const globalForBundles = globalThis as unknown as { charterBundleServer?: BundleServer };

export function bundleServer(db: Db): BundleServer {
  globalForBundles.charterBundleServer ??= createBundleServer(db);
  return globalForBundles.charterBundleServer;
}
