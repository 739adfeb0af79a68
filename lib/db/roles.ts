/**
 * Two database roles. The owner runs migrations and owns the tables (and their triggers); the app runs as a runtime
 * role that may read and write rows but is not a superuser and owns none of the tables it must not change: it cannot
 * disable or drop the audit log's append-only triggers, and may only SELECT and INSERT audit events (no UPDATE, DELETE
 * or TRUNCATE). The one exception is the partitioned "Decision" table: the app adds and drops its monthly partitions
 * at run time, which PostgreSQL allows only the table's owner.
 */
import { withClient } from "./admin";

/** The runtime role on the embedded cluster. */
export const RUNTIME_ROLE = "charter_app";

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The role and password a connection URL logs in with. */
export function roleOf(url: string): { role: string; password: string } {
  const u = new URL(url);
  return { role: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

/** The same server and database, logging in as another role. */
export function urlAs(url: string, role: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(role);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/**
 * As the owner (`ownerUrl`, after migrations): creates the runtime role of `runtimeUrl` if missing (with that URL's
 * password; otherwise sets it), and grants it exactly what the app needs on the current tables. Idempotent: run it
 * after every `migrate deploy`, since new tables need their grants.
 */
export async function grantRuntimeRole(ownerUrl: string, runtimeUrl: string): Promise<void> {
  const { role, password } = roleOf(runtimeUrl);
  if (!IDENTIFIER.test(role)) throw new Error(`The runtime database role "${role}" must be a plain lower-case name (letters, digits, _).`);
  if (role === roleOf(ownerUrl).role) throw new Error(`The runtime role and the migration role are both "${role}": the app must connect as a role of its own (see README, Database roles).`);
  await withClient(ownerUrl, async (c) => {
    const q = (sql: string) => c.query(sql);
    const literal = (s: string) => c.escapeLiteral(s);
    const exists = (await c.query("SELECT rolsuper FROM pg_roles WHERE rolname = $1", [role])).rows[0] as { rolsuper: boolean } | undefined;
    if (!exists) await q(`CREATE ROLE "${role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${literal(password)}`);
    else if (exists.rolsuper) throw new Error(`The runtime database role "${role}" is a superuser: it could switch off the audit log's triggers. Give the app a role of its own (see README, Database roles).`);
    else if (password && (await mayAlter(c, role))) await q(`ALTER ROLE "${role}" PASSWORD ${literal(password)}`);
    // (A role an administrator made for the app, which the owner may not alter, keeps the password they gave it.)
    const { rows } = await c.query<{ db: string }>("SELECT current_database() AS db");
    await q(`GRANT CONNECT, TEMPORARY ON DATABASE "${rows[0].db}" TO "${role}"`);
    await q(`GRANT USAGE, CREATE ON SCHEMA public TO "${role}"`);
    await q(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "${role}"`);
    await q(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "${role}"`);
    await q(`REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "AuditEvent" FROM "${role}"`);
    await q(`REVOKE INSERT, UPDATE, DELETE ON "_prisma_migrations" FROM "${role}"`);
    // Monthly decision partitions are made and dropped by the app (lib/decisions/storage.ts): it owns that table.
    // The owner keeps control through membership (needed to hand the table over, and to migrate it later).
    await q(`GRANT "${role}" TO CURRENT_USER`).catch(() => {});
    const decisions = await c.query<{ name: string }>(
      `SELECT c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND (c.relname = 'Decision' OR c.oid IN (
         SELECT i.inhrelid FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'Decision'))`,
    );
    for (const { name } of decisions.rows) {
      await q(`ALTER TABLE "${name}" OWNER TO "${role}"`).catch((err: Error) => {
        throw new Error(
          `The migration role cannot hand the "${name}" table to "${role}" (${err.message}): as a database administrator, run GRANT "${role}" TO "${roleOf(ownerUrl).role}" (see README, Database roles).`,
        );
      });
    }
  });
}

/** Whether the connected role may change `role` (a superuser, or CREATEROLE with ADMIN on it, as its creator has). */
async function mayAlter(c: import("pg").Client, role: string): Promise<boolean> {
  const { rows } = await c.query<{ may: boolean }>(
    `SELECT r.rolsuper OR (r.rolcreaterole AND pg_has_role(current_user, $1, 'USAGE WITH ADMIN OPTION')) AS may FROM pg_roles r WHERE r.rolname = current_user`,
    [role],
  );
  return rows[0]?.may === true;
}

/** What the app's own connection could do to the audit log beyond appending to it; empty when nothing. */
export async function runtimeRoleProblems(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ role: string; superuser: boolean; owns: boolean; del: boolean }>(
      `SELECT current_user::text AS role, r.rolsuper AS superuser,
         pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = '"AuditEvent"'::regclass), 'USAGE') AS owns,
         has_table_privilege('"AuditEvent"', 'DELETE') AS del
       FROM pg_roles r WHERE r.rolname = current_user`,
    );
    const r = rows[0];
    const problems: string[] = [];
    if (r.superuser) problems.push(`"${r.role}" is a superuser`);
    else if (r.owns) problems.push(`"${r.role}" owns the AuditEvent table (and so its triggers)`);
    if (r.del && !r.superuser) problems.push(`"${r.role}" may delete audit events`);
    return problems;
  });
}
