import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { agent, installPackedAgent, startAgent } from "../../agent-package";
import { GOOD_TOML, makeTestKey, payloadFor, signBundle, type TestKey } from "../../bundle-fixtures";
import { serveJws, startMirror, type Mirror, type MirrorHandler } from "../../bundle-mirror";

// The packed agent (npm pack → npm install of the tarball into an empty folder) run as a child process, as hosts run
// it, against a local stand-in for Charter whose answers each test sets. The real-server run is tests/e2e/agent.spec.ts.
const TOKEN = "cha_agent-unit-test-token-never-printed";
vi.setConfig({ testTimeout: 60_000 }); // each test runs the agent as a child process a few times
let key: TestKey;
let mirror: Mirror;
let dir: string;
let out: string;
let stateDir: string;
let checkins: Record<string, unknown>[];

beforeAll(async () => {
  installPackedAgent();
  key = await makeTestKey();
  mirror = await startMirror();
}, 120_000);
afterAll(() => mirror.close());

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "charter-agent-"));
  out = join(dir, "etc", "codex", "requirements.toml");
  stateDir = join(dir, "state");
  checkins = [];
  mirror.requests.length = 0;
});

const V5 = GOOD_TOML;
const V6 = `${GOOD_TOML}allowed_web_search_modes = ["cached"]\n`;
const bundle = (version: number, requirementsToml = V5, over: Record<string, unknown> = {}) => signBundle(key, payloadFor({ org: "acme", version, requirementsToml, ...over }));

/** Charter as the agent sees it: the bundle, the org's keys, check-ins (recorded), enrolment. */
function charter(jws: string, extra: Record<string, MirrorHandler> = {}): MirrorHandler {
  const bundleHandler = serveJws(jws);
  return (req, res) => {
    const route = extra[req.url ?? ""];
    if (route) return route(req, res);
    if (req.url === "/api/v1/orgs/acme/keys") return res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys: [key.jwk] }));
    if (req.url === "/api/v1/agent/checkin" && req.method === "POST") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        checkins.push(JSON.parse(body));
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ pollIntervalSeconds: 1, serverTime: new Date().toISOString() }));
      });
      return;
    }
    bundleHandler(req, res);
  };
}

const base = () => ["--server", mirror.url, "--org", "acme", "--trust-fingerprint", key.fingerprint, "--out", out, "--state-dir", stateDir, "--timeout", "5"];
const pull = (extra: string[] = [], env: Record<string, string | undefined> = {}, opts = {}) => agent(["pull", ...base(), ...extra], { CHARTER_TOKEN: TOKEN, ...env }, opts);

async function installV5() {
  mirror.handle(charter(await bundle(5)));
  const r = await pull();
  expect(r.code, r.stderr).toBe(0);
  return { file: readFileSync(out), state: readFileSync(join(stateDir, "pull-acme.json")) };
}

/** The bad-input contract: exit 1, exactly one line naming the reason, the installed file and the pull state unchanged. */
async function expectRefusedUnchanged(run: Promise<{ code: number; stdout: string; stderr: string }>, line: RegExp, before: { file: Buffer; state: Buffer } | null) {
  const r = await run;
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(line);
  expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
  if (before) {
    expect(readFileSync(out).equals(before.file)).toBe(true);
    expect(readFileSync(join(stateDir, "pull-acme.json")).equals(before.state)).toBe(true);
  }
  return r.stderr.trim();
}

describe("the packed package", () => {
  it("is one file with no dependencies, no install scripts, under 2 MB, with a charter-agent bin, runnable by Node alone", async () => {
    const { packedBytes, files, prefix } = installPackedAgent();
    expect(packedBytes).toBeLessThan(2 * 1024 * 1024);
    expect(files.sort()).toEqual(["README.md", "dist/charter-agent.mjs", "package.json"]);
    const manifest = JSON.parse(readFileSync(join(prefix, "node_modules", "charter-agent", "package.json"), "utf8"));
    expect(manifest.bin).toEqual({ "charter-agent": "dist/charter-agent.mjs" });
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(manifest.scripts ?? {}).filter((s) => /install/.test(s))).toEqual([]);
    expect(readdirSync(join(prefix, "node_modules")).filter((d) => !d.startsWith("."))).toEqual(["charter-agent"]);
    expect(existsSync(join(prefix, "node_modules", ".bin", process.platform === "win32" ? "charter-agent.cmd" : "charter-agent"))).toBe(true);
    const help = await agent(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^charter-agent 0\.1\.0\n/);
    for (const verb of ["enroll", "pull", "run", "status"]) expect(help.stdout).toContain(`  ${verb} `);
  });
});

