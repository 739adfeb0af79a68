/** Files the agent owns: atomic replacement, and refusing targets that are not plain files. */
import { randomBytes } from "node:crypto";
import { lstat, mkdir, open, readFile, readlink, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { AgentFailure, errnoOf } from "./failure";

export async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/**
 * The installed file must be a plain file (or absent). A directory cannot be replaced; a symlink would make us write
 * wherever it points (or replace the link someone set up on purpose): both are refused before anything is fetched.
 */
export async function checkTarget(file: string, what = "target"): Promise<void> {
  let st;
  try {
    st = await lstat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new AgentFailure(what, `cannot inspect ${file} (${errnoOf(err)})`);
  }
  if (st.isDirectory()) throw new AgentFailure(what, `${file} is a directory, not a file; remove it or choose another --out`);
  if (st.isSymbolicLink()) {
    const dest = await readlink(file).catch(() => "?");
    throw new AgentFailure(what, `${file} is a symlink to ${dest}; refusing to write through it (replace it with a plain file or choose another --out)`);
  }
  if (!st.isFile()) throw new AgentFailure(what, `${file} is not a regular file`);
}

/** Write to a temp file in the same directory, fsync, rename over the target, fsync the directory. */
export async function writeAtomic(file: string, data: string | Buffer, mode = 0o644): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const handle = await open(tmp, "wx", mode);
  try {
    await handle.writeFile(data);
    if (process.platform !== "win32") await handle.chmod(mode); // the umask must not make Codex's file unreadable
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => {});
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
