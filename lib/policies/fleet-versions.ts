import type { Db } from "../db";
import { KNOWN_CODEX_VERSIONS, nearestKnownVersion, versionsForFleet } from "../requirements/versions";
import type { Tx } from "./common";

/** Where the versions a policy is checked against come from. */
export type FleetVersionSource = "settings" | "hosts" | "known";

export interface FleetVersions {
  /** Known Codex versions, oldest first: the editor, the API and publishing check the policy against each. */
  versions: string[];
  source: FleetVersionSource;
  /** What the hosts report, and the known version each report is checked as. */
  reported: { reported: string; checkedAs: string; hosts: number }[];
}

/**
 * The Codex versions an org's fleet runs: the ones an owner chose in settings, else the versions its hosts (with a live
 * token) report at check-in, each mapped to the nearest known version (`nearestKnownVersion`), else every known version.
 */
export async function fleetCodexVersions(db: Db | Tx, orgId: string): Promise<FleetVersions> {
  // One after the other: inside a transaction the queries share one connection.
  const org = await db.organization.findUnique({ where: { id: orgId }, select: { codexVersions: true } });
  const rows = await db.agentHost.groupBy({
    by: ["codexVersion"],
    where: { orgId, codexVersion: { not: null }, token: { revokedAt: null } },
    _count: { _all: true },
  });
  const reported = rows
    .filter((r) => r.codexVersion)
    .map((r) => ({ reported: r.codexVersion!, checkedAs: nearestKnownVersion(r.codexVersion!), hosts: r._count._all }))
    .sort((a, b) => a.reported.localeCompare(b.reported));
  const chosen = (org?.codexVersions ?? []).filter((v) => KNOWN_CODEX_VERSIONS.includes(v));
  if (chosen.length > 0) return { versions: KNOWN_CODEX_VERSIONS.filter((k) => chosen.includes(k)), source: "settings", reported };
  if (reported.length > 0) return { versions: versionsForFleet(reported.map((r) => r.reported)), source: "hosts", reported };
  return { versions: [...KNOWN_CODEX_VERSIONS], source: "known", reported };
}

/** One sentence for the editor and the settings page: which versions are checked, and why. */
export function describeFleetVersions(f: FleetVersions): string {
  const list = f.versions.map((v) => `Codex ${v}`).join(", ");
  if (f.source === "settings") return `Checked as ${list}: the versions chosen in settings.`;
  if (f.source === "known") return `Checked as ${list}: no host has reported its Codex version yet, so every version Charter knows.`;
  const hosts = f.reported.reduce((n, r) => n + r.hosts, 0);
  const mapped = f.reported.filter((r) => r.reported !== r.checkedAs).map((r) => `${r.reported} as ${r.checkedAs}`);
  return `Checked as ${list}: the versions ${hosts} host${hosts === 1 ? "" : "s"} report${mapped.length > 0 ? ` (${mapped.join(", ")})` : ""}.`;
}
