/**
 * Opt-in check of the requirements vector table against the real Codex 0.169.0 binary.
 *
 *   npx tsx scripts/codex-oracle.ts [--filter TEXT] [--verbose]
 *
 * Installs @openai/codex@0.169.0 (about 400 MB, native binary) into $CHARTER_CODEX_DIR (default ~/.cache/charter-codex),
 * outside the repository. Codex reads only /etc/codex/requirements.toml, so each vector is written into a scratch copy
 * of /etc that is bind-mounted over /etc inside a private mount namespace (`unshare -m`, needs root); the real /etc is
 * never touched. A vector is "loaded" when `codex features list` exits 0 (and, for hook vectors, `codex debug
 * prompt-input hi` too, since hook handlers are checked only when a session starts). Exit 1 on any disagreement.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { vectors, type Vector } from "../tests/unit/requirements/vectors";
import { validateRequirements } from "../lib/requirements/index";

const VERSION = "0.169.0";
const args = process.argv.slice(2);
const filter = args.includes("--filter") ? args[args.indexOf("--filter") + 1] : undefined;
const verbose = args.includes("--verbose");
const cacheDir = process.env.CHARTER_CODEX_DIR ?? join(homedir(), ".cache", "charter-codex");

function findBinary(): string | undefined {
  const vendor = join(cacheDir, "node_modules", "@openai", "codex-linux-x64", "vendor");
  if (!existsSync(vendor)) return undefined;
  for (const triple of readdirSync(vendor)) {
    const bin = join(vendor, triple, "bin", "codex");
    if (existsSync(bin)) return bin;
  }
  return undefined;
}

function ensureCodex(): string {
  let bin = findBinary();
  if (!bin) {
    console.log(`installing @openai/codex@${VERSION} into ${cacheDir} (about 400 MB)…`);
    mkdirSync(cacheDir, { recursive: true });
    const r = spawnSync("npm", ["install", "--prefix", cacheDir, "--no-save", `@openai/codex@${VERSION}`], { stdio: "inherit" });
    if (r.status !== 0) throw new Error("npm install of @openai/codex failed");
    bin = findBinary();
  }
  if (!bin) throw new Error(`no native codex binary under ${cacheDir}`);
  const version = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim();
  if (!version.endsWith(VERSION)) throw new Error(`expected codex ${VERSION}, found "${version}"`);
  return bin;
}

function main() {
  if (process.platform !== "linux") throw new Error("the oracle needs Linux mount namespaces");
  const bin = ensureCodex();
  const scratch = mkdtempSync(join(tmpdir(), "charter-oracle-"));
  const etc = join(scratch, "etc");
  // A copy of /etc keeps name resolution, users and certificates as Codex expects; unreadable files are skipped.
  spawnSync("cp", ["-a", "/etc", etc], { stdio: "ignore" });
  mkdirSync(join(etc, "codex"), { recursive: true });
  const codexHome = join(cacheDir, "home");
  mkdirSync(codexHome, { recursive: true });

  const run = (cmd: string[]) => {
    const r = spawnSync(
      "unshare",
      ["-m", "--propagation", "private", "sh", "-c", 'mount --bind "$0" /etc && exec "$@"', etc, bin, ...cmd],
      { encoding: "utf8", env: { ...process.env, CODEX_HOME: codexHome, RUST_BACKTRACE: "0" }, timeout: 60_000 },
    );
    const reason = `${r.stderr}\n${r.stdout}`.split("\n").find((l) => /error|invalid|unknown|missing|cannot|must|refer|exceed|duplicate|skipping|not supported/i.test(l) && !/^Error: failed to load/.test(l));
    return { ok: r.status === 0, reason: reason?.trim() };
  };

  const selected = vectors.filter((v) => !filter || v.name.includes(filter));
  let agree = 0;
  const mismatches: string[] = [];
  const hostDependent: string[] = [];
  const engineMismatches: string[] = [];
  for (const vec of selected) {
    writeFileSync(join(etc, "codex", "requirements.toml"), vec.toml);
    let res = run(["features", "list"]);
    if (res.ok && vec.hooks) res = run(["debug", "prompt-input", "hi"]);
    const engine = validateRequirements(vec.toml).valid;
    if (engine !== res.ok) engineMismatches.push(`${vec.name}: engine says ${verdict(engine)}, codex ${verdict(res.ok)}`);
    if (res.ok === vec.valid) {
      agree++;
      if (verbose) console.log(`ok    ${vec.name}`);
    } else if (vec.hostDependent) {
      hostDependent.push(`${vec.name}: table ${verdict(vec.valid)}, codex here ${verdict(res.ok)} (${vec.hostDependent})`);
    } else {
      mismatches.push(describeMismatch(vec, res.ok, res.reason));
    }
  }
  rmSync(scratch, { recursive: true, force: true });

  for (const m of mismatches) console.log(`MISMATCH ${m}`);
  for (const m of hostDependent) console.log(`host-dependent ${m}`);
  for (const m of engineMismatches) console.log(`engine ${m}`);
  console.log(
    `codex ${VERSION}: ${agree}/${selected.length} vectors agree with the table` +
      (hostDependent.length ? `, ${hostDependent.length} host-dependent` : "") +
      `, ${mismatches.length} mismatches; engine disagrees with codex on ${engineMismatches.length}`,
  );
  process.exitCode = mismatches.length > 0 ? 1 : 0;
}

const verdict = (ok: boolean) => (ok ? "loads" : "refused");
function describeMismatch(vec: Vector, codexOk: boolean, reason: string | undefined) {
  return `${vec.name}: table says ${verdict(vec.valid)}, codex ${verdict(codexOk)}${reason ? ` — ${reason}` : ""}`;
}

main();
