import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../../lib/policies/openapi";
import { OPERATIONS } from "../../../lib/ops";

const API = path.join(process.cwd(), "app", "api", "v1");

/** Every route file under app/api/v1 with its exported HTTP methods, as OpenAPI paths (`[org]` → `{org}`). */
function routes(dir = API): { path: string; methods: string[] }[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "[...path]" ? [] : routes(full); // the operations' route: tests/unit/ops.test.ts
    if (name !== "route.ts") return [];
    const source = readFileSync(full, "utf8");
    const methods = [...source.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1].toLowerCase());
    const route = "/" + path.relative(process.cwd(), path.dirname(full)).split(path.sep).slice(1).join("/").replace(/\[(\w+)\]/g, "{$1}");
    return [{ path: route, methods }];
  });
}

describe("the OpenAPI document", () => {
  it("documents every admin API route and method that exists, so a new route cannot ship undocumented", () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const missing = routes()
      .filter((r) => r.path !== "/api/v1/openapi.json")
      .flatMap((r) => r.methods.filter((m) => !doc.paths[r.path]?.[m]).map((m) => `${m.toUpperCase()} ${r.path}`));
    expect(missing).toEqual([]);
  });

  it("documents no route that does not exist", () => {
    const doc = openApiDocument() as { paths: Record<string, unknown> };
    const existing = new Set([...routes().map((r) => r.path), ...OPERATIONS.map((op) => op.http.path)]);
    expect(Object.keys(doc.paths).filter((p) => !existing.has(p))).toEqual([]);
  });
});
