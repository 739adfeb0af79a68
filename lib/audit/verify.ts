import type { Db } from "../db";
import { eventHash, GENESIS_HASH, GLOBAL_CHAIN, type ChainedFields } from "./chain";
import { anchorPath, auditKey, macMatches, readAnchor, type AnchorEntry } from "./anchor";

/** Why a chain is broken: a link (most specific first), or the chain against its anchor outside the database. */
export const BROKEN_REASONS = ["seq_gap", "duplicate_seq", "wrong_chain", "hash_mismatch", "prev_hash_mismatch", "mac_mismatch", "truncated", "wiped", "anchor_mismatch"] as const;
export type BrokenReason = (typeof BROKEN_REASONS)[number];

export interface BrokenLink {
  seq: number;
  /** The row id (a bigint, as text); empty when the event is missing (truncated, wiped). */
  id: string;
  reason: BrokenReason;
  /** One sentence for people: what is wrong and what it means. */
  message: string;
}

/** What was checked beyond the hashes: MACs (needs CHARTER_MASTER_KEY) and the anchor (the seq it holds, if any). */
export interface VerifyChecks {
  macs: boolean;
  anchoredSeq: number | null;
}

export type ChainVerification =
  | { ok: true; chain: string; count: number; head: { seq: number; hash: string } | null; checks: VerifyChecks }
  | { ok: false; chain: string; count: number; firstBroken: BrokenLink; checks: VerifyChecks };

export interface VerifyOptions {
  /** The MAC key (auditKey()); null skips the MAC check. */
  key: Buffer | null;
  /** This chain's entry of the anchor file; null when there is none. */
  anchor: AnchorEntry | null;
}

/** The key and this chain's anchor as the running process has them (CHARTER_MASTER_KEY, CHARTER_DATA_DIR). */
export function verifyOptionsFromEnv(chain: string, env: Record<string, string | undefined> = process.env): VerifyOptions {
  const key = auditKey(env);
  const file = anchorPath(env);
  return { key, anchor: key && file ? (readAnchor(file, key).chains[chain] ?? null) : null };
}

const BATCH = 1_000;

/**
 * Walks one chain in seq order and recomputes every event's hash from its stored fields. Stops at the first broken
 * link and names it: an edited row no longer matches its hash; a forged or re-linked row does not point at the hash of
 * the event before it; a deleted row leaves a gap in seq. The head (last seq and hash) is what an operator can record
 * elsewhere, since an attacker who can write the table could also append well-formed events or cut the newest ones.
 */
export async function verifyChain(db: Db, chain: string, opts: VerifyOptions = verifyOptionsFromEnv(chain)): Promise<ChainVerification> {
  const expectedOrgId = chain === GLOBAL_CHAIN ? null : chain;
  const checks: VerifyChecks = { macs: opts.key !== null, anchoredSeq: opts.anchor?.seq ?? null };
  let previous: { seq: number; hash: string } | null = null;
  let count = 0;
  // Rows from before MACs existed form a prefix: once one row carries a MAC, every later one must.
  let macSeen = false;
  let hashAtAnchor: string | null = null;
  let cursor: { seq: number; id: bigint } | null = null;
  for (;;) {
    const c: { seq: number; id: bigint } | null = cursor;
    const rows: StoredEvent[] = await db.auditEvent.findMany({
      where: { chain, ...(c ? { OR: [{ seq: { gt: c.seq } }, { seq: c.seq, id: { gt: c.id } }] } : {}) },
      orderBy: [{ seq: "asc" }, { id: "asc" }],
      take: BATCH,
    });
    for (const row of rows) {
      count++;
      let broken = checkLink(row, previous, expectedOrgId);
      if (!broken && opts.key && (row.mac !== null || macSeen)) {
        macSeen = true;
        if (!macMatches(opts.key, chain, row.seq, row.hash, row.mac)) {
          broken = { seq: row.seq, id: row.id.toString(), reason: "mac_mismatch", message: "MAC mismatch — the row was written or re-hashed outside Charter, by someone without its key" };
        }
      }
      if (broken) return { ok: false, chain, count: await db.auditEvent.count({ where: { chain } }), firstBroken: broken, checks };
      previous = { seq: row.seq, hash: row.hash };
      if (row.seq === opts.anchor?.seq) hashAtAnchor = row.hash;
    }
    if (rows.length < BATCH) break;
    const last: StoredEvent = rows[rows.length - 1];
    cursor = { seq: last.seq, id: last.id };
  }
  const a = opts.anchor;
  if (a) {
    const missing = (reason: BrokenReason, message: string): ChainVerification => ({ ok: false, chain, count, firstBroken: { seq: a.seq, id: "", reason, message }, checks });
    if (count === 0) return missing("wiped", `wiped — the chain is empty, but the anchor outside the database saw it at event #${a.seq}: the whole history was deleted`);
    if (previous!.seq < a.seq) {
      return missing("truncated", `truncated — the chain ends at #${previous!.seq}, but the anchor outside the database saw event #${a.seq}: the newest events were deleted`);
    }
    if (hashAtAnchor !== a.hash) {
      return missing("anchor_mismatch", `anchor mismatch — event #${a.seq} is not the one the anchor outside the database saw: events were deleted and the chain continued, or the history was rewritten`);
    }
  }
  return { ok: true, chain, count, head: previous, checks };
}

