import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../../cli/main";
import { GOOD_TOML, makeTestKey, payloadFor, sha256Hex, signBundle, tamperOneByte, type TestKey } from "../../bundle-fixtures";
import { serveJws, startMirror, type Mirror } from "../../bundle-mirror";

// `charter pull` in-process against a local mirror that serves what each test needs. The real-server run is
// tests/e2e/pull.spec.ts.
const TOKEN = "cha_unit-test-token-that-must-never-be-printed";
vi.setConfig({ testTimeout: 20_000 }); // the first pull loads the validator; a busy machine must not fail it
let key: TestKey;
let stranger: TestKey;
let mirror: Mirror;
let dir: string;
let out: string;
let stateDir: string;
let trustFile: string;

beforeAll(async () => {
  key = await makeTestKey();
  stranger = await makeTestKey();
  mirror = await startMirror();
});
afterAll(() => mirror.close());

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "charter-pull-"));
  out = join(dir, "etc", "codex", "requirements.toml");
  stateDir = join(dir, "state");
  trustFile = join(dir, "trust.json");
  writeFileSync(trustFile, JSON.stringify({ keys: [key.jwk] }));
  mirror.requests.length = 0;
});

async function pull(extra: string[] = [], base = ["--server", mirror.url, "--token", TOKEN, "--org", "acme", "--trust", trustFile]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(["pull", ...base, "--out", out, "--state-dir", stateDir, "--timeout", "5", ...extra], { out: (l) => stdout.push(l), err: (l) => stderr.push(l) });
  expect([...stdout, ...stderr].join("\n")).not.toContain(TOKEN);
  return { code, stdout, stderr };
}

const bundle = (over: Partial<Parameters<typeof payloadFor>[0]> = {}, signer = () => key) =>
  signBundle(signer(), payloadFor({ org: "acme", version: 5, ...over }));

/** Installs version 5 and returns the bytes now on disk, the baseline every failure must leave alone. */
async function installGood(): Promise<Buffer> {
  mirror.handle(serveJws(await bundle()));
  const r = await pull();
  expect(r.code).toBe(0);
  return readFileSync(out);
}

