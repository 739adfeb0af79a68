/**
 * One pull cycle: fetch the org's signed bundle, verify it (bundle/verify.ts, in the DESIGN.md order), install it
 * atomically, and have the host's Codex load it. Any failure leaves the installed file exactly as it was and is one
 * AgentFailure (reason word + one line). Shared by `charter-agent pull`, every cycle of `charter-agent run`, and the
 * repository's own `charter pull` (cli/pull.ts), which passes Charter's validator as the last check.
 */
import { readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { requirementsMobileconfig } from "../../../lib/bundles/mobileconfig";
import { keyFingerprint, parseJwks, verifyBundle, DEFAULT_CLOCK_SKEW_MS, type BundleTrust, type Jwks, type RequirementsCheck } from "./bundle/verify";
import { codexLoads } from "./codex";
import { AgentFailure, errnoOf } from "./failure";
import { checkTarget, readIfExists, writeAtomic } from "./fsx";
import { expectNotHtml, expectOk, request } from "./http";
import { defaultOut, defaultStateDir } from "./paths";
import {
  hostFileOf,
  lastGoodFileOf,
  loadConfig,
  loadHostStatus,
  loadPullState,
  sha256,
  stateFileOf,
  type AgentConfig,
  type Format,
  type HostEvent,
  type HostStatus,
  type PullState,
} from "./state";
import { userAgent } from "./version";

export const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
const FINGERPRINT = /^[A-Za-z0-9_-]{43}$/;

export interface PullOptions {
  /** How lines start: "charter-agent pull", "charter pull". */
  prog: string;
  server: URL;
  token: string;
  org: string;
  trust: { file: string } | { fingerprints: string[] };
  out: string;
  stateDir: string;
  format: Format;
  check: boolean;
  timeoutMs: number;
  /** The Codex binary that must load each new file; null: no Codex check. */
  codex: string | null;
  validate?: RequirementsCheck;
  /** The enrolment (agent.json) when the host enrolled: check-ins go with it. */
  enrolment: AgentConfig | null;
}

export const COMMON_OPTIONS = {
  server: { type: "string" },
  token: { type: "string" },
  org: { type: "string" },
  trust: { type: "string" },
  "trust-fingerprint": { type: "string", multiple: true },
  out: { type: "string" },
  "state-dir": { type: "string" },
  format: { type: "string" },
  timeout: { type: "string" },
  codex: { type: "string" },
  "no-codex": { type: "boolean" },
} as const;

export const COMMON_HELP = `  --server URL            Charter's address, e.g. https://charter.example.com (default: from enroll)
  --token TOKEN           host token; better: CHARTER_TOKEN, or enroll (which stores it in the state dir, mode 0600)
  --org SLUG              the org this host belongs to; a bundle of any other org is refused (default: from enroll)
  --trust FILE            pinned public keys: a JWKS file (from /api/v1/orgs/SLUG/keys, copied out of band)
  --trust-fingerprint FP  pinned RFC 7638 sha256 thumbprint(s) of the signing key(s), comma-separated or repeated;
                          the server's JWKS is fetched but only a key with a pinned thumbprint is used (default: from enroll)
  --out PATH              default ${defaultOut()}
                          (Linux and macOS /etc/codex/requirements.toml; Windows %ProgramData%\\OpenAI\\Codex\\requirements.toml)
  --state-dir DIR         enrolment, rollback floor, last good copy; default ${defaultStateDir()}
  --format FORMAT         toml (default) or mobileconfig (a macOS profile setting com.openai.codex
                          requirements_toml_base64, for MDM tools; needs --out)
  --timeout SECONDS       per request, default 30
  --codex PATH            the Codex that must load each new file (default: CHARTER_CODEX, else codex on PATH)
  --no-codex              do not ask Codex (the file is still checked by Charter's rules)`;

type Values = { [K in keyof typeof COMMON_OPTIONS]?: (typeof COMMON_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof COMMON_OPTIONS)[K] extends { type: "boolean" } ? boolean : string };

/** Reads the common options (flags first, then the enrolment in the state dir); a string is a usage error. */
export async function resolveOptions(
  prog: string,
  values: Values & { check?: boolean },
  extra: { validate?: RequirementsCheck; findCodex: (explicit: string | undefined) => string | null },
): Promise<PullOptions | string> {
  const stateDir = path.resolve(values["state-dir"] ?? defaultStateDir());
  const enrolment = await loadConfig(stateDir);
  const serverText = values.server ?? enrolment?.server;
  if (!serverText) return "--server URL is required (or enroll first: charter-agent enroll)";
  let server: URL;
  try {
    server = new URL(serverText.endsWith("/") ? serverText : `${serverText}/`);
    if (server.protocol !== "https:" && server.protocol !== "http:") throw new Error();
  } catch {
    return `--server must be an http(s) URL, got ${JSON.stringify(serverText)}`;
  }
  const org = values.org ?? enrolment?.org;
  if (!org) return "--org SLUG is required: the host refuses bundles of any other org";
  const sameEnrolment = enrolment && enrolment.org === org ? enrolment : null;
  const token = values.token ?? process.env.CHARTER_TOKEN ?? sameEnrolment?.token ?? "";
  if (!token) return "an agent token is required: set CHARTER_TOKEN (preferred), pass --token, or enroll";
  if (values.trust && values["trust-fingerprint"]) return "give either --trust or --trust-fingerprint, not both";
  let fingerprints = (values["trust-fingerprint"] ?? []).flatMap((f) => f.split(",")).map((f) => f.trim()).filter(Boolean);
  if (!values.trust && fingerprints.length === 0) fingerprints = sameEnrolment?.fingerprints ?? [];
  if (!values.trust && fingerprints.length === 0) return "a pinned key is required: --trust JWKS_FILE or --trust-fingerprint FP";
  const badFp = fingerprints.find((f) => !FINGERPRINT.test(f));
  if (badFp) return `--trust-fingerprint ${JSON.stringify(badFp)} is not an RFC 7638 sha256 thumbprint (43 base64url characters)`;
  const format = (values.format ?? "toml") as Format;
  if (format !== "toml" && format !== "mobileconfig") return `--format must be toml or mobileconfig, got ${JSON.stringify(values.format)}`;
  if (format === "mobileconfig" && !values.out) return "--format mobileconfig needs --out PATH (e.g. codex-requirements.mobileconfig)";
  const timeout = values.timeout === undefined ? 30 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) return `--timeout must be a positive number of seconds, got ${JSON.stringify(values.timeout)}`;
  if (values.codex !== undefined && values["no-codex"]) return "give either --codex or --no-codex, not both";
  return {
    prog,
    server,
    token,
    org,
    trust: values.trust ? { file: values.trust } : { fingerprints },
    out: path.resolve(values.out ?? defaultOut()),
    stateDir,
    format,
    check: values.check ?? false,
    timeoutMs: timeout * 1000,
    // A profile for MDM is not what Codex reads from disk, so Codex cannot be asked about it here.
    codex: values["no-codex"] || format !== "toml" ? null : extra.findCodex(values.codex),
    validate: extra.validate,
    enrolment: sameEnrolment,
  };
}