/** Verifies an org's chain (with the key and anchor of this process). */
export function verifyOrg(db: Db, orgId: string): Promise<ChainVerification> {
  return verifyChain(db, orgId);
}

type StoredEvent = ChainedFields & { id: bigint; hash: string; mac: string | null };

function checkLink(row: StoredEvent, previous: { seq: number; hash: string } | null, expectedOrgId: string | null): BrokenLink | null {
  const at = (reason: BrokenReason, message: string): BrokenLink => ({ seq: row.seq, id: row.id.toString(), reason, message });
  const expectedSeq = (previous?.seq ?? 0) + 1;
  if (previous && row.seq === previous.seq) {
    return at("duplicate_seq", `duplicate — a second event claims #${row.seq}: one of them was inserted by hand`);
  }
  if (row.seq !== expectedSeq) {
    const missing = row.seq - expectedSeq === 1 ? `#${expectedSeq} is` : `#${expectedSeq}–#${row.seq - 1} are`;
    return at("seq_gap", `seq gap — event ${missing} missing: rows were deleted`);
  }
  if (row.orgId !== expectedOrgId) {
    return at("wrong_chain", "org mismatch — the row names another organisation than the chain it sits in");
  }
  const fields: ChainedFields = {
    chain: row.chain,
    seq: row.seq,
    orgId: row.orgId,
    prevHash: row.prevHash,
    createdAt: row.createdAt,
    actorType: row.actorType,
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    diff: row.diff,
    meta: row.meta,
    requestId: row.requestId,
    ip: row.ip,
  };
  if (eventHash(fields) !== row.hash) {
    return at("hash_mismatch", "hash mismatch — the row was changed after it was written");
  }
  const expectedPrev = previous?.hash ?? GENESIS_HASH;
  if (row.prevHash !== expectedPrev) {
    const before = previous ? `event #${previous.seq}` : "the start of the chain";
    return at("prev_hash_mismatch", `prevHash mismatch — the row does not link to ${before}: it was forged or inserted, or the chain was re-linked`);
  }
  return null;
}

export interface ChainRef {
  chain: string;
  /** The org of the chain; null for the global chain, or for events of an org that no longer exists. */
  org: { id: string; slug: string; name: string } | null;
}

/**
 * Every chain there is to verify: each org's (also when it has no events yet), the global one, and any chain whose org
 * is gone. Ordered by org slug, global last.
 */
export async function listChains(db: Db): Promise<ChainRef[]> {
  const orgs = await db.organization.findMany({ select: { id: true, slug: true, name: true }, orderBy: { slug: "asc" } });
  // Distinct chains by a loose index scan over (chain, seq), so this stays quick on a large log.
  const stored = await db.$queryRaw<{ chain: string }[]>`
    WITH RECURSIVE c AS (
      SELECT min("chain") AS chain FROM "AuditEvent"
      UNION ALL
      SELECT (SELECT min("chain") FROM "AuditEvent" WHERE "chain" > c.chain) FROM c WHERE c.chain IS NOT NULL
    )
    SELECT chain FROM c WHERE chain IS NOT NULL`;
  const known = new Set(orgs.map((o) => o.id));
  const refs: ChainRef[] = orgs.map((org) => ({ chain: org.id, org }));
  for (const { chain } of stored) {
    if (chain !== GLOBAL_CHAIN && !known.has(chain)) refs.push({ chain, org: null });
  }
  refs.push({ chain: GLOBAL_CHAIN, org: null });
  return refs;
}
