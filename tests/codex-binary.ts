/**
 * Opt-in check against the real Codex 0.169 binary that `npx tsx scripts/codex-oracle.ts` installs under
 * ~/.cache/charter-codex (about 400 MB, so never downloaded by tests). Codex reads /etc/codex/requirements.toml only,
 * so the file is placed in a copy of /etc bind-mounted over /etc in a private mount namespace (`unshare -m`, root);
 * the real /etc is never touched. `codex features list` exits non-zero when the requirements fail to load.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

const cacheDir = process.env.CHARTER_CODEX_DIR ?? join(homedir(), ".cache", "charter-codex");

/** The codex binary when it is installed and this host can run it in a mount namespace; else why not. */
export function codexBinary(): { bin: string } | { unavailable: string } {
  if (process.platform !== "linux") return { unavailable: "the Codex check needs Linux mount namespaces" };
  if (process.getuid?.() !== 0) return { unavailable: "the Codex check needs root for unshare -m" };
  const vendor = join(cacheDir, "node_modules", "@openai", "codex-linux-x64", "vendor");
  if (!existsSync(vendor)) return { unavailable: `Codex 0.169 is not installed under ${cacheDir} (run: npx tsx scripts/codex-oracle.ts)` };
  for (const triple of readdirSync(vendor)) {
    const bin = join(vendor, triple, "bin", "codex");
    if (existsSync(bin)) return { bin };
  }
  return { unavailable: `no codex binary under ${vendor}` };
}

/** Whether Codex starts with `file` as /etc/codex/requirements.toml, with its error output when it does not. */
export function codexLoads(bin: string, file: string): { ok: boolean; output: string } {
  const scratch = mkdtempSync(join(tmpdir(), "charter-codex-pull-"));
  try {
    const etc = join(scratch, "etc");
    spawnSync("cp", ["-a", "/etc", etc], { stdio: "ignore" });
    mkdirSync(join(etc, "codex"), { recursive: true });
    copyFileSync(file, join(etc, "codex", "requirements.toml"));
    const home = join(scratch, "home");
    mkdirSync(home);
    const r = spawnSync("unshare", ["-m", "--propagation", "private", "sh", "-c", 'mount --bind "$0" /etc && exec "$@"', etc, bin, "features", "list"], {
      encoding: "utf8",
      env: { ...process.env, CODEX_HOME: home, RUST_BACKTRACE: "0" },
      timeout: 60_000,
    });
    return { ok: r.status === 0, output: `${r.stderr ?? ""}${r.stdout ?? ""}`.trim() };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