/** A pinned JWKS file that cannot be used is a configuration error (exit 2): the message, or the keys. */
export async function loadPinned(opts: PullOptions): Promise<Jwks | null | string> {
  if (!("file" in opts.trust)) return null;
  const file = opts.trust.file;
  let pinned: Jwks;
  try {
    pinned = parseJwks(JSON.parse(await readFile(file, "utf8")));
  } catch (err) {
    return `cannot use --trust ${file}: ${errnoOf(err)}`;
  }
  if (pinned.keys.length === 0) return `--trust ${file} holds no public Ed25519 key with a kid`;
  return pinned;
}


/** A digest of what the host pins (key thumbprints), so a change of pins forces a full fetch and verification. */
function trustIdentity(opts: PullOptions, pinned: Jwks | null): string {
  const prints = pinned ? pinned.keys.map((k) => keyFingerprint(k)) : (opts.trust as { fingerprints: string[] }).fingerprints;
  return sha256([...new Set(prints)].sort().join(",")).slice(0, 32);
}

const ERRNO_WORDS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EISDIR: "is a directory",
  ENOTDIR: "a parent is not a directory",
};
const describeErrno = (err: unknown) => {
  const code = errnoOf(err);
  return ERRNO_WORDS[code] ? `${code}: ${ERRNO_WORDS[code]}` : code;
};
const writeFailure = (file: string, err: unknown) => new AgentFailure("write", `cannot write ${file} (${describeErrno(err)})`);