describe("charter pull installs", () => {
  it("a verified bundle atomically, mode 0644, creating the directory, and records the version in --state-dir", async () => {
    mirror.handle(serveJws(await bundle()));
    const r = await pull();
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual([expect.stringMatching(new RegExp(`^charter pull: installed version 5 of acme to ${out} \\(sha256 [0-9a-f]{12}…, key ${key.kid}\\)$`))]);
    expect(readFileSync(out, "utf8")).toBe(GOOD_TOML);
    expect(statSync(out).mode & 0o777).toBe(0o644);
    expect(readdirSync(join(dir, "etc", "codex"))).toEqual(["requirements.toml"]); // no temp file left behind
    const state = JSON.parse(readFileSync(join(stateDir, "pull-acme.json"), "utf8"));
    expect(state).toMatchObject({ org: "acme", version: 5, sha256: sha256Hex(GOOD_TOML), kid: key.kid });
    expect(mirror.requests[0].headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, accept: "application/jose" });
  });

  it("answers 'up to date' on 304 without rewriting the file, sending the stored ETag", async () => {
    await installGood();
    const before = statSync(out);
    const r = await pull();
    expect(r.code).toBe(0);
    expect(r.stdout[0]).toBe(`charter pull: up to date: version 5 of acme at ${out}`);
    expect(mirror.requests.at(-1)!.headers["if-none-match"]).toMatch(/^"[0-9a-f]+"$/);
    expect(statSync(out).mtimeMs).toBe(before.mtimeMs);
  });

  it("tells the server its client version and the version it has installed, for the fleet view", async () => {
    await installGood();
    expect(mirror.requests[0].headers["x-charter-installed-version"]).toBeUndefined();
    await pull();
    expect(mirror.requests.at(-1)!.headers).toMatchObject({ "x-charter-installed-version": "5", "user-agent": expect.stringMatching(/^charter-agent\/0\.1\.0 node\//) });
  });

  it("re-fetches and re-verifies without If-None-Match when the pinned keys changed", async () => {
    await installGood();
    writeFileSync(trustFile, JSON.stringify({ keys: [stranger.jwk] }));
    const r = await pull();
    expect(mirror.requests.at(-1)!.headers["if-none-match"]).toBeUndefined();
    expect(r.code).toBe(1);
    expect(r.stderr[0]).toMatch(/^charter pull: refused: unknown-key: /);
  });

  it("repairs a file changed or removed locally from the last good copy, saying so, then revalidates with a 304", async () => {
    await installGood();
    writeFileSync(out, "# edited by hand\n");
    const r = await pull();
    expect(r.code).toBe(0);
    expect(r.stderr).toEqual([`charter pull: repaired drift: ${out} was changed; restored version 5 from the last good copy`]);
    expect(mirror.requests.at(-1)!.headers["if-none-match"]).toMatch(/^"/);
    expect(readFileSync(out, "utf8")).toBe(GOOD_TOML);
    rmSync(out);
    const down = await startMirror();
    await down.close();
    const offline = await pull([], ["--server", down.url, "--token", TOKEN, "--org", "acme", "--trust", trustFile]);
    expect(offline.code).toBe(1); // the server is down, but the file is back
    expect(offline.stderr[0]).toBe(`charter pull: repaired drift: ${out} was removed; restored version 5 from the last good copy`);
    expect(readFileSync(out, "utf8")).toBe(GOOD_TOML);
  });

  it("re-fetches without If-None-Match when the file changed and no last good copy is left, and restores it", async () => {
    await installGood();
    for (const f of readdirSync(stateDir)) if (f.startsWith("last-good-")) rmSync(join(stateDir, f));
    writeFileSync(out, "# edited by hand\n");
    const r = await pull();
    expect(r.code).toBe(0);
    expect(mirror.requests.at(-1)!.headers["if-none-match"]).toBeUndefined();
    expect(readFileSync(out, "utf8")).toBe(GOOD_TOML);
  });

  it("stops revalidating once the bundle's refreshAfter has passed: fetches in full and says why", async () => {
    const refreshAfter = new Date(Date.now() - 1000).toISOString();
    mirror.handle(serveJws(await bundle({ refreshAfter })));
    expect((await pull()).code).toBe(0);
    const r = await pull();
    expect(r.code).toBe(0);
    expect(mirror.requests.at(-1)!.headers["if-none-match"]).toBeUndefined();
    expect(r.stdout[0]).toContain(`fetched in full: the installed bundle was due for re-signing at ${refreshAfter}`);
    expect(r.stdout[0]).toContain("warning: the server still serves a bundle due for re-signing");
    // A 304 to that request cannot keep the host on the old bundle.
    mirror.handle((_q, res) => res.writeHead(304, { ETag: '"x"' }).end());
    const frozen = await pull();
    expect(frozen.code).toBe(1);
    expect(frozen.stderr[0]).toMatch(/^charter pull: failed: http: bundle: server answered 304 Not Modified to a request without If-None-Match/);
  });

  it("a newer version over an older one, and takes the CHARTER_TOKEN environment variable instead of --token", async () => {
    await installGood();
    mirror.handle(serveJws(await bundle({ version: 6, requirementsToml: GOOD_TOML + "allowed_web_search_modes = [\"cached\"]\n" })));
    process.env.CHARTER_TOKEN = "cha_from-the-environment";
    try {
      const r = await pull([], ["--server", mirror.url, "--org", "acme", "--trust", trustFile]);
      expect(r.code).toBe(0);
    } finally {
      delete process.env.CHARTER_TOKEN;
    }
    expect(mirror.requests.at(-1)!.headers.authorization).toBe("Bearer cha_from-the-environment");
    expect(readFileSync(out, "utf8")).toContain("allowed_web_search_modes");
  });

  it("with --trust-fingerprint, using the server's JWKS only for the key whose thumbprint is pinned", async () => {
    const jws = await bundle();
    mirror.handle((req, res) => {
      if (req.url === "/api/v1/orgs/acme/keys") res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys: [stranger.jwk, key.jwk] }));
      else serveJws(jws)(req, res);
    });
    const r = await pull([], ["--server", mirror.url, "--token", TOKEN, "--org", "acme", "--trust-fingerprint", key.fingerprint]);
    expect(r.code, r.stderr.join("\n")).toBe(0);
    expect(mirror.requests.map((q) => q.path)).toEqual(["/api/v1/agent/bundle", "/api/v1/orgs/acme/keys"]);
  });

  it("with --check: verifies and writes neither the file nor the state", async () => {
    mirror.handle(serveJws(await bundle()));
    const r = await pull(["--check"]);
    expect(r.code).toBe(0);
    expect(r.stdout[0]).toContain("verified version 5 of acme");
    expect(existsSync(out)).toBe(false);
    expect(existsSync(stateDir)).toBe(false);
  });

  it("with --format mobileconfig: a configuration profile carrying the TOML as requirements_toml_base64", async () => {
    out = join(dir, "codex.mobileconfig");
    mirror.handle(serveJws(await bundle()));
    expect((await pull(["--format", "mobileconfig"])).code).toBe(0);
    const xml = readFileSync(out, "utf8");
    expect(xml).toContain("<string>com.openai.codex</string>");
    const b64 = /<key>requirements_toml_base64<\/key>\s*<string>([^<]+)<\/string>/.exec(xml)![1];
    expect(Buffer.from(b64, "base64").toString("utf8")).toBe(GOOD_TOML);
  });
});

