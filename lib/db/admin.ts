import pg from "pg";

/** The same server with another database name in the URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** One short-lived connection for an administrative statement or two (no pool to leave open). */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates a database on the server of `serverUrl` unless it exists. Returns whether it was created. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<boolean> {
  if (!IDENTIFIER.test(name)) throw new Error(`Refusing unusual database name "${name}"`);
  return withClient(withDatabase(serverUrl, "postgres"), async (client) => {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  });
}

/** Drops a database, closing its remaining connections first. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  if (!IDENTIFIER.test(name)) throw new Error(`Refusing unusual database name "${name}"`);
  await withClient(withDatabase(serverUrl, "postgres"), (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Drops a role once nothing of it is left (its databases dropped first). */
export async function dropRole(serverUrl: string, role: string): Promise<void> {
  if (!IDENTIFIER.test(role)) throw new Error(`Refusing unusual role name "${role}"`);
  await withClient(withDatabase(serverUrl, "postgres"), (client) => client.query(`DROP ROLE IF EXISTS "${role}"`));
}
