import type { Db, Prisma } from "../db";
import type { HostFacts } from "./membership";

type Tx = Prisma.TransactionClient;

/** A host as groups and rollouts see it: its facts plus what it last reported. */
export interface FleetHostFacts extends HostFacts {
  installedVersion: number | null;
  /** The host's own view after its last cycle (current, failed, drifted, pending), when the fleet reports one. */
  state: string | null;
  /** When it last fetched or checked in (null: never). */
  lastSeenAt: Date | null;
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);

/**
 * Every live host of an org (one per live agent token: a token is one host). The group label is the token's group,
 * which enrolment sets from the enrolment secret's group. The check-in row is read whole (to_jsonb), so what the fleet's
 * check-ins add (hostname, os, codexVersion, state) is used as soon as it exists, and nothing breaks before.
 */
export async function loadHosts(db: Db | Tx, orgId: string): Promise<FleetHostFacts[]> {
  const rows = await db.$queryRaw<{ id: string; label: string | null; c: Record<string, unknown> | null }[]>`
    SELECT t.id, t."group" AS label, to_jsonb(c) AS c
    FROM "AgentToken" t LEFT JOIN "AgentCheckIn" c ON c."tokenId" = t.id
    WHERE t."orgId" = ${orgId} AND t."revokedAt" IS NULL`;
  return rows.map(({ id, label, c }) => ({
    id,
    label,
    hostname: str(c?.hostname),
    os: str(c?.os),
    codexVersion: str(c?.codexVersion),
    state: str(c?.state),
    installedVersion: typeof c?.versionInstalled === "number" ? c.versionInstalled : null,
    lastSeenAt: typeof c?.at === "string" ? new Date(c.at) : null,
  }));
}

/** Marks the org's delivery plan stale for every process's bundle endpoint (see lib/rollouts/resolve.ts). */
export async function touchDelivery(tx: Tx | Db, orgId: string): Promise<void> {
  await tx.$executeRaw`INSERT INTO "DeliveryChange" ("orgId", "at") VALUES (${orgId}, now()) ON CONFLICT ("orgId") DO UPDATE SET "at" = now()`;
}
