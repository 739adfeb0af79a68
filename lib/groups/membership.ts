import { z } from "zod";

/*
 * Which group a host belongs to. A host is a member of a group when it was enrolled or tokened with the group's name,
 * or when what it reports matches every rule the group sets. A host matching several groups belongs to the one with
 * the highest priority; equal priorities go to the alphabetically first name. So the answer never depends on the order
 * rows come back from the database.
 */

export const HOST_OS = ["linux", "darwin", "win32"] as const;

const VERSION = /^\d+(\.\d+){0,2}$/;
const COMPARATOR = /^(>=|<=|>|<|=)?(\d+(?:\.\d+){0,2})$/;

export const groupRulesSchema = z
  .object({
    os: z.array(z.enum(HOST_OS)).min(1, "Name at least one OS or leave the rule out").optional(),
    codexVersion: z
      .string()
      .trim()
      .max(100)
      .refine((r) => r.split(/\s+/).every((c) => COMPARATOR.test(c)), 'A Codex version range such as ">=0.169.0 <0.172", or an exact version')
      .optional(),
    hostnamePattern: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[\w.*?-]+$/, "A host name glob: letters, digits, dots, dashes, * and ?")
      .optional(),
  })
  .strict();
export type GroupRules = z.infer<typeof groupRulesSchema>;

/** What the resolver knows about a host (from its token or enrolment and its last check-in). */
export interface HostFacts {
  id: string;
  /** The group name the host was enrolled or tokened with. */
  label: string | null;
  os?: string | null;
  codexVersion?: string | null;
  hostname?: string | null;
}

export interface GroupDef {
  id: string;
  name: string;
  priority: number;
  rules: GroupRules | null;
}

function parts(v: string): number[] {
  const m = /^(\d+(?:\.\d+){0,2})/.exec(v.trim());
  return (m ? m[1] : "0").split(".").map(Number);
}

export function compareVersions(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** ">=0.169 <0.172" style ranges; a bare version means exactly that version. */
export function versionInRange(version: string, range: string): boolean {
  if (!VERSION.test(parts(version).join("."))) return false;
  return range
    .trim()
    .split(/\s+/)
    .every((c) => {
      const m = COMPARATOR.exec(c);
      if (!m) return false;
      const cmp = compareVersions(version, m[2]);
      switch (m[1]) {
        case ">=":
          return cmp >= 0;
        case "<=":
          return cmp <= 0;
        case ">":
          return cmp > 0;
        case "<":
          return cmp < 0;
        default:
          return cmp === 0;
      }
    });
}

/** Case-insensitive glob with * and ?, a trailing dot ignored (as Codex matches host names). */
export function hostnameMatches(pattern: string, hostname: string): boolean {
  const strip = (s: string) => s.trim().replace(/\.$/, "").toLowerCase();
  const body = strip(pattern)
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`).test(strip(hostname));
}

/** True when the group has at least one rule and the host's reports satisfy all of them. */
export function rulesMatch(rules: GroupRules | null, host: HostFacts): boolean {
  if (!rules || (!rules.os && !rules.codexVersion && !rules.hostnamePattern)) return false;
  if (rules.os && !(host.os && (rules.os as string[]).includes(host.os))) return false;
  if (rules.codexVersion && !(host.codexVersion && versionInRange(host.codexVersion, rules.codexVersion))) return false;
  if (rules.hostnamePattern && !(host.hostname && hostnameMatches(rules.hostnamePattern, host.hostname))) return false;
  return true;
}

export function isMember(group: GroupDef, host: HostFacts): boolean {
  return host.label === group.name || rulesMatch(group.rules, host);
}

/** Highest priority first, then name: the order in which a host's groups are considered. */
export function byPrecedence(a: GroupDef, b: GroupDef): number {
  return b.priority - a.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** The one group whose overlay the host gets, or null. `groups` must be sorted with byPrecedence. */
export function groupFor(host: HostFacts, sortedGroups: readonly GroupDef[]): GroupDef | null {
  for (const g of sortedGroups) if (isMember(g, host)) return g;
  return null;
}
