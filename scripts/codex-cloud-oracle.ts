/**
 * Opt-in check of the cloud config bundle model against the real Codex binaries (the cached ones; see
 * scripts/codex-oracle.ts, which installs them).
 *
 *   npx tsx scripts/codex-cloud-oracle.ts [--codex VERSION]... [--filter TEXT] [--verbose]
 *
 * For each bundle of tests/unit/requirements/cloud-bundle-vectors.ts: a local HTTP server stands in for the ChatGPT
 * backend and serves the bundle at /backend-api/wham/config/bundle; a fresh CODEX_HOME holds a made-up ChatGPT Business
 * login (auth.json with unsigned tokens: Codex does not verify them locally) and `chatgpt_base_url` pointing at the
 * stand-in; the vector's /etc/codex files go into a scratch copy of /etc bind-mounted over /etc in a private mount
 * namespace (`unshare -m`, needs root). Then `codex app-server` is asked over JSON-RPC for `config/read` (with layers)
 * and `configRequirements/read`. Every request the stand-in receives is logged with --verbose.
 * Prints, per version, how many bundles agree with the table and how many Charter's own model (lib/requirements/
 * cloud-host.ts) agrees with the binary on; exit 1 on any disagreement.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { cloudBundleVectors, type CloudBundleVector, type CodexCloudOutcome } from "../tests/unit/requirements/cloud-bundle-vectors";
import { hostViewOfBundle } from "../lib/requirements/cloud-host";
import { CLOUD_BUNDLE_CODEX_VERSIONS } from "../lib/requirements/cloud-bundle";
import { findCodexBinary } from "./codex-oracle";

const args = process.argv.slice(2);
const valuesOf = (flag: string) => args.flatMap((a, i) => (a === flag && args[i + 1] ? [args[i + 1]] : []));
const filter = valuesOf("--filter")[0];
const verbose = args.includes("--verbose");
const versions = valuesOf("--codex").length > 0 ? valuesOf("--codex") : [...CLOUD_BUNDLE_CODEX_VERSIONS];

/**
 * Requirement keys compared, with the name `configRequirements/read` gives them and what it reports when they are
 * unset (null, or for login methods every method once any requirement exists).
 */
export const COMPARED_REQUIREMENTS: Record<string, { field: string; unset: unknown[] }> = {
  allowed_approval_policies: { field: "allowedApprovalPolicies", unset: [null] },
  allowed_sandbox_modes: { field: "allowedSandboxModes", unset: [null] },
  allowed_login_methods: { field: "allowedLoginMethods", unset: [null, ["api", "chatgpt"]] },
};

