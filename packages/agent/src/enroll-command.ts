/**
 * `enroll`: exchanges an enrolment secret for this host's own token (POST /api/v1/agent/enroll) and stores it with the
 * server, org and pinned key fingerprints in <state-dir>/agent.json (mode 0600). The fingerprints are checked against
 * the org's published keys BEFORE the secret is spent, so a typo does not use up a single-use secret.
 */
import { parseArgs } from "./args";
import { codexVersion, findCodex } from "./codex";
import { hostFacts } from "./checkin";
import { keyFingerprint, parseJwks } from "./bundle/verify";
import { AgentFailure, errnoOf, oneLine } from "./failure";
import { writeAtomic } from "./fsx";
import { expectNotHtml, expectOk, request } from "./http";
import { EXIT, type CliIO } from "./io";
import { defaultStateDir } from "./paths";
import { configFileOf, type AgentConfig } from "./state";
import { userAgent } from "./version";
import path from "node:path";

const USAGE = `usage: charter-agent enroll --server URL --org SLUG --trust-fingerprint FP[,FP] [--secret SECRET]
                             [--state-dir DIR] [--timeout SECONDS]`;
const FINGERPRINT = /^[A-Za-z0-9_-]{43}$/;

export async function enrollCommand(args: string[], io: CliIO): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(`${USAGE}

Enrols this host in an org: the enrolment secret (an admin creates it on the Agents page) is exchanged for a token of
this host alone, stored with the server, the org and the pinned key fingerprint(s) in <state-dir>/agent.json (0600).
After that, pull, run and status need no options. Prefer CHARTER_ENROLL_SECRET over --secret (keeps it out of ps).

  --trust-fingerprint FP  the org's signing key thumbprint(s), as shown on the Agents page; checked against the org's
                          published keys before the secret is used

Exit status: 0 enrolled; 1 refused or failed (nothing stored); 2 usage.`);
    return EXIT.ok;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        server: { type: "string" },
        org: { type: "string" },
        secret: { type: "string" },
        "trust-fingerprint": { type: "string", multiple: true },
        "state-dir": { type: "string" },
        timeout: { type: "string" },
        codex: { type: "string" },
      },
    }));
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  if (!values.server) return usage(io, "--server URL is required");
  let server: URL;
  try {
    server = new URL(values.server.endsWith("/") ? values.server : `${values.server}/`);
    if (server.protocol !== "https:" && server.protocol !== "http:") throw new Error();
  } catch {
    return usage(io, `--server must be an http(s) URL, got ${JSON.stringify(values.server)}`);
  }
  if (!values.org) return usage(io, "--org SLUG is required");
  const secret = values.secret ?? process.env.CHARTER_ENROLL_SECRET ?? "";
  if (!secret) return usage(io, "an enrolment secret is required: set CHARTER_ENROLL_SECRET (preferred) or pass --secret");
  const fingerprints = (values["trust-fingerprint"] ?? []).flatMap((f) => f.split(",")).map((f) => f.trim()).filter(Boolean);
  if (fingerprints.length === 0) return usage(io, "--trust-fingerprint FP is required: the org's key thumbprint, from the Agents page");
  const badFp = fingerprints.find((f) => !FINGERPRINT.test(f));
  if (badFp) return usage(io, `--trust-fingerprint ${JSON.stringify(badFp)} is not an RFC 7638 sha256 thumbprint (43 base64url characters)`);
  const timeout = values.timeout === undefined ? 30 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) return usage(io, `--timeout must be a positive number of seconds, got ${JSON.stringify(values.timeout)}`);
  const stateDir = path.resolve(values["state-dir"] ?? defaultStateDir());
  const timeoutMs = timeout * 1000;
  const org = values.org;

  try {
    const keysUrl = new URL(`api/v1/orgs/${encodeURIComponent(org)}/keys`, server);
    const keysRes = await request(keysUrl, { headers: { Accept: "application/json", "User-Agent": userAgent() }, timeoutMs, maxBytes: 1024 * 1024, what: "keys" });
    expectOk(keysRes, "keys");
    expectNotHtml(keysRes, "keys");
    let published: string[];
    try {
      published = parseJwks(JSON.parse(keysRes.body.toString("utf8"))).keys.map((k) => keyFingerprint(k));
    } catch {
      throw new AgentFailure("http", `keys: ${keysUrl.pathname} did not return a JWKS`);
    }
    if (!fingerprints.some((f) => published.includes(f))) {
      throw new AgentFailure("unknown-key", `none of the pinned fingerprints is a key of ${org} at ${server.origin}; check --trust-fingerprint against the Agents page (secret not used)`, true);
    }

    const codex = await codexVersion(findCodex(values.codex));
    const res = await request(new URL("api/v1/agent/enroll", server), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "User-Agent": userAgent() },
      body: JSON.stringify({ org, secret, host: hostFacts(codex) }),
      timeoutMs,
      maxBytes: 64 * 1024,
      what: "enroll",
    });
    if (res.status === 401) throw new AgentFailure("unauthorized", "enroll: the server refused the enrolment secret (unknown, expired, revoked or used up)");
    if (res.status === 404) throw new AgentFailure("http", `enroll: ${server.origin} has no enrolment endpoint (HTTP 404); is it Charter, and recent enough?`);
    expectOk(res, "enroll", [200, 201]);
    expectNotHtml(res, "enroll");
    let answer: { token?: unknown; hostId?: unknown; org?: unknown; group?: unknown };
    try {
      answer = JSON.parse(res.body.toString("utf8"));
    } catch {
      throw new AgentFailure("http", "enroll: the server's answer is not JSON");
    }
    if (typeof answer.token !== "string" || !answer.token) throw new AgentFailure("http", "enroll: the server's answer has no token");
    if (answer.org !== undefined && answer.org !== org) throw new AgentFailure("org", `enroll: the server enrolled this host in "${oneLine(String(answer.org))}", not "${org}"`, true);
    const config: AgentConfig = {
      server: server.href,
      org,
      token: answer.token,
      fingerprints,
      hostId: typeof answer.hostId === "string" ? answer.hostId : null,
      group: typeof answer.group === "string" ? answer.group : null,
      enrolledAt: new Date().toISOString(),
    };
    const file = configFileOf(stateDir);
    try {
      await writeAtomic(file, JSON.stringify(config, null, 2) + "\n", 0o600);
    } catch (err) {
      throw new AgentFailure("write", `enrolled, but cannot store the host token in ${file} (${errnoOf(err)}); enrol again with a writable --state-dir`);
    }
    io.out(`charter-agent enroll: enrolled this host in ${org}${config.group ? ` (group ${config.group})` : ""} as host ${config.hostId ?? "?"}; token stored in ${file}`);
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof AgentFailure)) throw err;
    io.err(`charter-agent enroll: ${err.refused ? "refused" : "failed"}: ${err.reason}: ${err.message}`);
    return EXIT.failed;
  }
}

function usage(io: CliIO, message: string): number {
  io.err(`charter-agent enroll: ${message}`);
  io.err(USAGE);
  return EXIT.usage;
}
