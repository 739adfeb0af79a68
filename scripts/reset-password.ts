/** `npm run reset-password -- EMAIL`: sets and prints a new password for a local account (uses the same database as npm start). */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb } from "../lib/db";
import { charterDatabase } from "../lib/db/embedded";
import { resetPassword } from "../lib/seed";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const email = process.argv[2];
if (!email) {
  process.stderr.write("usage: npm run reset-password -- EMAIL\n");
  process.exit(2);
}
const dataDir = path.resolve(process.env.CHARTER_DATA_DIR ?? path.join(root, ".charter"));
const { ownerUrl: url, embedded } = await charterDatabase(dataDir).catch((err: Error) => {
  process.stderr.write(`${err.message}\nIs Charter still running? Stop it first.\n`);
  process.exit(1);
});
const db = createDb(url);
try {
  const password = await resetPassword(db, email.trim().toLowerCase());
  process.stdout.write(`New password for ${email}: ${password}\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
  await embedded?.stop();
}
