/**
 * `charter pull`: fetch the org's signed bundle, verify it (lib/bundles/verify.ts, in the DESIGN.md order), then install
 * it atomically. Any failure leaves the installed file exactly as it was, prints one line and exits 1; usage errors
 * exit 2. The token is never printed; prefer CHARTER_TOKEN over --token so it stays out of `ps`.
 */
import { createHash, randomBytes } from "node:crypto";
import { open, mkdir, readFile, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { requirementsMobileconfig } from "../lib/bundles/mobileconfig";
import { DEFAULT_CLOCK_SKEW_MS, keyFingerprint, parseJwks, verifyBundle, type BundleTrust, type Jwks } from "../lib/bundles/verify";
import type { Command } from "./main";

const USAGE = `usage: charter pull --server URL --org SLUG (--trust JWKS_FILE | --trust-fingerprint FP[,FP]) [--token TOKEN]
                    [--out PATH] [--state-dir DIR] [--format toml|mobileconfig] [--check] [--timeout SECONDS]`;

const HELP = `${USAGE}

Fetches the signed bundle of the org's current Codex requirements and installs it only after checking, in order:
the signature against a pinned key, the org, the expiry (${DEFAULT_CLOCK_SKEW_MS / 60_000} min clock skew allowed), no rollback below the last
installed version, the sha256 of the text, and that Codex would load it. Then it writes --out atomically.

  --server URL            Charter's address, e.g. https://charter.example.com
  --token TOKEN           agent token; better: set CHARTER_TOKEN so the token stays out of the process list
  --org SLUG              the org this host belongs to; a bundle of any other org is refused
  --trust FILE            pinned public keys: a JWKS file (from /api/v1/orgs/SLUG/keys, copied out of band)
  --trust-fingerprint FP  pinned RFC 7638 sha256 thumbprint(s) of the signing key(s), comma-separated or repeated;
                          the server's JWKS is fetched but only a key with a pinned thumbprint is used
  --out PATH              default ${defaultOut()}
  --state-dir DIR         last installed version and ETag; default ${defaultStateDir()}
  --format FORMAT         toml (default) or mobileconfig (a macOS profile setting com.openai.codex
                          requirements_toml_base64, for MDM tools; needs --out)
  --check                 fetch and verify, write nothing
  --timeout SECONDS       per request, default 30

Exit status: 0 installed, up to date or verified; 1 fetch or verification failed (installed file kept); 2 usage.`;

function defaultOut(platform = process.platform): string {
  if (platform === "win32") return path.join(process.env.ProgramData ?? "C:\\ProgramData", "OpenAI", "Codex", "requirements.toml");
  return "/etc/codex/requirements.toml";
}

function defaultStateDir(platform = process.platform): string {
  if (platform === "darwin") return "/Library/Application Support/Charter";
  if (platform === "win32") return path.join(process.env.ProgramData ?? "C:\\ProgramData", "Charter");
  return "/var/lib/charter";
}

async function userAgent(): Promise<string> {
  let version = "unknown";
  try {
    version = (JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    // the version is informational only
  }
  return `charter-pull/${version} node/${process.versions.node}`;
}

const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
const FINGERPRINT = /^[A-Za-z0-9_-]{43}$/;

/** What the host remembers between pulls: rollback floor for the org, and per output file what was written there. */
interface PullState {
  org: string;
  version: number;
  sha256: string;
  kid: string;
  expiresAt: string;
  installedAt: string;
  outputs: Record<string, { format: Format; etag: string | null; fileSha256: string; version: number; trust?: string }>;
}
type Format = "toml" | "mobileconfig";

class PullFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly refused = false,
  ) {
    super(message);
  }
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
/** Server-supplied text goes into our one line: keep it short and on one line. */
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim().slice(0, 200);

async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/** Write to a temp file in the same directory, fsync, rename over the target, fsync the directory. */
export async function writeAtomic(file: string, data: string | Buffer, mode = 0o644): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const handle = await open(tmp, "wx", mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode); // the umask must not make Codex's file unreadable to users
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await handle.close();
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  try {
    const d = await open(dir, "r");
    await d.sync().catch(() => {}); // not every platform can fsync a directory
    await d.close();
  } catch {
    // the rename itself is done; a directory fsync is best effort
  }
}