describe("charter pull keeps the last good file byte for byte, exits 1 and names the reason when", () => {
  const cases: [string, string, () => Promise<(mirror: Mirror) => void>][] = [
    ["the payload was changed by one byte", "signature", async () => { const jws = tamperOneByte(await bundle({ version: 7 }), "7", "9"); return (m) => m.handle(serveJws(jws)); }],
    ["the bundle is signed by an unknown key", "unknown-key", async () => { const jws = await bundle({ version: 7 }, () => stranger); return (m) => m.handle(serveJws(jws)); }],
    ["the bundle is for another org", "org", async () => { const jws = await bundle({ org: "globex", version: 7 }); return (m) => m.handle(serveJws(jws)); }],
    ["the bundle expired", "expired", async () => { const jws = await bundle({ version: 7, expiresAt: new Date(Date.now() - 3_600_000).toISOString() }); return (m) => m.handle(serveJws(jws)); }],
    ["the bundle is an older version", "rollback", async () => { const jws = await bundle({ version: 4 }); return (m) => m.handle(serveJws(jws)); }],
    ["the sha256 does not match the text", "sha256", async () => { const jws = await bundle({ version: 7, sha256: sha256Hex("x") }); return (m) => m.handle(serveJws(jws)); }],
    ["Codex would refuse the text", "invalid-requirements", async () => { const t = 'allowed_sandbox_modes = ["workspace-write"]\n'; const jws = await bundle({ version: 7, requirementsToml: t }); return (m) => m.handle(serveJws(jws)); }],
    ["the body is truncated", "malformed", async () => { const jws = await bundle({ version: 7 }); return (m) => m.handle(serveJws(jws.slice(0, Math.floor(jws.length / 2)))); }],
    ["the connection drops mid-body", "truncated", async () => { const jws = await bundle({ version: 7 }); return (m) => m.handle((_q, res) => { res.writeHead(200, { "Content-Length": String(jws.length) }); res.write(jws.slice(0, 100)); setTimeout(() => res.destroy(), 20); }); }],
    ["the server answers HTTP 500", "http", async () => (m) => m.handle((_q, res) => res.writeHead(500, { "Content-Type": "application/json" }).end('{"error":{"code":"internal","message":"Something failed (ref 42)."}}'))],
    ["the token is refused (revoked)", "unauthorized", async () => (m) => m.handle((_q, res) => res.writeHead(401, { "Content-Type": "application/json" }).end('{"error":{"code":"unauthenticated","message":"This agent token was revoked."}}'))],
    ["the server redirects elsewhere", "http", async () => (m) => m.handle((_q, res) => res.writeHead(302, { Location: "https://evil.example/bundle" }).end())],
  ];

  for (const [what, reason, setup] of cases) {
    it(`${what} (${reason})`, async () => {
      const good = await installGood();
      const state = readFileSync(join(stateDir, "pull-acme.json"));
      (await setup())(mirror);
      const r = await pull();
      expect(r.code).toBe(1);
      expect(r.stdout).toEqual([]);
      expect(r.stderr).toHaveLength(1);
      expect(r.stderr[0]).toMatch(new RegExp(`^charter pull: (refused|failed): ${reason}: .+ — kept ${out} unchanged$`));
      expect(readFileSync(out).equals(good)).toBe(true);
      expect(readFileSync(join(stateDir, "pull-acme.json")).equals(state)).toBe(true);
    });
  }

  it("a mirror answers 304 to a request that asked for no revalidation (freezing the host)", async () => {
    const good = await installGood();
    for (const f of readdirSync(stateDir)) if (f.startsWith("last-good-")) rmSync(join(stateDir, f));
    writeFileSync(out, "# changed locally\n"); // with no last good copy to repair from, the client must fetch in full
    const changed = readFileSync(out);
    mirror.handle((_q, res) => res.writeHead(304, { ETag: '"x"' }).end());
    const r = await pull();
    expect(r.code).toBe(1);
    expect(mirror.requests.at(-1)!.headers["if-none-match"]).toBeUndefined();
    expect(r.stderr[0]).toMatch(/^charter pull: failed: http: bundle: server answered 304 Not Modified to a request without If-None-Match — kept /);
    expect(readFileSync(out).equals(changed)).toBe(true);
    expect(good.equals(changed)).toBe(false);
  });

  it("the installed bundle expired: no If-None-Match is sent, so a 304 cannot keep the host on it", async () => {
    mirror.handle(serveJws(await bundle({ expiresAt: new Date(Date.now() + 60_000).toISOString() })));
    expect((await pull()).code).toBe(0);
    const statePath = join(stateDir, "pull-acme.json");
    const state = JSON.parse(readFileSync(statePath, "utf8"));
    writeFileSync(statePath, JSON.stringify({ ...state, expiresAt: new Date(Date.now() - 1000).toISOString() }));
    await pull();
    expect(mirror.requests.at(-1)!.headers["if-none-match"]).toBeUndefined();
  });

  it("the server is down", async () => {
    const good = await installGood();
    const down = await startMirror();
    await down.close();
    const r = await pull([], ["--server", down.url, "--token", TOKEN, "--org", "acme", "--trust", trustFile]);
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual([expect.stringMatching(new RegExp(`^charter pull: failed: unreachable: bundle: cannot reach ${down.url} \\(ECONNREFUSED\\) — kept ${out} unchanged$`))]);
    expect(readFileSync(out).equals(good)).toBe(true);
  });

  it("the server does not answer within --timeout", async () => {
    const good = await installGood();
    mirror.handle(() => {}); // never answers
    const r = await pull(["--timeout", "0.3"]);
    expect(r.code).toBe(1);
    expect(r.stderr[0]).toMatch(/^charter pull: failed: unreachable: bundle: no answer from .* within 0\.3 s — kept /);
    expect(readFileSync(out).equals(good)).toBe(true);
  });

  it("the state file is corrupt: refuses rather than forgetting the rollback floor", async () => {
    const good = await installGood();
    writeFileSync(join(stateDir, "pull-acme.json"), "{not json");
    mirror.handle(serveJws(await bundle({ version: 1 })));
    const r = await pull();
    expect(r.code).toBe(1);
    expect(r.stderr[0]).toMatch(/^charter pull: failed: state: /);
    expect(readFileSync(out).equals(good)).toBe(true);
  });

  it("nothing was installed yet: says nothing was written", async () => {
    mirror.handle(serveJws(await bundle({ org: "globex" })));
    const r = await pull();
    expect(r.code).toBe(1);
    expect(r.stderr[0]).toMatch(new RegExp(`^charter pull: refused: org: .* — nothing written to ${out}$`));
    expect(existsSync(out)).toBe(false);
  });
});

