/**
 * What the agent keeps in its state dir:
 *   agent.json          enrolment: server, org, host token, pinned fingerprints (mode 0600; written by `enroll`)
 *   pull-<org>.json     the rollback floor and, per output file, what was written there (as `charter pull` always had)
 *   last-good-<org>-…   a copy of the last file that was verified and installed, for drift repair and Codex rollback
 *   host-<org>.json     the host's own view for `status` and check-ins: last check, last error, Codex refusals, and
 *                       the events not yet acknowledged by the server
 * A state file that cannot be parsed is never replaced silently: that would lift the rollback floor.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { AgentFailure, errnoOf } from "./failure";
import { readIfExists, writeAtomic } from "./fsx";
import { slugPart } from "./paths";

export type Format = "toml" | "mobileconfig";

export interface OutputRecord {
  format: Format;
  etag: string | null;
  fileSha256: string;
  version: number;
  trust?: string;
}

export interface PullState {
  org: string;
  version: number;
  sha256: string;
  kid: string;
  expiresAt: string;
  refreshAfter?: string;
  installedAt: string;
  outputs: Record<string, OutputRecord>;
}

export type HostEventState = "installed" | "failed" | "drifted" | "repaired" | "codex_refused" | "rolled_back";
export interface HostEvent {
  at: string;
  state: HostEventState;
  version?: number;
  reason?: string;
}

export interface HostStatus {
  lastCheckAt: string | null;
  lastError: string | null;
  /** A version this host's Codex refused: not installed again until a newer version arrives. */
  codexRefused: { version: number; sha256: string; message: string; at: string } | null;
  /** Transitions not yet acknowledged by a check-in (at most MAX_EVENTS, oldest dropped). */
  events: HostEvent[];
}

export interface AgentConfig {
  server: string;
  org: string;
  token: string;
  fingerprints: string[];
  hostId: string | null;
  group: string | null;
  enrolledAt: string;
}

export const MAX_EVENTS = 100;
export const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

export const stateFileOf = (stateDir: string, org: string) => path.join(stateDir, `pull-${slugPart(org)}.json`);
export const hostFileOf = (stateDir: string, org: string) => path.join(stateDir, `host-${slugPart(org)}.json`);
export const configFileOf = (stateDir: string) => path.join(stateDir, "agent.json");
export const lastGoodFileOf = (stateDir: string, org: string, out: string) =>
  path.join(stateDir, `last-good-${slugPart(org)}-${sha256(path.resolve(out)).slice(0, 12)}`);

async function readJson(file: string, what: string): Promise<unknown | null> {
  let raw: Buffer | null;
  try {
    raw = await readIfExists(file);
  } catch (err) {
    throw new AgentFailure("state", `cannot read ${what} ${file} (${errnoOf(err)})`);
  }
  if (!raw) return null;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    return undefined;
  }
}

export async function loadPullState(file: string, org: string): Promise<PullState | null> {
  const value = await readJson(file, "state");
  if (value === null) return null;
  const state = value as PullState | undefined;
  if (!state || typeof state !== "object" || state.org !== org || !Number.isInteger(state.version) || typeof state.outputs !== "object" || state.outputs === null) {
    throw new AgentFailure("state", `state file ${file} is unreadable; move it away only if you trust the next bundle`);
  }
  return state;
}

export async function loadHostStatus(file: string): Promise<HostStatus> {
  const empty: HostStatus = { lastCheckAt: null, lastError: null, codexRefused: null, events: [] };
  const value = await readJson(file, "host status");
  if (value === null) return empty;
  const s = value as Partial<HostStatus> | undefined;
  if (!s || typeof s !== "object" || !Array.isArray(s.events)) {
    throw new AgentFailure("state", `host status file ${file} is unreadable; move it away (it holds only the last check and unsent events)`);
  }
  return { ...empty, ...s, events: s.events.slice(-MAX_EVENTS) };
}

/** Best effort: the host status is informational; a full disk must not turn a good install into a failure. */
export async function saveHostStatus(file: string, status: HostStatus): Promise<void> {
  await writeAtomic(file, JSON.stringify({ ...status, events: status.events.slice(-MAX_EVENTS) }, null, 2) + "\n", 0o644).catch(() => {});
}

export async function loadConfig(stateDir: string): Promise<AgentConfig | null> {
  const file = configFileOf(stateDir);
  const value = await readJson(file, "enrolment");
  if (value === null) return null;
  const c = value as AgentConfig | undefined;
  if (!c || typeof c !== "object" || typeof c.server !== "string" || typeof c.org !== "string" || typeof c.token !== "string" || !Array.isArray(c.fingerprints)) {
    throw new AgentFailure("state", `enrolment file ${file} is unreadable; enrol again with charter-agent enroll`);
  }
  return c;
}