async function httpGet(url: URL, headers: Record<string, string>, timeoutMs: number, what: string): Promise<Response> {
  try {
    return await fetch(url, { headers, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === "TimeoutError") throw new PullFailure("unreachable", `${what}: no answer from ${url.origin} within ${timeoutMs / 1000} s`);
    throw new PullFailure("unreachable", `${what}: cannot reach ${url.origin} (${e.cause?.code ?? e.cause?.message ?? e.message})`);
  }
}

async function errorDetail(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: unknown } };
    return typeof body?.error?.message === "string" ? `: ${oneLine(body.error.message)}` : "";
  } catch {
    return "";
  }
}

async function expectOk(res: Response, what: string): Promise<void> {
  if (res.status === 401 || res.status === 403) {
    throw new PullFailure("unauthorized", `${what}: server refused the agent token (HTTP ${res.status}${await errorDetail(res)}); it may be revoked`);
  }
  if (res.status >= 300 && res.status < 400) {
    throw new PullFailure("http", `${what}: server redirected (HTTP ${res.status}) to ${res.headers.get("location") ?? "?"}; use that address as --server`);
  }
  if (res.status !== 200) throw new PullFailure("http", `${what}: server answered HTTP ${res.status}${await errorDetail(res)}`);
}

async function readBody(res: Response, what: string): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > MAX_BUNDLE_BYTES) throw new PullFailure("http", `${what}: response of ${declared} bytes is larger than ${MAX_BUNDLE_BYTES}`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    const reader = res.body?.getReader();
    for (let r = await reader?.read(); reader && r && !r.done; r = await reader.read()) {
      const chunk = r.value;
      size += chunk.length;
      if (size > MAX_BUNDLE_BYTES) throw new PullFailure("http", `${what}: response is larger than ${MAX_BUNDLE_BYTES} bytes`);
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof PullFailure) throw err;
    throw new PullFailure("truncated", `${what}: the connection closed before the whole response arrived (${(err as Error).message})`);
  }
  return Buffer.concat(chunks).toString("utf8");
}

interface Options {
  server: URL;
  token: string;
  org: string;
  trust: { file: string } | { fingerprints: string[] };
  out: string;
  stateFile: string;
  format: Format;
  check: boolean;
  timeoutMs: number;
}

function parseOptions(args: string[]): Options | string {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        server: { type: "string" },
        token: { type: "string" },
        org: { type: "string" },
        trust: { type: "string" },
        "trust-fingerprint": { type: "string", multiple: true },
        out: { type: "string" },
        "state-dir": { type: "string" },
        format: { type: "string" },
        check: { type: "boolean" },
        timeout: { type: "string" },
      },
    }));
  } catch (err) {
    return (err as Error).message;
  }
  if (!values.server) return "--server URL is required";
  let server: URL;
  try {
    server = new URL(values.server.endsWith("/") ? values.server : `${values.server}/`);
    if (server.protocol !== "https:" && server.protocol !== "http:") throw new Error();
  } catch {
    return `--server must be an http(s) URL, got ${JSON.stringify(values.server)}`;
  }
  const token = values.token ?? process.env.CHARTER_TOKEN ?? "";
  if (!token) return "an agent token is required: set CHARTER_TOKEN (preferred) or pass --token";
  if (!values.org) return "--org SLUG is required: the host refuses bundles of any other org";
  if (values.trust && values["trust-fingerprint"]) return "give either --trust or --trust-fingerprint, not both";
  const fingerprints = (values["trust-fingerprint"] ?? []).flatMap((f) => f.split(",")).map((f) => f.trim()).filter(Boolean);
  if (!values.trust && fingerprints.length === 0) return "a pinned key is required: --trust JWKS_FILE or --trust-fingerprint FP";
  const badFp = fingerprints.find((f) => !FINGERPRINT.test(f));
  if (badFp) return `--trust-fingerprint ${JSON.stringify(badFp)} is not an RFC 7638 sha256 thumbprint (43 base64url characters)`;
  const format = (values.format ?? "toml") as Format;
  if (format !== "toml" && format !== "mobileconfig") return `--format must be toml or mobileconfig, got ${JSON.stringify(values.format)}`;
  if (format === "mobileconfig" && !values.out) return "--format mobileconfig needs --out PATH (e.g. codex-requirements.mobileconfig)";
  const timeout = values.timeout === undefined ? 30 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) return `--timeout must be a positive number of seconds, got ${JSON.stringify(values.timeout)}`;
  const stateDir = path.resolve(values["state-dir"] ?? defaultStateDir());
  return {
    server,
    token,
    org: values.org,
    trust: values.trust ? { file: values.trust } : { fingerprints },
    out: path.resolve(values.out ?? defaultOut()),
    stateFile: path.join(stateDir, `pull-${values.org.replace(/[^A-Za-z0-9_-]/g, "_")}.json`),
    format,
    check: values.check ?? false,
    timeoutMs: timeout * 1000,
  };
}