describe("charter-agent pull", () => {
  it("takes a fingerprint that begins with '-' (one key in 64) as the value of --trust-fingerprint", async () => {
    // node:util parseArgs refused `--trust-fingerprint -Xy…` as ambiguous (exit 2): the e2e pull spec failed on such keys.
    let dashed = await makeTestKey();
    while (!dashed.fingerprint.startsWith("-")) dashed = await makeTestKey();
    const keys: MirrorHandler = (_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys: [dashed.jwk] }));
    const enroll: MirrorHandler = (req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify({ token: TOKEN, hostId: "host_1", org: "acme", group: "laptops" })));
    };
    mirror.handle(charter(await signBundle(dashed, payloadFor({ org: "acme", version: 5 })), { "/api/v1/orgs/acme/keys": keys, "/api/v1/agent/enroll": enroll }));
    const args = ["--server", mirror.url, "--org", "acme", "--out", out, "--state-dir", stateDir, "--timeout", "5"];
    const r = await agent(["pull", ...args, "--trust-fingerprint", dashed.fingerprint, "--check"], { CHARTER_TOKEN: TOKEN });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`verified version 5 of acme (key ${dashed.kid}`);
    const enrolled = await agent(["enroll", "--server", mirror.url, "--org", "acme", "--trust-fingerprint", dashed.fingerprint, "--state-dir", stateDir], { CHARTER_ENROLL_SECRET: "che_secret" });
    expect(enrolled.code, enrolled.stderr).toBe(0);
    // An option where a value should be is still a usage error, not a value.
    const missing = await agent(["pull", ...args, "--trust-fingerprint", "--check"], { CHARTER_TOKEN: TOKEN });
    expect(missing.code).toBe(2);
  });

  it("installs a verified bundle, keeps a last good copy, then hears 304 'up to date'", async () => {
    mirror.handle(charter(await bundle(5)));
    const r = await pull();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(new RegExp(`^charter-agent pull: installed version 5 of acme to ${out} \\(sha256 [0-9a-f]{12}…, key ${key.kid}\\)$`));
    expect(readFileSync(out, "utf8")).toBe(V5);
    expect(statSync(out).mode & 0o777).toBe(0o644);
    expect(readdirSync(join(dir, "etc", "codex"))).toEqual(["requirements.toml"]);
    const copies = readdirSync(stateDir).filter((f) => f.startsWith("last-good-"));
    expect(copies).toHaveLength(1);
    expect(readFileSync(join(stateDir, copies[0]), "utf8")).toBe(V5);
    expect(mirror.requests[0].headers["user-agent"]).toMatch(/^charter-agent\/0\.1\.0 /);

    const again = await pull();
    expect(again.stdout.trim()).toBe(`charter-agent pull: up to date: version 5 of acme at ${out}`);
    expect(mirror.requests.at(-1)!.headers["if-none-match"]).toBeDefined();
  });

  it("writes the macOS profile (com.openai.codex, requirements_toml_base64) with --format mobileconfig", async () => {
    mirror.handle(charter(await bundle(5)));
    out = join(dir, "codex.mobileconfig");
    const r = await pull(["--format", "mobileconfig"]);
    expect(r.code, r.stderr).toBe(0);
    const xml = readFileSync(out, "utf8");
    expect(xml).toContain("<string>com.openai.codex</string>");
    expect(Buffer.from(/<key>requirements_toml_base64<\/key>\s*<string>([^<]+)</.exec(xml)![1], "base64").toString("utf8")).toBe(V5);
  });
});

