/**
 * The host's own Codex as ground truth. After a new file is installed, Codex loads it with a read-only command
 * (`codex features list`, as scripts/codex-oracle.ts does) and a scratch CODEX_HOME, so nothing of the user's (config,
 * sessions, credentials) is read or written. A non-zero exit means this Codex refuses the requirements.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { oneLine } from "./failure";

const CODEX_TIMEOUT_MS = 60_000;

/** `--codex PATH` / CHARTER_CODEX, else `codex` on PATH; "off" disables the check. Null when there is none. */
export function findCodex(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  const wanted = explicit ?? env.CHARTER_CODEX;
  if (wanted === "off") return null;
  if (wanted) return wanted;
  const names = process.platform === "win32" ? ["codex.exe", "codex.cmd", "codex.bat"] : ["codex"];
  for (const dir of (env.PATH ?? env.Path ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
      } catch {
        // unreadable PATH entries are skipped
      }
    }
  }
  return null;
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string; error?: string }> {
  return new Promise((resolve) => {
    // .cmd/.bat shims on Windows need a shell; the arguments are our own constants.
    const shell = process.platform === "win32" && /\.(cmd|bat)$/i.test(bin);
    execFile(bin, args, { env, timeout: CODEX_TIMEOUT_MS, windowsHide: true, shell, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const output = `${stderr ?? ""}\n${stdout ?? ""}`;
      if (!err) return resolve({ code: 0, output });
      const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
      if (typeof e.code === "number") return resolve({ code: e.code, output });
      resolve({ code: null, output, error: e.killed ? `no answer within ${CODEX_TIMEOUT_MS / 1000} s` : String(e.code ?? e.message) });
    });
  });
}

/** `codex --version`, e.g. "codex-cli 0.169.0"; null when there is no Codex or it does not answer. */
export async function codexVersion(bin: string | null): Promise<string | null> {
  if (!bin) return null;
  const r = await run(bin, ["--version"], { ...process.env, RUST_BACKTRACE: "0" });
  if (r.code !== 0) return null;
  return oneLine(r.output, 100) || null;
}

/** The line of Codex's output that says why: an error line if there is one, else the first line. */
export function refusalReason(output: string): string {
  const lines = output.split("\n").map((l) => l.trim()).filter(Boolean);
  const reason =
    lines.find((l) => /error|invalid|unknown|missing|cannot|must|refer|exceed|duplicate|not supported/i.test(l) && !/^Error: failed to load/i.test(l)) ??
    lines[0] ??
    "exited without saying why";
  return oneLine(reason);
}

export type CodexVerdict = { loads: true } | { loads: false; message: string } | { unavailable: string };

/** Has this host's Codex load its requirements now (the file just installed). */
export async function codexLoads(bin: string): Promise<CodexVerdict> {
  const home = mkdtempSync(path.join(tmpdir(), "charter-agent-codex-home-"));
  try {
    const r = await run(bin, ["features", "list"], { ...process.env, CODEX_HOME: home, RUST_BACKTRACE: "0", NO_COLOR: "1" });
    if (r.code === 0) return { loads: true };
    if (r.code === null) return { unavailable: `codex at ${bin} could not be run (${r.error})` };
    return { loads: false, message: refusalReason(r.output) };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
