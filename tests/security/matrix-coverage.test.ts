import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ACCESS_MATRIX, HTTP_METHODS, OPERATIONS_ROUTE, PROFILES, rowKey, type ActionRow, type RouteRow } from "./access-matrix";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

const rel = (file: string) => path.relative(root, file).split(path.sep).join("/");
const sourceFiles = walk(path.join(root, "app")).filter((f) => /\.(ts|tsx)$/.test(f));
// Server actions may also live outside app/ (lib/ops/policy-actions.ts: shared components call them).
const actionFiles = [...sourceFiles, ...walk(path.join(root, "lib")).filter((f) => /\.(ts|tsx)$/.test(f) && !f.includes(`${path.sep}generated${path.sep}`))];

/** Strips comments so a guard mentioned in a comment does not count as a call. */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

/** Every HTTP method a route file exports, whatever the export form. */
export function routeMethods(source: string): string[] {
  const methods = new Set<string>();
  const src = code(source);
  const names = (list: string) => list.split(",").map((s) => s.trim().split(/\s+as\s+/).pop()!.trim()).filter(Boolean);
  for (const m of src.matchAll(/export\s+(?:async\s+)?function\s+([A-Z]+)\b/g)) methods.add(m[1]);
  for (const m of src.matchAll(/export\s+(?:const|let|var)\s+([A-Z]+)\s*=/g)) methods.add(m[1]);
  for (const m of src.matchAll(/export\s+(?:const|let|var)\s*\{([^}]*)\}\s*=/g)) names(m[1]).forEach((n) => methods.add(n));
  for (const m of src.matchAll(/export\s*\{([^}]*)\}/g)) names(m[1]).forEach((n) => methods.add(n));
  return [...methods].filter((m) => (HTTP_METHODS as readonly string[]).includes(m));
}

