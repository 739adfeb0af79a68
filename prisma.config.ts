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
    return new PrismaPg({
      host: u.hostname,
      port: Number(u.port || 5432),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password) || undefined,
      database: u.pathname.slice(1),
      idleTimeoutMillis: 200,
    });
  },
});