/** The host's clock decides expiry; one that is far off would refuse good bundles (or keep expired ones): say so. */
function checkClock(dateHeader: string | undefined, now = Date.now()): void {
  const serverNow = dateHeader ? Date.parse(dateHeader) : NaN;
  if (!Number.isFinite(serverNow)) return;
  const off = now - serverNow;
  if (Math.abs(off) <= DEFAULT_CLOCK_SKEW_MS) return;
  const minutes = Math.round(Math.abs(off) / 60_000);
  throw new AgentFailure(
    "clock",
    `this host's clock is ${minutes} min ${off > 0 ? "ahead of" : "behind"} the server's (${new Date(serverNow).toISOString()}); set the time (NTP) — bundle expiry depends on it`,
  );
}

export interface Cycle {
  /** The line printed on success. */
  message: string;
  /** Transitions this cycle made (also appended to the host status). */
  events: HostEvent[];
}

const event = (state: HostEvent["state"], extra: Omit<HostEvent, "at" | "state"> = {}): HostEvent => ({ at: new Date().toISOString(), state, ...extra });

/**
 * If the file on disk is not the one we installed (edited or removed), put the last good copy back. Works with the
 * server down; the fetch that follows then revalidates as usual. Returns the bytes now on disk.
 */
async function repairDrift(opts: PullOptions, state: PullState | null, current: Buffer | null, events: HostEvent[], log: (line: string) => void): Promise<Buffer | null> {
  const record = state?.outputs[opts.out];
  if (!record || opts.check) return current;
  if (current && sha256(current) === record.fileSha256) return current;
  const how = current ? "changed" : "removed";
  events.push(event("drifted", { version: record.version, reason: `${opts.out} was ${how} on this host` }));
  const copy = await readIfExists(lastGoodFileOf(opts.stateDir, opts.org, opts.out)).catch(() => null);
  if (!copy || sha256(copy) !== record.fileSha256) return current; // no usable copy: the full fetch below re-installs
  try {
    await writeAtomic(opts.out, copy);
  } catch (err) {
    throw writeFailure(opts.out, err);
  }
  events.push(event("repaired", { version: record.version }));
  log(`${opts.prog}: repaired drift: ${opts.out} was ${how}; restored version ${record.version} from the last good copy`);
  return copy;
}

