import type { Db } from "../db";
import { eventHash, GENESIS_HASH, GLOBAL_CHAIN, type ChainedFields } from "./chain";

/** Why a link of the chain is broken, most specific first. */
export type BrokenReason = "seq_gap" | "duplicate_seq" | "wrong_chain" | "hash_mismatch" | "prev_hash_mismatch";

export interface BrokenLink {
  seq: number;
  /** The row id (a bigint, as text). */
  id: string;
  reason: BrokenReason;
  /** One sentence for people: what is wrong and what it means. */
  message: string;
}

export type ChainVerification =
  | { ok: true; chain: string; count: number; head: { seq: number; hash: string } | null }
  | { ok: false; chain: string; count: number; firstBroken: BrokenLink };

const BATCH = 1_000;

/**
 * Walks one chain in seq order and recomputes every event's hash from its stored fields. Stops at the first broken
 * link and names it: an edited row no longer matches its hash; a forged or re-linked row does not point at the hash of
 * the event before it; a deleted row leaves a gap in seq. The head (last seq and hash) is what an operator can record
 * elsewhere, since an attacker who can write the table could also append well-formed events or cut the newest ones.
 */
export async function verifyChain(db: Db, chain: string): Promise<ChainVerification> {
  const expectedOrgId = chain === GLOBAL_CHAIN ? null : chain;
  let previous: { seq: number; hash: string } | null = null;
  let count = 0;
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
      const broken = checkLink(row, previous, expectedOrgId);
      if (broken) return { ok: false, chain, count: await db.auditEvent.count({ where: { chain } }), firstBroken: broken };
      previous = { seq: row.seq, hash: row.hash };
    }
    if (rows.length < BATCH) break;
    const last: StoredEvent = rows[rows.length - 1];
    cursor = { seq: last.seq, id: last.id };
  }
  return { ok: true, chain, count, head: previous };
}

/** Verifies an org's chain. */
export function verifyOrg(db: Db, orgId: string): Promise<ChainVerification> {
  return verifyChain(db, orgId);
}

type StoredEvent = ChainedFields & { id: bigint; hash: string };

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