const isUseServerFile = (source: string) => /^\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/\s*)*["']use server["']/.test(source);

/** Every server action a "use server" file exports (all runtime exports of such a file are callable from the client). */
export function serverActions(source: string): string[] {
  const src = code(source);
  const names = new Set<string>();
  for (const m of src.matchAll(/export\s+(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
  for (const m of src.matchAll(/export\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
  for (const m of src.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const n of m[1].split(",")) if (n.trim() && !/^type\s/.test(n.trim())) names.add(n.trim().split(/\s+as\s+/).pop()!);
  }
  if (/export\s+default\b/.test(src)) names.add("default");
  return [...names];
}

/** The source of one exported function: from its declaration to the next top-level export. */
function exportBody(source: string, name: string): string {
  const src = code(source);
  const start = src.search(new RegExp(`export\\s+(?:async\\s+)?(?:function\\s*\\*?\\s*${name}\\b|(?:const|let|var)\\s+${name}\\b)`));
  if (start < 0) return "";
  const rest = src.slice(start + 1);
  const next = rest.search(/\nexport\s/);
  return next < 0 ? src.slice(start) : src.slice(start, start + 1 + next);
}

const found = {
  // The operations' route (OPERATIONS_ROUTE) answers for every operation; their rows are derived (tests/unit/ops.test.ts).
  routes: sourceFiles.filter((f) => path.basename(f) === "route.ts" && rel(f) !== OPERATIONS_ROUTE).flatMap((f) => routeMethods(readFileSync(f, "utf8")).map((method) => `route ${rel(f)} ${method}`)),
  actions: actionFiles
    .filter((f) => isUseServerFile(readFileSync(f, "utf8")))
    .flatMap((f) => serverActions(readFileSync(f, "utf8")).map((name) => `action ${rel(f)} ${name}`)),
};
const rows = new Map(ACCESS_MATRIX.map((r) => [rowKey(r), r]));

describe("the access matrix covers the whole app", () => {
  it("found the app's routes and server actions at all (the walker itself works)", () => {
    expect(found.routes).toContain("route app/api/health/route.ts GET");
    expect(found.actions).toContain("action app/o/[org]/settings/actions.ts changeRoleAction");
  });

  it("every route handler method has a row", () => {
    expect(found.routes.filter((k) => !rows.has(k)), "route methods without a row in tests/security/access-matrix.ts").toEqual([]);
  });

  it("every server action has a row", () => {
    expect(found.actions.filter((k) => !rows.has(k)), "server actions without a row in tests/security/access-matrix.ts").toEqual([]);
  });

  it("names nothing that no longer exists", () => {
    const present = new Set([...found.routes, ...found.actions, ...ACCESS_MATRIX.filter((r) => r.kind === "route" && r.operation).map(rowKey)]);
    expect([...rows.keys()].filter((k) => !present.has(k))).toEqual([]);
  });

  it("has each route method and action once", () => {
    const keys = ACCESS_MATRIX.map(rowKey);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it("keeps server actions in \"use server\" files only (no inline actions that would escape the table)", () => {
    const inline = walk(path.join(root, "app"))
      .concat(walk(path.join(root, "components")))
      .filter((f) => /\.(ts|tsx)$/.test(f))
      .filter((f) => {
        const src = readFileSync(f, "utf8");
        return !isUseServerFile(src) && /["']use server["']/.test(code(src));
      })
      .map(rel);
    expect(inline).toEqual([]);
  });

  it("gives every public row a reason", () => {
    expect(ACCESS_MATRIX.filter((r) => r.requires === "public" && !r.why).map(rowKey)).toEqual([]);
  });

  it("lets no row be looser than DESIGN.md's profile for its requirement (overrides may only tighten)", () => {
    const strength = { allow: 0, forbidden: 1, not_found: 1, unauthenticated: 1 } as const;
    const loosened = ACCESS_MATRIX.flatMap((r) =>
      Object.entries(r.expect)
        .filter(([p, o]) => strength[o] < strength[PROFILES[r.requires][p as keyof (typeof PROFILES)["public"]]])
        .map(([p]) => `${rowKey(r)}: ${p}`),
    );
    expect(loosened).toEqual([]);
  });
});

describe("handlers outside the operations guard themselves as the table says", () => {
  // Rows derived from operations are proven by calling them (tests/security/access-matrix.integration.test.ts).
  const actionRows = ACCESS_MATRIX.filter((r): r is ActionRow => r.kind === "action" && !r.operation);
  const routeRows = ACCESS_MATRIX.filter((r): r is RouteRow => r.kind === "route" && !r.operation);

  it.each(actionRows.map((r) => [rowKey(r), r] as const))("%s", (_key, row) => {
    const body = exportBody(readFileSync(path.join(root, row.file), "utf8"), row.name);
    expect(body, `cannot find the source of ${row.name}`).not.toBe("");
    const guards = [...body.matchAll(/\b(orgAction|requireOrg)\(\s*[^,()]+,\s*["']([\w:]+)["']/g)].map((m) => m[2]);
    if (row.requires === "public") expect(guards).toEqual([]);
    else expect(new Set(guards), `${row.name} must be serverAction(op), or call orgAction(slug, "${row.requires}", …)`).toEqual(new Set([row.requires]));
  });

  it.each(routeRows.map((r) => [rowKey(r), r] as const))("%s", (_key, row) => {
    const source = code(readFileSync(path.join(root, row.file), "utf8"));
    if (row.requires === "public") {
      expect(source).not.toMatch(/lib\/ops/);
      return;
    }
    if (row.requires === "agent-token") {
      // The agent endpoints' own guards (the bundle server, the check-in ingest, the decisions ingest), never the session/admin-token chain.
      expect(source).not.toMatch(/lib\/ops/);
      expect(source).toMatch(new RegExp(`export\\s+(?:async\\s+)?function\\s+${row.method}\\b[\\s\\S]*\\b(?:bundleServer\\([^)]*\\)\\.handle|checkInIngest\\([^)]*\\)\\.handle|ingestHostBatch|hostCollectionSettings)\\(`));
      return;
    }
    if (row.requires === "ingest-key") {
      expect(source).not.toMatch(/lib\/ops/);
      expect(source).toMatch(new RegExp(`export\\s+(?:async\\s+)?function\\s+${row.method}\\b[\\s\\S]*\\bingestOtlpLogs\\(`));
      return;
    }
    expect.fail(`${row.method} ${row.file} needs ${row.requires}: routes that need an org permission are operations (lib/ops), not route files`);
  });
});

describe("the source walkers", () => {
  it("read every export form of route methods", () => {
    expect(routeMethods(`export const { GET, POST } = handlers;`).sort()).toEqual(["GET", "POST"]);
    expect(routeMethods(`export async function PUT() {}\nexport const DELETE = handler("org:manage", h);`).sort()).toEqual(["DELETE", "PUT"]);
    expect(routeMethods(`export { handler as PATCH, GET } from "@/lib/x";`).sort()).toEqual(["GET", "PATCH"]);
    expect(routeMethods(`export const dynamic = "force-dynamic";\n// export function POST() {}`)).toEqual([]);
  });

  it("read every export form of server actions", () => {
    expect(serverActions(`"use server";\nexport async function a() {}\nexport const b = async () => {};\nexport { c as d };\nexport interface T {}`).sort()).toEqual(["a", "b", "d"]);
  });
});
