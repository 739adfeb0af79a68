import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { AUDIT_EVENT_TYPES } from "../../lib/audit/events";
import { OPERATIONS } from "../../lib/ops";
import { router } from "../../lib/ops/http";
import { jsonSchema } from "../../lib/ops/openapi";
import { openApiDocument } from "../../lib/policies/openapi";
import { ACCESS_MATRIX, OPERATIONS_ROUTE, PROBE_FIELD, rowKey, type ActionRow } from "../security/access-matrix";

// The route and action modules load Auth.js, which needs a live Next.js; nothing here signs in.
vi.mock("next-auth", () => import("../support/mock-next"));

const root = process.cwd();
const doc = openApiDocument() as { paths: Record<string, Record<string, { operationId?: string; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };
const concrete = (p: string) => p.replace(/\{(\w+)\}/g, (_m, n: string) => (n === "org" ? "acme" : "1"));

describe.each(OPERATIONS.map((op) => [op.name, op] as const))("operation %s has every derived part", (_name, op) => {
  it("an HTTP route: the API route dispatches its method and path to it", async () => {
    const found = router(OPERATIONS).match(op.http.method, concrete(op.http.path));
    expect(found && "op" in found ? found.op : null).toBe(op);
    const route = (await import(`../../${OPERATIONS_ROUTE}`)) as Record<string, unknown>;
    expect(typeof route[op.http.method]).toBe("function");
  });

  it("an OpenAPI entry whose success response is its output schema", () => {
    const entry = doc.paths[op.http.path]?.[op.http.method.toLowerCase()];
    expect(entry?.operationId).toBe(op.name);
    const content = entry?.responses[String(op.http.status ?? 200)]?.content;
    if (op.http.download) expect(Object.keys(content ?? {}).sort()).toEqual([...op.http.download].sort());
    else expect(content?.["application/json"]?.schema).toEqual(jsonSchema(op.output, "output"));
  });

  it("an access-matrix row with its permission", () => {
    const row = ACCESS_MATRIX.find((r) => rowKey(r) === `operation ${op.name}`);
    expect(row?.requires).toBe(op.permission);
  });

  it("a strict input (unknown fields are refused, which the access matrix's probe relies on) and a known audit event", () => {
    const result = op.input.safeParse({ [PROBE_FIELD]: "1" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.some((i) => i.code === "unrecognized_keys")).toBe(true);
    if (op.audit) expect(AUDIT_EVENT_TYPES).toContain(op.audit);
    expect(op.summary.trim()).not.toBe("");
  });
});

describe("the operations as a whole", () => {
  it("have unique names and unique method + path", () => {
    const names = OPERATIONS.map((op) => op.name);
    const routes = OPERATIONS.map((op) => `${op.http.method} ${op.http.path}`);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    expect(routes.filter((r, i) => routes.indexOf(r) !== i)).toEqual([]);
  });

  it("answer an unknown path with 404 and a known path with the wrong method with 405, both in the error vocabulary", async () => {
    const api = router(OPERATIONS);
    const missing = await api.handle(new Request("http://charter.test/api/v1/orgs/acme/no-such-thing"));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
    const wrong = await api.handle(new Request("http://charter.test/api/v1/orgs/acme/versions", { method: "DELETE" }));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
    expect(await wrong.json()).toMatchObject({ error: { code: "method_not_allowed" } });
  });
});

describe("console actions derived from operations", () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? files(path.join(dir, n)) : [path.join(dir, n)]));
  const useServer = [...files(path.join(root, "app")), ...files(path.join(root, "lib", "ops"))].filter((f) => /\.tsx?$/.test(f) && /^\s*["']use server["']/.test(readFileSync(f, "utf8")));

  it("each action made with serverAction(op) or accountAction(op) has the matrix row of that operation, and each such row names such an action", async () => {
    const derived: string[] = [];
    for (const file of useServer) {
      const mod = (await import(file)) as Record<string, { operation?: { name: string } }>;
      for (const [name, value] of Object.entries(mod)) {
        if (value?.operation) derived.push(`${path.relative(root, file)} ${name} ${value.operation.name}`);
      }
    }
    const rows = ACCESS_MATRIX.filter((r): r is ActionRow => r.kind === "action" && !!r.operation).map((r) => `${r.file} ${r.name} ${r.operation}`);
    expect(derived.sort()).toEqual(rows.sort());
    expect(derived.length).toBeGreaterThan(0);
  });
});