describe("bad input: one line, exit 1, nothing changed on disk", () => {
  it("a corrupt state file", async () => {
    const before = await installV5();
    writeFileSync(join(stateDir, "pull-acme.json"), "{not json");
    const corrupt = { file: before.file, state: readFileSync(join(stateDir, "pull-acme.json")) };
    await expectRefusedUnchanged(pull(), /^charter-agent pull: failed: state: state file .*pull-acme\.json is unreadable; move it away only if you trust the next bundle — kept .* unchanged$/, corrupt);
  });

  it("the target path is a directory", async () => {
    mkdirSync(out, { recursive: true });
    mirror.handle(charter(await bundle(5)));
    await expectRefusedUnchanged(pull(), new RegExp(`^charter-agent pull: failed: target: ${out} is a directory, not a file; remove it or choose another --out`), null);
    expect(statSync(out).isDirectory()).toBe(true);
    expect(mirror.requests).toHaveLength(0); // refused before anything was fetched
  });

  it("the target path is a symlink to elsewhere", async () => {
    const before = await installV5();
    const elsewhere = join(dir, "elsewhere.toml");
    writeFileSync(elsewhere, "# someone else's file\n");
    rmSync(out);
    symlinkSync(elsewhere, out);
    mirror.handle(charter(await bundle(6, V6)));
    await expectRefusedUnchanged(pull(), new RegExp(`^charter-agent pull: failed: target: ${out} is a symlink to ${elsewhere}; refusing to write through it`), null);
    expect(readFileSync(elsewhere, "utf8")).toBe("# someone else's file\n");
    expect(readFileSync(join(stateDir, "pull-acme.json")).equals(before.state)).toBe(true);
  });

  it("no permission to write the target's directory", async () => {
    const before = await installV5();
    mirror.handle(charter(await bundle(6, V6)));
    const codexDir = join(dir, "etc", "codex");
    if (process.getuid?.() === 0) {
      // root may write anywhere: run the agent as nobody, who may read the state but not write /etc/codex.
      for (const d of [dir, stateDir, join(dir, "etc")]) chmodSync(d, 0o755);
      chmodSync(join(stateDir, "pull-acme.json"), 0o644);
      chmodSync(codexDir, 0o755);
      await expectRefusedUnchanged(pull([], {}, { uid: 65534, gid: 65534 }), new RegExp(`^charter-agent pull: failed: write: cannot write ${out} \\(EACCES: permission denied\\) — kept ${out} unchanged$`), before);
    } else {
      chmodSync(codexDir, 0o555);
      await expectRefusedUnchanged(pull(), new RegExp(`^charter-agent pull: failed: write: cannot write ${out} \\(EACCES: permission denied\\) — kept ${out} unchanged$`), before);
      chmodSync(codexDir, 0o755);
    }
    expect(readdirSync(codexDir)).toEqual(["requirements.toml"]);
  });

  it("a full disk", async () => {
    const before = await installV5();
    const big = `${V6}${"# padding to outgrow the disk\n".repeat(800)}`;
    mirror.handle(charter(await bundle(6, big)));
    const codexDir = join(dir, "etc", "codex");
    const line = new RegExp(`^charter-agent pull: failed: write: cannot write ${out} \\(ENOSPC: no space left on the device\\) — kept ${out} unchanged$`);
    if (process.platform === "linux" && process.getuid?.() === 0 && spawnSync("unshare", ["-m", "true"]).status === 0) {
      // A 4 KiB tmpfs over /etc/codex (in a private mount namespace) holding the installed file: the new one cannot fit.
      // After the pull, the namespace reports what /etc/codex holds on fd 3.
      const { bin } = installPackedAgent();
      const script =
        'd="$1"; cp "$d/requirements.toml" "$2" && mount -t tmpfs -o size=4k tmpfs "$d" && cp "$2" "$d/requirements.toml" || exit 99; shift 2; "$@"; rc=$?; ls -A "$d" >&3; sha256sum "$d/requirements.toml" >&3; exit $rc';
      // Asynchronously: the stand-in server lives in this process and must keep answering.
      const child = spawn("unshare", ["-m", "--propagation", "private", "sh", "-c", script, "sh", codexDir, join(dir, "keep"), process.execPath, bin, "pull", ...base()], {
        stdio: ["ignore", "pipe", "pipe", "pipe"],
        env: { ...process.env, CHARTER_TOKEN: TOKEN, CHARTER_CODEX: "off" },
      });
      const streams = [child.stdout!, child.stderr!, child.stdio[3] as NodeJS.ReadableStream].map((st) => {
        let text = "";
        st.on("data", (c: Buffer) => (text += c.toString()));
        return () => text;
      });
      const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
      await expectRefusedUnchanged(Promise.resolve({ code, stdout: streams[0](), stderr: streams[1]() }), line, before);
      const inside = streams[2]().trim().split("\n");
      expect(inside[0]).toBe("requirements.toml"); // no temp file left on the full disk
      expect(inside[1].split(" ")[0]).toBe(createHash("sha256").update(before.file).digest("hex"));
    } else {
      // Elsewhere: an injected write failure (a preload making every file write fail with ENOSPC).
      const preload = join(dir, "enospc.mjs");
      writeFileSync(
        preload,
        `import fs from "node:fs/promises";\nconst open = fs.open;\nfs.open = async (...a) => { const h = await open(...a); h.writeFile = async () => { throw Object.assign(new Error("no space"), { code: "ENOSPC" }); }; return h; };\n`,
      );
      await expectRefusedUnchanged(pull([], { NODE_OPTIONS: `--import ${preload}` }), line, before);
    }
    expect(readdirSync(codexDir)).toEqual(["requirements.toml"]);
  });

  it("a clock far off the server's", async () => {
    const before = await installV5();
    const jws = await bundle(6, V6);
    mirror.handle((req, res) => {
      if (req.url === "/api/v1/orgs/acme/keys") return res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys: [key.jwk] }));
      res.writeHead(200, { "Content-Type": "application/jose", Date: new Date(Date.now() - 3 * 3_600_000).toUTCString() }).end(jws);
    });
    await expectRefusedUnchanged(pull(), /^charter-agent pull: failed: clock: this host's clock is 180 min ahead of the server's \(.+\); set the time \(NTP\) — bundle expiry depends on it — kept .* unchanged$/, before);
  });

  it("a server answering an HTML page with 200", async () => {
    const before = await installV5();
    mirror.handle((_req, res) => res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><html><body>Sign in to the Wi-Fi</body></html>"));
    await expectRefusedUnchanged(pull(), /^charter-agent pull: failed: http: bundle: server answered HTTP 200 with an HTML page, not Charter's answer \(a proxy, captive portal or the wrong --server\?\) — kept .* unchanged$/, before);
  });

  it("a server answering 5xx (HTML from a proxy, or Charter's JSON error)", async () => {
    const before = await installV5();
    mirror.handle((_req, res) => res.writeHead(502, { "Content-Type": "text/html" }).end("<html><body>502 Bad Gateway</body></html>"));
    await expectRefusedUnchanged(pull(), /^charter-agent pull: failed: http: bundle: server answered HTTP 502 with an HTML page \(a proxy, captive portal or the wrong --server\?\) — kept .* unchanged$/, before);
    mirror.handle((_req, res) => res.writeHead(503, { "Content-Type": "application/json" }).end('{"error":{"code":"unavailable","message":"Try again shortly."}}'));
    await expectRefusedUnchanged(pull(), /^charter-agent pull: failed: http: bundle: server answered HTTP 503: Try again shortly\. — kept .* unchanged$/, before);
  });

  it("a short body (the connection closes early): truncated", async () => {
    const before = await installV5();
    const jws = await bundle(6, V6);
    mirror.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/jose", "Content-Length": String(jws.length) });
      res.write(jws.slice(0, 100));
      setImmediate(() => res.socket?.destroy());
    });
    await expectRefusedUnchanged(pull(), new RegExp(`^charter-agent pull: failed: truncated: bundle: the connection closed after 100 of ${jws.length} bytes, before the whole response arrived — kept .* unchanged$`), before);
  });
});