/** An unsigned JWT: Codex reads the claims of a stored login without verifying them. */
function jwt(claims: object): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.unsigned`;
}

function businessLogin(): string {
  const exp = Math.floor(Date.now() / 1000) + 30 * 86_400;
  const auth = { chatgpt_plan_type: "business", chatgpt_user_id: "oracle-user", user_id: "oracle-user", chatgpt_account_id: "oracle-account" };
  return JSON.stringify({
    auth_mode: "chatgpt",
    OPENAI_API_KEY: null,
    tokens: { id_token: jwt({ email: "oracle@example.invalid", exp, "https://api.openai.com/auth": auth }), access_token: jwt({ exp, "https://api.openai.com/auth": auth }), refresh_token: "none", account_id: "oracle-account" },
    last_refresh: new Date().toISOString(),
  });
}

interface LayerName {
  type: string;
  id?: string;
}

/** Codex's answer in the vectors' terms. */
function outcomeOf(configRead: { result?: { layers?: { name: LayerName }[]; origins?: Record<string, { name: LayerName }> } }, requirementsRead: { result?: { requirements?: Record<string, unknown> } }): CodexCloudOutcome {
  if (!configRead.result) return { loads: false };
  const originOf = (n: LayerName) => (n.type === "enterpriseManaged" ? String(n.id) : n.type);
  const origins: Record<string, string> = {};
  for (const [key, o] of Object.entries(configRead.result.origins ?? {})) if (key !== "chatgpt_base_url") origins[key] = originOf(o.name);
  const requirements: Record<string, unknown> = {};
  const reported = requirementsRead.result?.requirements ?? {};
  for (const [key, { field, unset }] of Object.entries(COMPARED_REQUIREMENTS)) {
    const v = reported[field] ?? null;
    if (!unset.some((u) => JSON.stringify(u) === JSON.stringify(v))) requirements[key] = v;
  }
  return { loads: true, configLayers: (configRead.result.layers ?? []).filter((l) => l.name.type === "enterpriseManaged").map((l) => String(l.name.id)), origins, requirements };
}

/** Charter's model in the same terms. */
export function charterOutcome(vec: CloudBundleVector, version: string): CodexCloudOutcome {
  const view = hostViewOfBundle(JSON.stringify(vec.bundle), vec.files ?? {}, version);
  if (!view.loads) return { loads: false };
  const requirements: Record<string, unknown> = {};
  for (const key of Object.keys(COMPARED_REQUIREMENTS)) if (view.requirements[key] !== undefined) requirements[key] = view.requirements[key];
  return { loads: true, configLayers: view.configLayers, origins: view.origins, requirements };
}

/** Outcomes compared without regard to key order. */
export function sameOutcome(a: CodexCloudOutcome, b: CodexCloudOutcome): boolean {
  const norm = (o: CodexCloudOutcome) =>
    JSON.stringify(o.loads ? { ...o, origins: Object.fromEntries(Object.entries(o.origins).sort()), requirements: Object.fromEntries(Object.entries(o.requirements).sort()) } : o);
  return norm(a) === norm(b);
}

async function runCodex(bin: string, etc: string, vec: CloudBundleVector): Promise<{ outcome: CodexCloudOutcome; requests: string[]; stderr: string }> {
  const requests: string[] = [];
  const body = JSON.stringify(vec.bundle);
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} (authorization: ${req.headers.authorization ? "Bearer …" : "none"}, chatgpt-account-id: ${req.headers["chatgpt-account-id"] ?? "none"})`);
    if (req.url === "/backend-api/wham/config/bundle") res.writeHead(200, { "content-type": "application/json" }).end(body);
    else res.writeHead(404, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const home = mkdtempSync(join(tmpdir(), "charter-cloud-home-"));
  rmSync(join(etc, "codex"), { recursive: true, force: true });
  mkdirSync(join(etc, "codex"), { recursive: true });
  if (vec.files?.systemRequirements !== undefined) writeFileSync(join(etc, "codex", "requirements.toml"), vec.files.systemRequirements);
  if (vec.files?.systemConfig !== undefined) writeFileSync(join(etc, "codex", "config.toml"), vec.files.systemConfig);
  writeFileSync(join(home, "auth.json"), businessLogin());
  writeFileSync(join(home, "config.toml"), `chatgpt_base_url = "http://127.0.0.1:${port}/backend-api"\n${vec.files?.userConfig ?? ""}`);

  const child = spawn("unshare", ["-m", "--propagation", "private", "sh", "-c", 'mount --bind "$0" /etc && exec "$@"', etc, bin, "app-server"], {
    env: { ...process.env, CODEX_HOME: home, RUST_BACKTRACE: "0", RUST_LOG: "warn" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  const pending = new Map<number, (m: object) => void>();
  createInterface({ input: child.stdout }).on("line", (line) => {
    try {
      const m = JSON.parse(line) as { id?: number };
      if (typeof m.id === "number" && pending.has(m.id)) {
        pending.get(m.id)!(m);
        pending.delete(m.id);
      }
    } catch {
      /* not JSON-RPC */
    }
  });
  let next = 0;
  const rpc = <T>(method: string, params: object) =>
    new Promise<T>((resolve) => {
      const id = ++next;
      pending.set(id, resolve as (m: object) => void);
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    });
  const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  try {
    await rpc("initialize", { clientInfo: { name: "charter-cloud-oracle", version: "0" } });
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "initialized" })}\n`);
    const configRead = await rpc<Parameters<typeof outcomeOf>[0]>("config/read", { includeLayers: true });
    const requirementsRead = await rpc<Parameters<typeof outcomeOf>[1]>("configRequirements/read", {});
    return { outcome: outcomeOf(configRead, requirementsRead), requests, stderr };
  } finally {
    clearTimeout(timer);
    child.stdin.end();
    child.kill();
    await new Promise((r) => child.once("exit", r));
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
}

async function runVersion(version: string, selected: CloudBundleVector[]) {
  const bin = findCodexBinary(version);
  if (!bin) throw new Error(`Codex ${version} is not cached; run scripts/codex-oracle.ts --codex ${version} first (it installs it)`);
  const scratch = mkdtempSync(join(tmpdir(), "charter-cloud-oracle-"));
  const etc = join(scratch, "etc");
  spawnSync("cp", ["-a", "/etc", etc], { stdio: "ignore" });
  let tableAgrees = 0;
  let charterAgrees = 0;
  const problems: string[] = [];
  try {
    for (const vec of selected) {
      const { outcome, requests, stderr } = await runCodex(bin, etc, vec);
      const charter = charterOutcome(vec, version);
      if (sameOutcome(outcome, vec.codex)) tableAgrees++;
      else problems.push(`MISMATCH ${version} table: ${vec.name}\n  table: ${JSON.stringify(vec.codex)}\n  codex: ${JSON.stringify(outcome)}`);
      if (sameOutcome(charter, outcome)) charterAgrees++;
      else problems.push(`MISMATCH ${version} charter: ${vec.name}\n  charter: ${JSON.stringify(charter)}\n  codex:   ${JSON.stringify(outcome)}`);
      if (verbose) {
        console.log(`${version} ${vec.name}: codex ${JSON.stringify(outcome)}`);
        for (const r of requests) console.log(`  stand-in received ${r}`);
        if (!outcome.loads) console.log(`  ${stderr.split("\n").find((l) => /cloud config bundle/i.test(l))?.replace(/\x1b\[[0-9;]*m/g, "").trim() ?? ""}`);
      }
      if (!requests.some((r) => r.startsWith("GET /backend-api/wham/config/bundle"))) problems.push(`${version} ${vec.name}: Codex never asked the stand-in for the bundle`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const p of problems) console.log(p);
  return {
    ok: problems.length === 0,
    summary: `codex ${version}: ${tableAgrees}/${selected.length} bundles agree with the table; Charter's effective view agrees with the binary on ${charterAgrees}/${selected.length}`,
  };
}

async function main() {
  if (process.platform !== "linux") throw new Error("the oracle needs Linux mount namespaces");
  const selected = cloudBundleVectors.filter((v) => !filter || v.name.includes(filter));
  const results = [];
  for (const version of versions) results.push(await runVersion(version, selected));
  for (const r of results) console.log(r.summary);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

if (process.argv[1]?.endsWith("codex-cloud-oracle.ts")) {
  main().catch((err) => {
    console.error(String((err as Error).stack ?? err));
    process.exitCode = 1;
  });
}
