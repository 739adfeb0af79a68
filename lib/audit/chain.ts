import { createHash } from "node:crypto";
import type { Prisma } from "../db";

/** The chain of events that belong to no org (e.g. a failed sign-in with an unknown email). */
export const GLOBAL_CHAIN = "global";
/** The prevHash of the first event of every chain. */
export const GENESIS_HASH = "0".repeat(64);

/** The fields a hash covers: everything but the row id and the hash itself. */
export interface ChainedFields {
  chain: string;
  seq: number;
  orgId: string | null;
  prevHash: string;
  createdAt: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  diff: Prisma.JsonValue | null;
  meta: Prisma.JsonValue | null;
  requestId: string | null;
  ip: string | null;
}

/** sha256 over a canonical JSON form (sorted keys, ISO time), so the hash can be recomputed from the stored row. */
export function eventHash(f: ChainedFields): string {
  return createHash("sha256").update(canonicalJson({ ...f, createdAt: f.createdAt.toISOString() })).digest("hex");
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}
