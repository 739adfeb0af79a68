/**
 * Tamper evidence that does not rest on the database alone.
 *
 * The hash chain shows a row edited in place, but someone who can write the table can also recompute every hash after
 * an edit, cut the newest events, or delete an org's whole chain. Two things the database does not hold close that gap:
 * - a MAC on every event (HMAC-SHA256 of chain, seq and hash, under a key derived from CHARTER_MASTER_KEY): a row
 *   written or re-hashed with SQL cannot carry a valid one;
 * - the anchor file (`audit-anchor.json` in the server's data directory): each chain's newest event (seq, hash, MAC)
 *   as last seen by the server. A chain that ends before its anchor, holds another event at the anchored seq, or is
 *   gone, was cut, rewritten or wiped. The anchor only moves forward, and only onto a chain that still holds the
 *   anchored event, so tampering is not papered over by the next write.
 * The server keeps the anchor current: recordAudit notifies (pg_notify, delivered on commit) and `startAnchorKeeper`
 * advances the anchor of that chain.
 */
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { Prisma, type Db } from "../db";
import { masterKey } from "../crypto/secretbox";

/** The Postgres notification channel recordAudit signals on (payload: the chain). */
export const AUDIT_CHANNEL = "charter_audit";

/** The MAC key, derived from CHARTER_MASTER_KEY; null when no master key is configured. */
export function auditKey(env: Record<string, string | undefined> = process.env): Buffer | null {
  const raw = env.CHARTER_MASTER_KEY?.trim();
  if (!raw) return null;
  if (derived?.raw !== raw) derived = { raw, key: Buffer.from(hkdfSync("sha256", masterKey(env), Buffer.alloc(0), "charter audit chain mac v1", 32)) };
  return derived.key;
}
let derived: { raw: string; key: Buffer } | undefined;

export function eventMac(key: Buffer, chain: string, seq: number, hash: string): string {
  return createHmac("sha256", key).update(`${chain}\n${seq}\n${hash}`).digest("hex");
}

export function macMatches(key: Buffer, chain: string, seq: number, hash: string, mac: string | null): boolean {
  if (!mac || !/^[0-9a-f]{64}$/.test(mac)) return false;
  return timingSafeEqual(Buffer.from(eventMac(key, chain, seq, hash), "hex"), Buffer.from(mac, "hex"));
}

export interface AnchorEntry {
  seq: number;
  hash: string;
  mac: string;
  /** When the anchor last moved (ISO). */
  at: string;
}

export interface AnchorFile {
  version: 1;
  chains: Record<string, AnchorEntry>;
}

/** The anchor file of this process: CHARTER_AUDIT_ANCHOR, else audit-anchor.json in CHARTER_DATA_DIR; null when neither is set. */
export function anchorPath(env: Record<string, string | undefined> = process.env): string | null {
  if (env.CHARTER_AUDIT_ANCHOR) return path.resolve(env.CHARTER_AUDIT_ANCHOR);
  if (env.CHARTER_DATA_DIR) return path.resolve(env.CHARTER_DATA_DIR, "audit-anchor.json");
  return null;
}

/** Reads the anchor file; an absent file is an empty anchor. Entries whose MAC does not check are dropped (forged). */
export function readAnchor(file: string, key: Buffer): AnchorFile {
  if (!existsSync(file)) return { version: 1, chains: {} };
  let parsed: AnchorFile;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as AnchorFile;
  } catch {
    // A damaged file anchors nothing (as if deleted, which README says is not detected); the console must not fail on it.
    return { version: 1, chains: {} };
  }
  const chains: Record<string, AnchorEntry> = {};
  for (const [chain, e] of Object.entries(parsed.chains ?? {})) {
    if (Number.isInteger(e?.seq) && typeof e.hash === "string" && macMatches(key, chain, e.seq, e.hash, e.mac)) chains[chain] = e;
  }
  return { version: 1, chains };
}

function writeAnchor(file: string, anchor: AnchorFile): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(anchor, null, 1) + "\n", { mode: 0o600 });
  renameSync(tmp, file);
}

export interface AnchorUpdate {
  advanced: string[];
  /** Chains that no longer hold their anchored event: the anchor stays where it was (verify reports them). */
  held: string[];
}

/**
 * Moves the anchor of each chain (all, or the ones given) to its current head, when that head carries a valid MAC and
 * the chain still holds the anchored event. Never moves an anchor back.
 */
export async function advanceAnchor(db: Db, file: string, key: Buffer, only?: string[]): Promise<AnchorUpdate> {
  const anchor = readAnchor(file, key);
  const heads = await db.$queryRaw<{ chain: string; seq: number; hash: string; mac: string | null }[]>`
    SELECT DISTINCT ON ("chain") "chain", "seq", "hash", "mac" FROM "AuditEvent"
    ${only ? Prisma.sql`WHERE "chain" = ANY(${only})` : Prisma.empty}
    ORDER BY "chain", "seq" DESC`;
  const update: AnchorUpdate = { advanced: [], held: [] };
  for (const head of heads) {
    const before = anchor.chains[head.chain];
    if (before && head.seq <= before.seq) continue;
    if (!macMatches(key, head.chain, head.seq, head.hash, head.mac)) {
      update.held.push(head.chain);
      continue;
    }
    if (before) {
      const anchored = await db.auditEvent.findUnique({ where: { chain_seq: { chain: head.chain, seq: before.seq } }, select: { hash: true } });
      if (anchored?.hash !== before.hash) {
        update.held.push(head.chain);
        continue;
      }
    }
    anchor.chains[head.chain] = { seq: head.seq, hash: head.hash, mac: head.mac!, at: new Date().toISOString() };
    update.advanced.push(head.chain);
  }
  if (update.advanced.length) writeAnchor(file, anchor);
  return update;
}

/**
 * Keeps the anchor file current while the server runs: listens for recordAudit's commit notifications, and sweeps
 * every chain at start and each minute (catching what was written while the listener was reconnecting).
 */
export function startAnchorKeeper(db: Db, url: string, file: string, key: Buffer, log: (line: string) => void): { stop(): Promise<void> } {
  let stopped = false;
  let client: pg.Client | null = null;
  const pending = new Set<string>();
  let sweepAll = true;
  let running: Promise<void> | null = null;
  const held = new Set<string>();

  const run = () => {
    if (running || stopped) return;
    running = (async () => {
      while ((sweepAll || pending.size) && !stopped) {
        const only = sweepAll ? undefined : [...pending];
        sweepAll = false;
        pending.clear();
        try {
          const r = await advanceAnchor(db, file, key, only);
          for (const chain of r.held) {
            if (!held.has(chain)) log(`audit chain ${chain} no longer matches its anchor (events cut, rewritten or forged): run charter audit verify`);
            held.add(chain);
          }
        } catch (err) {
          log(`audit anchor not updated: ${(err as Error).message}`);
          break;
        }
      }
    })().finally(() => {
      running = null;
    });
  };

  const listen = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    c.on("error", () => {});
    c.on("end", () => {
      if (client === c) client = null;
      if (!stopped) setTimeout(() => void listen(), 5_000).unref();
    });
    c.on("notification", (n) => {
      if (n.payload) pending.add(n.payload);
      run();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${AUDIT_CHANNEL}`);
      client = c;
      sweepAll = true;
      run();
    } catch {
      await c.end().catch(() => {});
    }
  };

  void listen();
  const timer = setInterval(() => {
    sweepAll = true;
    run();
  }, 60_000);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await client?.end().catch(() => {});
    },
  };
}