describe("charter pull usage", () => {
  const base = (m: string) => ["--server", m, "--token", TOKEN];
  it.each([
    [["--org", "acme"], "a pinned key is required"],
    [["--trust", "x.json", "--trust-fingerprint", "a".repeat(43), "--org", "acme"], "not both"],
    [["--trust-fingerprint", "abc", "--org", "acme"], "RFC 7638"],
    [["--trust", "x.json"], "--org SLUG is required"],
    [["--org", "acme", "--trust", "x.json", "--format", "pkg"], "--format must be toml or mobileconfig"],
    [["--org", "acme", "--trust", "x.json", "--bogus"], "Unknown option '--bogus'"],
  ])("exits 2 for %j", async (args, message) => {
    const stderr: string[] = [];
    const code = await main(["pull", ...base("http://127.0.0.1:9"), ...args], { out: () => {}, err: (l) => stderr.push(l) });
    expect(code).toBe(2);
    expect(stderr[0]).toContain(message);
  });

  it("exits 2 when the pinned JWKS file is missing or holds no usable key", async () => {
    const stderr: string[] = [];
    const io = { out: () => {}, err: (l: string) => stderr.push(l) };
    expect(await main(["pull", ...base(mirror.url), "--org", "acme", "--trust", join(dir, "missing.json")], io)).toBe(2);
    expect(stderr[0]).toContain("ENOENT");
    writeFileSync(trustFile, JSON.stringify({ keys: [{ kty: "RSA", n: "x", e: "AQAB", kid: "r" }] }));
    expect(await main(["pull", ...base(mirror.url), "--org", "acme", "--trust", trustFile], io)).toBe(2);
    expect(stderr.at(-1)).toContain("no public Ed25519 key");
  });

  it("exits 2 without a token and never guesses one", async () => {
    const stderr: string[] = [];
    delete process.env.CHARTER_TOKEN;
    const code = await main(["pull", "--server", mirror.url, "--org", "acme", "--trust", trustFile], { out: () => {}, err: (l) => stderr.push(l) });
    expect(code).toBe(2);
    expect(stderr[0]).toContain("CHARTER_TOKEN");
  });
});