describe("the host's Codex as ground truth", () => {
  /** A stand-in `codex` on PATH: refuses any requirements containing "codex-refuses-this", logs each call. */
  function fakeCodex() {
    const bin = join(dir, "bin");
    mkdirSync(bin);
    const log = join(dir, "codex.log");
    writeFileSync(
      join(bin, "codex"),
      `#!/bin/sh
echo "$* CODEX_HOME=$CODEX_HOME" >> "${log}"
if [ "$1" = "--version" ]; then echo "codex-cli 0.169.0"; exit 0; fi
if grep -q codex-refuses-this "${out}"; then
  echo "Error: failed to load requirements" >&2
  echo "error: unknown variant \\\`danger-full-access-plus\\\` in /etc/codex/requirements.toml" >&2
  exit 1
fi
echo "unified_exec  stable  true"
`,
      { mode: 0o755 },
    );
    const calls = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []);
    return { env: { PATH: `${bin}:${process.env.PATH}`, CHARTER_CODEX: "" }, calls };
  }

  it("loads each new file with a scratch CODEX_HOME; a refused file is rolled back, reported, and not installed again until a newer version", async () => {
    const codex = fakeCodex();
    mirror.handle(charter(await bundle(5)));
    const ok = await pull([], codex.env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("; Codex loads it");
    const featureCall = codex.calls().find((c) => c.startsWith("features list"))!;
    const home = /CODEX_HOME=(\S+)/.exec(featureCall)![1];
    expect(home).toContain("charter-agent-codex-home-");
    expect(existsSync(home)).toBe(false); // scratch, removed afterwards

    const refused = `${V6}# codex-refuses-this\n`;
    mirror.handle(charter(await bundle(6, refused)));
    const r = await pull([], codex.env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`charter-agent pull: failed: codex refused: error: unknown variant \`danger-full-access-plus\` in /etc/codex/requirements.toml — kept ${out} unchanged`);
    expect(readFileSync(out, "utf8")).toBe(V5); // the last good file is back
    const status = JSON.parse((await agent(["status", "--json", "--org", "acme", "--out", out, "--state-dir", stateDir], codex.env)).stdout);
    expect(status).toMatchObject({ state: "failed", installedVersion: 5, matches: true, codexVersion: "codex-cli 0.169.0", lastError: expect.stringMatching(/^codex refused: error: unknown variant/) });
    expect(status.codexRefused).toMatchObject({ version: 6 });

    const callsBefore = codex.calls().filter((c) => c.startsWith("features")).length;
    const again = await pull([], codex.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^charter-agent pull: failed: codex refused: .*this host's Codex refused version 6 at .*; waiting for a newer version\) — kept /);
    expect(codex.calls().filter((c) => c.startsWith("features")).length).toBe(callsBefore); // not installed, not asked again
    expect(readFileSync(out, "utf8")).toBe(V5);

    mirror.handle(charter(await bundle(7, V6)));
    const newer = await pull([], codex.env);
    expect(newer.code, newer.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(V6);
    expect(JSON.parse((await agent(["status", "--json", "--org", "acme", "--out", out, "--state-dir", stateDir], codex.env)).stdout)).toMatchObject({ state: "current", codexRefused: null, lastError: null });
  });
});

describe("charter-agent run", () => {
  it("installs, repairs a changed and a removed file at once (logging each repair), checks in with the events, and stops on SIGTERM", async () => {
    mirror.handle(charter(await bundle(5)));
    const run = startAgent(["run", ...base(), "--interval", "30", "--drift-check", "0.1"], { CHARTER_TOKEN: TOKEN });
    try {
      await run.waitFor(/installed version 5 of acme/);
      let mark = run.output().length;
      writeFileSync(out, "# edited by hand\n");
      await run.waitFor(/repaired drift: .* was changed; restored version 5 from the last good copy/, mark);
      expect(readFileSync(out, "utf8")).toBe(V5);
      mark = run.output().length;
        rmSync(out);
      await run.waitFor(/repaired drift: .* was removed; restored version 5/, mark);
      await run.waitFor(/up to date: version 5/, mark);
      expect(readFileSync(out, "utf8")).toBe(V5);
    } finally {
      expect(await run.stop()).toBe(0);
    }
    expect(run.output()).toContain("charter-agent run: stopped");
    expect(run.output()).not.toContain(TOKEN);
    const events = checkins.flatMap((c) => c.events as { state: string }[]).map((e) => e.state);
    expect(events).toEqual(["installed", "drifted", "repaired", "drifted", "repaired"]);
    expect(checkins.at(-1)).toMatchObject({ state: "current", installedVersion: 5, os: process.platform, agentVersion: "0.1.0", codexVersion: null, lastError: null });
    expect(checkins.at(-1)!.diskSha256).toBe(checkins.at(-1)!.installedSha256);
  });

  it("polls at the server's pollIntervalSeconds rather than its own --interval", async () => {
    mirror.handle(charter(await bundle(5))); // answers check-ins with pollIntervalSeconds: 1
    const run = startAgent(["run", ...base(), "--interval", "3600", "--drift-check", "0.1"], { CHARTER_TOKEN: TOKEN });
    try {
      await run.waitFor(/installed version 5 of acme/);
      // With an hour of its own, a second cycle can only come from the server's one second.
      await run.waitFor(/up to date: version 5 of acme/);
    } finally {
      expect(await run.stop()).toBe(0);
    }
    expect(checkins.length).toBeGreaterThanOrEqual(2);
    expect(mirror.requests.filter((q) => q.path === "/api/v1/agent/bundle").at(-1)!.headers["if-none-match"]).toBeDefined();
  });

  it("survives the server being down (backing off) and installs once it is back", async () => {
    const down = await startMirror();
    const url = down.url;
    await down.close();
    const run = startAgent(["run", "--server", url, ...base().slice(2), "--interval", "0.5", "--drift-check", "0.1"], { CHARTER_TOKEN: TOKEN });
    try {
      await run.waitFor(/failed: unreachable: bundle: cannot reach .* \(ECONNREFUSED\) — nothing written/);
      const again = run.output().length;
      await run.waitFor(/failed: unreachable/, again); // still trying
      const { createServer } = await import("node:http");
      const jws = await bundle(5);
      const handler = charter(jws);
      const server = createServer((req, res) => handler(req, res));
      await new Promise<void>((resolve) => server.listen(Number(new URL(url).port), "127.0.0.1", resolve));
      try {
        await run.waitFor(/installed version 5 of acme/);
      } finally {
        server.closeAllConnections();
        server.close();
      }
    } finally {
      expect(await run.stop()).toBe(0);
    }
    expect(readFileSync(out, "utf8")).toBe(V5);
  });
});

describe("charter-agent enroll and status", () => {
  it("checks the pinned fingerprint before spending the secret, stores the host token 0600, then pull and status need no options", async () => {
    let enrolments: Record<string, unknown>[] = [];
    const enroll: MirrorHandler = (req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        enrolments.push(JSON.parse(body));
        res.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify({ token: TOKEN, hostId: "host_1", org: "acme", group: "laptops" }));
      });
    };
    mirror.handle(charter(await bundle(5), { "/api/v1/agent/enroll": enroll }));
    const stranger = await makeTestKey();
    const wrong = await agent(["enroll", "--server", mirror.url, "--org", "acme", "--trust-fingerprint", stranger.fingerprint, "--state-dir", stateDir], { CHARTER_ENROLL_SECRET: "che_secret" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim()).toMatch(/^charter-agent enroll: refused: unknown-key: none of the pinned fingerprints is a key of acme .*\(secret not used\)$/);
    expect(enrolments).toHaveLength(0);

    const r = await agent(["enroll", "--server", mirror.url, "--org", "acme", "--trust-fingerprint", key.fingerprint, "--state-dir", stateDir], { CHARTER_ENROLL_SECRET: "che_secret" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`charter-agent enroll: enrolled this host in acme (group laptops) as host host_1; token stored in ${join(stateDir, "agent.json")}`);
    expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
    expect(enrolments[0]).toMatchObject({ org: "acme", secret: "che_secret", host: { os: process.platform, arch: process.arch, agentVersion: "0.1.0", codexVersion: null } });
    expect(statSync(join(stateDir, "agent.json")).mode & 0o777).toBe(0o600);

    const p = await agent(["pull", "--out", out, "--state-dir", stateDir]);
    expect(p.code, p.stderr).toBe(0);
    expect(mirror.requests.find((q) => q.path === "/api/v1/agent/bundle")!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(checkins).toHaveLength(1); // an enrolled host checks in after a pull
    expect(checkins[0]).toMatchObject({ state: "current", installedVersion: 5, events: [{ state: "installed", version: 5 }] });

    const human = await agent(["status", "--out", out, "--state-dir", stateDir]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("state:        current");
    expect(human.stdout).toMatch(/installed: {4}version 5, sha256 [0-9a-f]{16}…/);
    expect(human.stdout).toContain("matches the installed bundle");
    expect(human.stdout).toContain("codex:        not found");
    writeFileSync(out, "# edited\n");
    const drifted = JSON.parse((await agent(["status", "--json", "--out", out, "--state-dir", stateDir])).stdout);
    expect(drifted).toMatchObject({ state: "drifted", matches: false, installedVersion: 5, org: "acme", group: "laptops", hostId: "host_1", os: process.platform });
    enrolments = [];
  });

  it("refuses an unknown or used-up secret with one line and stores nothing", async () => {
    mirror.handle(
      charter(await bundle(5), {
        "/api/v1/agent/enroll": (_req, res) => res.writeHead(401, { "Content-Type": "application/json" }).end('{"error":{"code":"unauthenticated","message":"Unknown secret."}}'),
      }),
    );
    const r = await agent(["enroll", "--server", mirror.url, "--org", "acme", "--trust-fingerprint", key.fingerprint, "--secret", "che_used", "--state-dir", stateDir]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("charter-agent enroll: failed: unauthorized: enroll: the server refused the enrolment secret (unknown, expired, revoked or used up)");
    expect(existsSync(join(stateDir, "agent.json"))).toBe(false);
  });
});
