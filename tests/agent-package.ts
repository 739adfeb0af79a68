/**
 * The agent as hosts get it: `npm pack` of packages/agent (its prepack builds the one-file bundle), installed from the
 * tarball into an empty folder with npm, nothing else. Packed once per test process.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

export interface InstalledAgent {
  /** The installed package's bin script (node_modules/.bin/charter-agent points at it). */
  bin: string;
  tarball: string;
  /** Size of the packed tarball in bytes. */
  packedBytes: number;
  /** Files in the tarball. */
  files: string[];
  prefix: string;
}

let installed: InstalledAgent | undefined;

export function installPackedAgent(): InstalledAgent {
  if (installed) return installed;
  const work = mkdtempSync(path.join(tmpdir(), "charter-agent-pkg-"));
  const packed = JSON.parse(
    execFileSync(npm, ["pack", path.join(root, "packages", "agent"), "--pack-destination", work, "--json", "--silent"], { cwd: work, encoding: "utf8" }),
  ) as { filename: string; size: number; files: { path: string }[] }[];
  const tarball = path.join(work, packed[0].filename);
  const prefix = path.join(work, "host");
  execFileSync(npm, ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--offline", "--no-package-lock", tarball], { encoding: "utf8", stdio: "pipe" });
  // Readable by every user: a test runs the agent as an unprivileged user to see it refused by the file system.
  for (let dir = prefix; dir.startsWith(tmpdir()) && dir !== tmpdir(); dir = path.dirname(dir)) chmodSync(dir, 0o755);
  const bin = path.join(prefix, "node_modules", "charter-agent", "dist", "charter-agent.mjs");
  installed = { bin, tarball, packedBytes: packed[0].size, files: packed[0].files.map((f) => f.path), prefix };
  return installed;
}

export interface AgentRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `charter-agent ARGS` in a child process, as a host would. */
export function agent(args: string[], env: Record<string, string | undefined> = {}, opts: { uid?: number; gid?: number; cwd?: string } = {}): Promise<AgentRun> {
  const { bin } = installPackedAgent();
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, CHARTER_CODEX: "off", ...env }, timeout: 60_000, ...opts }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running `charter-agent run`, with its output so far and a way to wait for a line. */
export interface RunningAgent {
  child: ChildProcess;
  output: () => string;
  /** Waits for `pattern` in the output after character `from` (default: anywhere). */
  waitFor: (pattern: RegExp, from?: number, timeoutMs?: number) => Promise<string>;
  stop: () => Promise<number | null>;
}

export function startAgent(args: string[], env: Record<string, string | undefined> = {}): RunningAgent {
  const { bin } = installPackedAgent();
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, CHARTER_CODEX: "off", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const w of waiters) w();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    output: () => text,
    waitFor: (pattern, from = 0, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(text.slice(from));
          if (!m) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m[0]);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output so far:\n${text}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      }),
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** Lists a directory (for "nothing left behind" assertions). */
export const ls = (dir: string) => readdirSync(dir).sort();
