/**
 * The Codex versions Charter models, as data. Each entry says how that version differs from the one before it; the
 * schema and the rules read these switches, so adding a version is one entry here plus vectors (tests/unit/requirements/
 * vectors.ts) checked against that version's binary with `scripts/codex-oracle.ts --codex VERSION`.
 */
import { AppError } from "../errors";

export interface CodexVersionTraits {
  /** `[permissions.network]` may be set beside `[experimental_network]` (0.169 refuses the pair). */
  networkBesidePermissions: boolean;
  /** `[otel] headers_helper` (string) and `headers_helper_refresh_interval_ms` (nonzero u64) exist. */
  otelHeadersHelper: boolean;
  /** `experimental_network.transparent_tcp` is a typed boolean (0.169 ignores the key). */
  transparentTcp: boolean;
}

export interface CodexVersion extends CodexVersionTraits {
  version: string;
  /** One line per difference from the previous version, shown in the CLI help and the docs. */
  changes: string[];
}

/** Oldest first. */
export const CODEX_VERSIONS: readonly CodexVersion[] = [
  {
    version: "0.169.0",
    networkBesidePermissions: false,
    otelHeadersHelper: false,
    transparentTcp: false,
    changes: [],
  },
  {
    version: "0.171.0",
    networkBesidePermissions: true,
    otelHeadersHelper: true,
    transparentTcp: true,
    changes: [
      "`[permissions.network]` beside `[experimental_network]` loads",
      "`otel.headers_helper` and `otel.headers_helper_refresh_interval_ms` are new",
      "`experimental_network.transparent_tcp` is type-checked (a boolean)",
    ],
  },
];

export const KNOWN_CODEX_VERSIONS: readonly string[] = CODEX_VERSIONS.map((v) => v.version);
export const NEWEST_CODEX_VERSION = CODEX_VERSIONS[CODEX_VERSIONS.length - 1].version;

export function isKnownCodexVersion(version: string): boolean {
  return KNOWN_CODEX_VERSIONS.includes(version);
}

/** The traits of a known version; an unknown version is a clear error naming the known ones. */
export function codexVersion(version: string = NEWEST_CODEX_VERSION): CodexVersion {
  const found = CODEX_VERSIONS.find((v) => v.version === version);
  if (!found)
    throw new AppError("validation_failed", `Codex ${version} is not a version Charter models; known versions: ${KNOWN_CODEX_VERSIONS.join(", ")}.`);
  return found;
}

/**
 * The known version a reported Codex version is checked as: the newest known version not newer than it (a host on
 * 0.170.2 behaves like 0.169.0 as far as Charter knows; one on 0.172.0 like 0.171.0), or the oldest known version for
 * anything older than every known one. Unreadable reports count as the oldest too.
 */
export function nearestKnownVersion(reported: string): string {
  return [...KNOWN_CODEX_VERSIONS].reverse().find((k) => compareVersions(k, reported) <= 0) ?? KNOWN_CODEX_VERSIONS[0];
}

/** The known versions a fleet's reported versions map to (oldest first). Nothing reported → every known one. */
export function versionsForFleet(reported: readonly (string | null | undefined)[]): string[] {
  const out = new Set(reported.filter((r): r is string => !!r).map(nearestKnownVersion));
  return out.size > 0 ? KNOWN_CODEX_VERSIONS.filter((k) => out.has(k)) : [...KNOWN_CODEX_VERSIONS];
}

/** Compares dotted numeric versions (`0.171.0`, also `codex-cli 0.171.0` or `0.171.0-alpha.1`: the first x.y.z wins). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => (/(\d+)\.(\d+)\.(\d+)/.exec(v)?.slice(1) ?? ["0", "0", "0"]).map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}
