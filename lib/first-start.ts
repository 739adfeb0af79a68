import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The first `npm start` creates the demo owner with a generated password. It goes to a file only the user running
 * Charter can read, never to stdout: service managers keep stdout in logs that others read.
 */
export const INITIAL_PASSWORD_FILE = "initial-owner-password";

/** Writes email and password to `<dataDir>/initial-owner-password` with mode 0600; returns the file's path. */
export function saveInitialPassword(dataDir: string, email: string, password: string): string {
  const file = path.join(dataDir, INITIAL_PASSWORD_FILE);
  writeFileSync(file, `${email}\n${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // a file left from an earlier install keeps its old mode otherwise
  return file;
}

/** What `npm start` prints once Charter is up: where to sign in and where the password is, never the password. */
export function bannerLines(port: number, email: string, passwordFile: string | undefined, resetCommand: string): string[] {
  return [
    `Charter is running at http://localhost:${port}`,
    `Sign in as ${email}`,
    passwordFile
      ? `Password: in ${passwordFile} (readable only by you; delete it once you have signed in)`
      : `Password: set at first start. Forgot it? Stop Charter and run: ${resetCommand}`,
    "Press Ctrl-C to stop.",
  ];
}
