import os from "node:os";
import { parseCommand } from "./args";
import type { Db } from "../lib/db";
import type { EmbeddedServer } from "../lib/db/embedded";
import { AppError } from "../lib/errors";
import { createApiTokenForOperator } from "../lib/tokens";
import { connectCharterDatabase, loadMasterKey } from "./database";
import type { Command } from "./main";

const USAGE =
  "usage: charter token create --org SLUG --name NAME --scope read|write|publish [--scope …] [--expires DAYS] [--json]\n" +
  "  (database: DATABASE_URL, else the embedded cluster under CHARTER_DATA_DIR or .charter, running or not)";

/**
 * `charter token create`: mints an admin API token for automation without the console, against Charter's database.
 * The secret is printed once (stdout); the audit log records the token as made from the command line by this OS user.
 * Exit 0 on success, 1 when Charter refuses (unknown org, lifetime past the org's limit), 2 on usage or database errors.
 */
export const tokenCommand: Command = async (args, io) => {
  const parsed = parseCommand(args, io, "charter token", USAGE, { org: { type: "string" }, name: { type: "string" }, scope: { type: "string", multiple: true }, expires: { type: "string" }, json: { type: "boolean" } });
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || positionals[0] !== "create" || !values.org || !values.name || !values.scope?.length) {
    io.err(`charter token: ${positionals[0] !== "create" ? "expected the subcommand create" : "--org, --name and at least one --scope are required"}\n${USAGE}`);
    return 2;
  }
  const days = values.expires === undefined ? 90 : /^\d{1,3}d?$/.test(values.expires) ? Number(values.expires.replace(/d$/, "")) : NaN;
  if (!Number.isInteger(days)) {
    io.err(`charter token: --expires takes a number of days (e.g. 30 or 30d), got "${values.expires}"\n${USAGE}`);
    return 2;
  }
  const scopes = values.scope.flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);

  let connection: { db: Db; embedded?: EmbeddedServer };
  try {
    // Its audit event carries a MAC under the server's key (lib/audit/anchor.ts).
    loadMasterKey();
    connection = await connectCharterDatabase();
  } catch (err) {
    io.err(`charter token: cannot reach Charter's database: ${(err as Error).message}`);
    return 2;
  }
  try {
    const operator = `${os.userInfo().username}@${os.hostname()}`;
    const { token, secret, org } = await createApiTokenForOperator(connection.db, values.org, { name: values.name, scopes: scopes as never, expiresInDays: days }, operator);
    if (values.json) {
      io.out(JSON.stringify({ org: org.slug, id: token.id, name: token.name, prefix: token.prefix, scopes: token.scopes, expiresAt: token.expiresAt?.toISOString() ?? null, secret }));
    } else {
      io.out(secret);
      io.err(`Token "${token.name}" for ${org.slug} (${token.scopes.join(", ")}), expires ${token.expiresAt?.toISOString()}. The secret above is shown once.`);
    }
    return 0;
  } catch (err) {
    if (err instanceof AppError || (err as Error).name === "ZodError") {
      const message = err instanceof AppError ? err.message : (err as { issues: { path: PropertyKey[]; message: string }[] }).issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      io.err(`charter token: ${message}`);
      return 1;
    }
    io.err(`charter token: ${(err as Error).message}`);
    return 2;
  } finally {
    await connection.db.$disconnect();
    await connection.embedded?.stop();
  }
};
