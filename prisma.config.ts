import pg from "pg";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// The wasm schema engine introspects pg_catalog columns of types `name` and `char`, which adapter-pg cannot decode
// (prisma/orm#27403). In the CLI process only, report them as text.
const TEXTLIKE_OIDS = new Set([18, 19, 24, 28, 194]);
const TEXTLIKE_ARRAY_OIDS = new Set([1002, 1003]);
const resultProto = (pg as unknown as { Result: { prototype: { addFields: (f: { dataTypeID: number }[]) => void } } }).Result.prototype;
const addFields = resultProto.addFields;
resultProto.addFields = function (fields) {
  for (const f of fields) {
    if (TEXTLIKE_OIDS.has(f.dataTypeID)) f.dataTypeID = 25;
    else if (TEXTLIKE_ARRAY_OIDS.has(f.dataTypeID)) f.dataTypeID = 1009;
  }
  return addFields.call(this, fields);
};

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    // Discrete fields, not connectionString: pg lets a connection string override `database`, which would point the
    // shadow database of `migrate dev` at the main one.
    const u = new URL(url);
    return sendScriptsWhole(new PrismaPg({
      host: u.hostname,
      port: Number(u.port || 5432),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password) || undefined,
      database: u.pathname.slice(1),
      idleTimeoutMillis: 200,
    }));
  },
});

// adapter-pg runs a migration script by splitting it on every ";", which breaks function bodies ($$ ... ; ... $$).
// PostgreSQL's simple query protocol takes a whole multi-statement script, so hand it over in one piece.
type ScriptRunner = { executeScript(script: string): Promise<void>; client: { query(sql: string): Promise<unknown> }; onError(e: unknown): never };
function sendScriptsWhole(factory: PrismaPg): PrismaPg {
  const patch = <T>(adapter: T): T => {
    const runner = adapter as unknown as ScriptRunner;
    runner.executeScript = async (script) => {
      try {
        await runner.client.query(script);
      } catch (error) {
        runner.onError(error);
      }
    };
    return adapter;
  };
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => patch(await connect());
  factory.connectToShadowDb = async () => patch(await connectToShadowDb());
  return factory;
}
