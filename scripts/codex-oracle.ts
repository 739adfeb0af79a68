/**
 * Opt-in check of the requirements vector table against the real Codex binaries, one run per known version.
 *
 *   npx tsx scripts/codex-oracle.ts [--codex VERSION]... [--filter TEXT] [--verbose]
 *   npx tsx scripts/codex-oracle.ts --filter composed     (only the composed base + overlay files of groups)
 *
 * Installs each @openai/codex@VERSION (about 400 MB, native binary) into $CHARTER_CODEX_DIR/VERSION (default
 * ~/.cache/charter-codex/VERSION), outside the repository. Codex reads only /etc/codex/requirements.toml, so each vector
 * is written into a scratch copy of /etc that is bind-mounted over /etc inside a private mount namespace (`unshare -m`,
 * needs root); the real /etc is never touched. A vector is "loaded" when `codex features list` exits 0 (and, for hook
 * vectors, `codex debug prompt-input hi` too, since hook handlers are checked only when a session starts).
 * Prints agreement per version; exit 1 on any disagreement between the table and a binary.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { vectors, verdictFor, type Vector } from "../tests/unit/requirements/vectors";
import { composedVectors } from "../tests/unit/groups/composed-vectors";
import { validateRequirements } from "../lib/requirements/index";
import { validateRequirementsBytes } from "../lib/requirements/validate";
import { KNOWN_CODEX_VERSIONS } from "../lib/requirements/versions";

const args = process.argv.slice(2);
const valuesOf = (flag: string) => args.flatMap((a, i) => (a === flag && args[i + 1] ? [args[i + 1]] : []));
const filter = valuesOf("--filter")[0];
const verbose = args.includes("--verbose");
const versions = valuesOf("--codex").length > 0 ? valuesOf("--codex") : [...KNOWN_CODEX_VERSIONS];
const cacheRoot = process.env.CHARTER_CODEX_DIR ?? join(homedir(), ".cache", "charter-codex");

/** The native binary of an installed version, if any. */
export function findCodexBinary(version: string, root = cacheRoot): string | undefined {
  const vendor = join(root, version, "node_modules", "@openai", "codex-linux-x64", "vendor");
  if (!existsSync(vendor)) return undefined;
  for (const triple of readdirSync(vendor)) {
    const bin = join(vendor, triple, "bin", "codex");
    if (existsSync(bin)) return bin;
  }
  return undefined;
}

function ensureCodex(version: string): string {
  const dir = join(cacheRoot, version);
  let bin = findCodexBinary(version);
  if (!bin) {
    console.log(`installing @openai/codex@${version} into ${dir} (about 400 MB)…`);
    mkdirSync(dir, { recursive: true });
    const r = spawnSync("npm", ["install", "--prefix", dir, "--no-save", "--no-audit", "--no-fund", `@openai/codex@${version}`], { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`npm install of @openai/codex@${version} failed`);
    bin = findCodexBinary(version);
  }
  if (!bin) throw new Error(`no native codex binary under ${dir}`);
  const reported = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim();
  if (!reported.endsWith(version)) throw new Error(`expected codex ${version}, found "${reported}"`);
  return bin;
}

const verdict = (ok: boolean) => (ok ? "loads" : "refused");

function runVersion(version: string, selected: Vector[]) {
  const bin = ensureCodex(version);
  const scratch = mkdtempSync(join(tmpdir(), "charter-oracle-"));
  const etc = join(scratch, "etc");
  // A copy of /etc keeps name resolution, users and certificates as Codex expects; unreadable files are skipped.
  spawnSync("cp", ["-a", "/etc", etc], { stdio: "ignore" });
  mkdirSync(join(etc, "codex"), { recursive: true });
  const codexHome = join(cacheRoot, "home");
  mkdirSync(codexHome, { recursive: true });

  const run = (cmd: string[]) => {
    const r = spawnSync(
      "unshare",
      ["-m", "--propagation", "private", "sh", "-c", 'mount --bind "$0" /etc && exec "$@"', etc, bin, ...cmd],
      { encoding: "utf8", env: { ...process.env, CODEX_HOME: codexHome, RUST_BACKTRACE: "0" }, timeout: 60_000 },
    );
    const reason = `${r.stderr}\n${r.stdout}`
      .split("\n")
      .find((l) => /error|invalid|unknown|missing|cannot|must|refer|exceed|duplicate|not supported|not found|recursion/i.test(l) && !/^Error: failed to load|WARNING/.test(l));
    return { ok: r.status === 0, reason: reason?.trim() };
  };

  let agree = 0;
  const mismatches: string[] = [];
  const hostDependent: string[] = [];
  const engineMismatches: string[] = [];
  for (const vec of selected) {
    writeFileSync(join(etc, "codex", "requirements.toml"), vec.bytes ?? vec.toml);
    let res = run(["features", "list"]);
    if (res.ok && vec.hooks) res = run(["debug", "prompt-input", "hi"]);
    const expected = verdictFor(vec, version);
    const engine = (vec.bytes ? validateRequirementsBytes(vec.bytes, { codex: version }) : validateRequirements(vec.toml, { codex: version })).valid;
    if (engine !== res.ok && !vec.charterLimit) engineMismatches.push(`${vec.name}: engine says ${verdict(engine)}, codex ${verdict(res.ok)}`);
    if (res.ok === expected) {
      agree++;
      if (verbose) console.log(`ok    ${version} ${vec.name}`);
    } else if (vec.hostDependent) {
      hostDependent.push(`${vec.name}: table ${verdict(expected)}, codex here ${verdict(res.ok)} (${vec.hostDependent})`);
    } else {
      mismatches.push(`${vec.name}: table says ${verdict(expected)}, codex ${verdict(res.ok)}${res.reason ? ` — ${res.reason}` : ""}`);
    }
  }
  rmSync(scratch, { recursive: true, force: true });

  for (const m of mismatches) console.log(`MISMATCH ${version} ${m}`);
  for (const m of hostDependent) console.log(`host-dependent ${version} ${m}`);
  for (const m of engineMismatches) console.log(`engine ${version} ${m}`);
  const pct = ((100 * agree) / Math.max(1, selected.length - hostDependent.length)).toFixed(1);
  const summary =
    `codex ${version}: ${agree}/${selected.length - hostDependent.length} vectors agree with the table (${pct} %)` +
    (hostDependent.length ? `, ${hostDependent.length} host-dependent left out` : "") +
    `; the engine disagrees with this binary on ${engineMismatches.length}`;
  return { ok: mismatches.length === 0, summary };
}

function main() {
  if (process.platform !== "linux") throw new Error("the oracle needs Linux mount namespaces");
  // The table's vectors, then group files as Charter composes them (base + overlay): Codex must load what hosts get.
  const selected = [...vectors, ...composedVectors()].filter((v) => !filter || v.name.includes(filter));
  const results = versions.map((version) => runVersion(version, selected));
  for (const r of results) console.log(r.summary);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

if (process.argv[1]?.endsWith("codex-oracle.ts")) main();