export async function pullCycle(opts: PullOptions, pinned: Jwks | null, host: HostStatus, log: (line: string) => void): Promise<Cycle> {
  const events: HostEvent[] = [];
  if (opts.server.protocol === "http:" && !["localhost", "127.0.0.1", "[::1]"].includes(opts.server.hostname)) {
    // The signature protects the bundle, not the token: say so, once.
    log(`${opts.prog}: warning: ${opts.server.origin} is plain http; the agent token travels unencrypted`);
  }
  await checkTarget(opts.out);
  const state = await loadPullState(stateFileOf(opts.stateDir, opts.org), opts.org);
  let current = await readIfExists(opts.out).catch((err) => {
    throw new AgentFailure("target", `cannot read ${opts.out} (${describeErrno(err)})`);
  });
  current = await repairDrift(opts, state, current, events, log);
  const record = state?.outputs[opts.out];
  const trustId = trustIdentity(opts, pinned);
  const now = Date.now();
  // Ask for "not modified" only when the file on disk is the one we wrote, its bundle is still valid and not yet due
  // for re-signing, and the pinned keys are the ones it was verified with; otherwise a 304 (from a mirror, say) could
  // freeze a host on a file someone changed, an old or expired bundle, or one signed by a key no longer trusted.
  const dueForRefresh = !!state?.refreshAfter && Date.parse(state.refreshAfter) <= now;
  const canRevalidate =
    !opts.check &&
    !!record?.etag &&
    record.format === opts.format &&
    record.trust === trustId &&
    !!current &&
    sha256(current) === record.fileSha256 &&
    !!state &&
    Date.parse(state.expiresAt) > now &&
    !dueForRefresh;

  const headers: Record<string, string> = { Authorization: `Bearer ${opts.token}`, Accept: "application/jose", "User-Agent": userAgent() };
  // Reported in the console's fleet view: what this host runs now (before this pull).
  if (state) headers["X-Charter-Installed-Version"] = String(state.version);
  if (canRevalidate) headers["If-None-Match"] = record!.etag!;
  const res = await request(new URL("api/v1/agent/bundle", opts.server), { headers, timeoutMs: opts.timeoutMs, maxBytes: MAX_BUNDLE_BYTES, what: "bundle" });
  if (res.status === 304) {
    if (!canRevalidate) throw new AgentFailure("http", "bundle: server answered 304 Not Modified to a request without If-None-Match");
    checkClock(res.headers.date);
    return { message: `up to date: version ${state!.version} of ${opts.org} at ${opts.out}`, events };
  }
  expectOk(res, "bundle");
  expectNotHtml(res, "bundle");
  checkClock(res.headers.date);
  const jws = res.body.toString("utf8");
  const etag = typeof res.headers.etag === "string" ? res.headers.etag : null;

  let trust: BundleTrust;
  if (pinned) trust = { jwks: pinned };
  else {
    const { fingerprints } = opts.trust as { fingerprints: string[] };
    // Fetched keys are only candidates: verifyBundle uses one only if its thumbprint is pinned.
    const keysUrl = new URL(`api/v1/orgs/${encodeURIComponent(opts.org)}/keys`, opts.server);
    const keysRes = await request(keysUrl, {
      headers: { Accept: "application/jwk-set+json, application/json", "User-Agent": userAgent() },
      timeoutMs: opts.timeoutMs,
      maxBytes: 1024 * 1024,
      what: "keys",
    });
    expectOk(keysRes, "keys");
    let candidates: Jwks;
    try {
      candidates = parseJwks(JSON.parse(keysRes.body.toString("utf8")));
    } catch {
      throw new AgentFailure("http", `keys: ${keysUrl.pathname} did not return a JWKS`);
    }
    trust = { fingerprints, candidates };
  }

  const verdict = await verifyBundle(jws, { trust, expectedOrg: opts.org, lastInstalledVersion: state?.version, validate: opts.validate });
  if (!verdict.ok) throw new AgentFailure(verdict.reason, verdict.message, true);
  const { payload, kid } = verdict;
  // A copy that is itself past its refresh time means the server (or a mirror in between) is not re-signing.
  const stale = payload.refreshAfter && Date.parse(payload.refreshAfter) <= now ? ` (warning: the server still serves a bundle due for re-signing since ${payload.refreshAfter})` : "";
  const refetched = dueForRefresh && record?.etag ? `; fetched in full: the installed bundle was due for re-signing at ${state!.refreshAfter}` : "";

  if (opts.check) return { message: `verified version ${payload.version} of ${opts.org} (key ${kid}, expires ${payload.expiresAt}); wrote nothing (--check)${stale}`, events };

  const data =
    opts.format === "mobileconfig"
      ? requirementsMobileconfig({ org: payload.org, version: payload.version, requirementsToml: payload.requirementsToml })
      : payload.requirementsToml;
  const fileSha256 = sha256(Buffer.from(data, "utf8"));
  const unchanged = !!current && sha256(current) === fileSha256;
  const refused = host.codexRefused;
  if (!unchanged && refused && refused.version === payload.version && refused.sha256 === payload.sha256) {
    throw new AgentFailure("codex refused", `${refused.message} (this host's Codex refused version ${payload.version} at ${refused.at}; waiting for a newer version)`);
  }

  let codexNote = "";
  if (!unchanged) {
    try {
      await writeAtomic(opts.out, data);
    } catch (err) {
      throw writeFailure(opts.out, err);
    }
    if (opts.codex) {
      const verdict = await codexLoads(opts.codex);
      if ("unavailable" in verdict) codexNote = `; not checked by Codex: ${verdict.unavailable}`;
      else if (!verdict.loads) {
        // Put back exactly what was there (the last good file, after any drift repair above), or nothing.
        try {
          if (current) await writeAtomic(opts.out, current);
          else await unlink(opts.out);
        } catch (err) {
          throw new AgentFailure("write", `Codex refused version ${payload.version} (${verdict.message}) and ${opts.out} could not be restored (${describeErrno(err)})`);
        }
        host.codexRefused = { version: payload.version, sha256: payload.sha256, message: verdict.message, at: new Date().toISOString() };
        events.push(event("codex_refused", { version: payload.version, reason: verdict.message }));
        if (state) events.push(event("rolled_back", { version: state.version }));
        throw new AgentFailure("codex refused", verdict.message);
      } else codexNote = "; Codex loads it";
    }
  }

  const next: PullState = {
    org: opts.org,
    version: Math.max(payload.version, state?.version ?? 0),
    sha256: payload.sha256,
    kid,
    expiresAt: payload.expiresAt,
    ...(payload.refreshAfter ? { refreshAfter: payload.refreshAfter } : {}),
    installedAt: new Date().toISOString(),
    outputs: { ...state?.outputs, [opts.out]: { format: opts.format, etag, fileSha256, version: payload.version, trust: trustId } },
  };
  const stateFile = stateFileOf(opts.stateDir, opts.org);
  try {
    await writeAtomic(lastGoodFileOf(opts.stateDir, opts.org, opts.out), data, 0o600);
    await writeAtomic(stateFile, JSON.stringify(next, null, 2) + "\n");
  } catch (err) {
    throw new AgentFailure(
      "state-after-install",
      `installed version ${payload.version} to ${opts.out} but cannot record it in ${opts.stateDir} (${describeErrno(err)}); rollback protection needs that file`,
    );
  }
  if (host.codexRefused && payload.version > host.codexRefused.version) host.codexRefused = null;
  if (!unchanged) events.push(event("installed", { version: payload.version }));
  const message = unchanged
    ? `up to date: version ${payload.version} of ${opts.org} already at ${opts.out} (verified, key ${kid})`
    : `installed version ${payload.version} of ${opts.org} to ${opts.out} (sha256 ${payload.sha256.slice(0, 12)}…, key ${kid})`;
  return { message: `${message}${codexNote}${refetched}${stale}`, events };
}

/** The host's state as a check-in reports it, from what is on disk now and how the last cycle went. */
export async function hostState(opts: Pick<PullOptions, "out" | "org" | "stateDir">, failed: boolean) {
  const state = await loadPullState(stateFileOf(opts.stateDir, opts.org), opts.org).catch(() => null);
  const record = state?.outputs[opts.out] ?? null;
  const disk = await readIfExists(opts.out).catch(() => null);
  const diskSha256 = disk ? sha256(disk) : null;
  const view: "current" | "failed" | "drifted" | "pending" = failed ? "failed" : !record ? "pending" : diskSha256 !== record.fileSha256 ? "drifted" : "current";
  return { state: view, installedVersion: record?.version ?? null, installedSha256: record?.fileSha256 ?? null, diskSha256, pull: state, record };
}

export { hostFileOf, loadHostStatus };
