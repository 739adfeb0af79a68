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

/**
 * Every live host of an org (one per live agent token: a token is one host), with what its check-ins report
 * (AgentHost: hostname, OS, Codex version, state, installed version) and, for hosts that only fetch, the installed
 * version their bundle requests name. The group label is the token's group (enrolment copies the secret's group).
 */
export async function loadHosts(db: Db | Tx, orgId: string): Promise<FleetHostFacts[]> {
  const rows = await db.agentToken.findMany({
    where: { orgId, revokedAt: null },
    select: {
      id: true,
      group: true,
      checkIn: { select: { versionInstalled: true, at: true } },
      host: { select: { hostname: true, os: true, codexVersion: true, reportedState: true, installedVersion: true, lastSeenAt: true } },
    },
  });
  return rows.map(({ id, group, checkIn, host }) => {
    const reported = host?.lastSeenAt ? host.installedVersion : null;
    const fetched = checkIn?.versionInstalled ?? null;
    const seen = [host?.lastSeenAt, checkIn?.at].filter((d): d is Date => !!d);
    return {
      id,
      label: group,
      hostname: host?.hostname ?? null,
      os: host?.os ?? null,
      codexVersion: host?.codexVersion ?? null,
      state: host?.lastSeenAt ? host.reportedState : null,
      // Versions only go up (a rollback is a new number), so the higher of the two reports is the newer one.
      installedVersion: reported === null ? fetched : fetched === null ? reported : Math.max(reported, fetched),
      lastSeenAt: seen.length ? new Date(Math.max(...seen.map((d) => d.getTime()))) : null,
    };
  });
}

/** Marks the org's delivery plan stale for every process's bundle endpoint (see lib/rollouts/resolve.ts). */
export async function touchDelivery(tx: Tx | Db, orgId: string): Promise<void> {
  await tx.$executeRaw`INSERT INTO "DeliveryChange" ("orgId", "at") VALUES (${orgId}, now()) ON CONFLICT ("orgId") DO UPDATE SET "at" = now()`;
}