async function loadState(file: string, org: string): Promise<PullState | null> {
  const raw = await readIfExists(file).catch((err) => {
    throw new PullFailure("state", `cannot read state ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  });
  if (!raw) return null;
  try {
    const state = JSON.parse(raw.toString("utf8")) as PullState;
    if (state.org !== org || !Number.isInteger(state.version) || typeof state.outputs !== "object") throw new Error();
    return state;
  } catch {
    // Never start over silently: that would lift the rollback floor.
    throw new PullFailure("state", `state file ${file} is unreadable; move it away only if you trust the next bundle`);
  }
}

export const pullCommand: Command = async (args, io) => {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(HELP);
    return 0;
  }
  const parsed = parseOptions(args);
  if (typeof parsed === "string") {
    io.err(`charter pull: ${parsed}`);
    io.err(USAGE);
    return 2;
  }
  const opts = parsed;
  // A pinned JWKS file that cannot be used is a configuration error, reported like a usage error.
  let pinned: Jwks | null = null;
  if ("file" in opts.trust) {
    const file = opts.trust.file;
    try {
      pinned = parseJwks(JSON.parse(await readFile(file, "utf8")));
    } catch (err) {
      io.err(`charter pull: cannot use --trust ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return 2;
    }
    if (pinned.keys.length === 0) {
      io.err(`charter pull: --trust ${file} holds no public Ed25519 key with a kid`);
      return 2;
    }
  }

  const kept = async () => ((await readIfExists(opts.out).catch(() => null)) ? `kept ${opts.out} unchanged` : `nothing written to ${opts.out}`);
  try {
    const message = await pull(opts, pinned);
    io.out(`charter pull: ${message}`);
    return 0;
  } catch (err) {
    if (err instanceof PullFailure) {
      const tail = err.reason === "state-after-install" ? "" : ` — ${await kept()}`;
      io.err(`charter pull: ${err.refused ? "refused" : "failed"}: ${err.reason}: ${err.message}${tail}`);
    } else {
      io.err(`charter pull: failed: ${(err as Error).message} — ${await kept()}`);
    }
    return 1;
  }
};

/** A digest of what the host pins (key thumbprints), so a change of pins forces a full fetch and verification. */
async function trustIdentity(opts: Options, pinned: Jwks | null): Promise<string> {
  const prints = pinned ? await Promise.all(pinned.keys.map((k) => keyFingerprint(k))) : (opts.trust as { fingerprints: string[] }).fingerprints;
  return sha256([...new Set(prints)].sort().join(",")).slice(0, 32);
}

async function pull(opts: Options, pinned: Jwks | null): Promise<string> {
  if (opts.server.protocol === "http:" && !["localhost", "127.0.0.1", "[::1]"].includes(opts.server.hostname)) {
    // The signature protects the bundle, not the token: say so, once.
    process.stderr.write(`charter pull: warning: ${opts.server.origin} is plain http; the agent token travels unencrypted\n`);
  }
  const state = await loadState(opts.stateFile, opts.org);
  const current = await readIfExists(opts.out).catch((err) => {
    throw new PullFailure("write", `cannot read ${opts.out} (${(err as NodeJS.ErrnoException).code})`);
  });
  const record = state?.outputs[opts.out];
  const trustId = await trustIdentity(opts, pinned);
  // Ask for "not modified" only when the file on disk is the one we wrote, its bundle is still valid and the pinned keys
  // are the ones it was verified with; otherwise a 304 (from a mirror, say) could freeze a host on a file someone
  // changed, a bundle that has expired, or one signed by a key that is no longer trusted.
  const canRevalidate =
    !opts.check && !!record?.etag && record.format === opts.format && record.trust === trustId && !!current && sha256(current) === record.fileSha256 && !!state &&
    Date.parse(state.expiresAt) > Date.now();

  const bundleUrl = new URL("api/v1/agent/bundle", opts.server);
  const headers: Record<string, string> = { Authorization: `Bearer ${opts.token}`, Accept: "application/jose", "User-Agent": await userAgent() };
  // Reported in the console's fleet view: what this host runs now (before this pull).
  if (state) headers["X-Charter-Installed-Version"] = String(state.version);
  if (canRevalidate) headers["If-None-Match"] = record!.etag!;
  const res = await httpGet(bundleUrl, headers, opts.timeoutMs, "bundle");
  if (res.status === 304) {
    if (!canRevalidate) throw new PullFailure("http", "bundle: server answered 304 Not Modified to a request without If-None-Match");
    return `up to date: version ${state!.version} of ${opts.org} at ${opts.out}`;
  }
  await expectOk(res, "bundle");
  const jws = await readBody(res, "bundle");
  const etag = res.headers.get("etag");

  let trust: BundleTrust;
  if (pinned) trust = { jwks: pinned };
  else {
    const { fingerprints } = opts.trust as { fingerprints: string[] };
    // Fetched keys are only candidates: verifyBundle uses one only if its thumbprint is pinned.
    const keysUrl = new URL(`api/v1/orgs/${encodeURIComponent(opts.org)}/keys`, opts.server);
    const keysRes = await httpGet(keysUrl, { Accept: "application/jwk-set+json, application/json" }, opts.timeoutMs, "keys");
    await expectOk(keysRes, "keys");
    let candidates: Jwks;
    try {
      candidates = parseJwks(JSON.parse(await readBody(keysRes, "keys")));
    } catch (err) {
      if (err instanceof PullFailure) throw err;
      throw new PullFailure("http", `keys: ${keysUrl.pathname} did not return a JWKS`);
    }
    trust = { fingerprints, candidates };
  }

  const verdict = await verifyBundle(jws, { trust, expectedOrg: opts.org, lastInstalledVersion: state?.version });
  if (!verdict.ok) throw new PullFailure(verdict.reason, verdict.message, true);
  const { payload, kid } = verdict;

  if (opts.check) return `verified version ${payload.version} of ${opts.org} (key ${kid}, expires ${payload.expiresAt}); wrote nothing (--check)`;

  const data =
    opts.format === "mobileconfig"
      ? requirementsMobileconfig({ org: payload.org, version: payload.version, requirementsToml: payload.requirementsToml })
      : payload.requirementsToml;
  const fileSha256 = sha256(Buffer.from(data, "utf8"));
  const unchanged = !!current && sha256(current) === fileSha256;
  if (!unchanged) {
    try {
      await writeAtomic(opts.out, data);
    } catch (err) {
      throw new PullFailure("write", `cannot write ${opts.out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }

  const next: PullState = {
    org: opts.org,
    version: Math.max(payload.version, state?.version ?? 0),
    sha256: payload.sha256,
    kid,
    expiresAt: payload.expiresAt,
    installedAt: new Date().toISOString(),
    outputs: { ...state?.outputs, [opts.out]: { format: opts.format, etag, fileSha256, version: payload.version, trust: trustId } },
  };
  try {
    await writeAtomic(opts.stateFile, JSON.stringify(next, null, 2) + "\n");
  } catch (err) {
    throw new PullFailure(
      "state-after-install",
      `installed version ${payload.version} to ${opts.out} but cannot record it in ${opts.stateFile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); rollback protection needs that file`,
    );
  }
  return unchanged
    ? `up to date: version ${payload.version} of ${opts.org} already at ${opts.out} (verified, key ${kid})`
    : `installed version ${payload.version} of ${opts.org} to ${opts.out} (sha256 ${payload.sha256.slice(0, 12)}…, key ${kid})`;
}
