/**
 * The fuzz corpus: malformed requests against every route of the admin API, the agent bundle endpoint and the console's
 * server actions. Each case is a request a correct server must refuse with a 4xx in the error vocabulary
 * (`{error: {code, message}}`, lib/errors.ts); none may reach a 5xx. The routes and actions are found in the source
 * tree and the production build, so a route added later is fuzzed without editing this file.
 *
 * Sent with node:http (not a browser or fetch) so paths, methods, headers and bytes go out exactly as written.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import http from "node:http";
import path from "node:path";

export interface FuzzCase {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send the signed-in session cookie (so the request gets past authentication to the handler). */
  session: boolean;
  /** Server actions answer 200 with an `{ok: false, error}` result for input they refuse; everything else must be 4xx. */
  kind: "api" | "bundle" | "action";
}

export interface RouteDef {
  /** Path template like /api/v1/orgs/[org]/changes/[number] */
  template: string;
  methods: string[];
  /** Methods whose operation needs no input at all (an empty JSON object would carry it out). */
  acceptsEmpty?: string[];
}

const METHOD_EXPORT = /export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g;

/**
 * Every route of the admin API: the route handlers under app/api/v1 with the methods they export, plus the operations
 * of lib/ops (served by the catch-all app/api/v1/[...path]), given as `{method, path}` with `{org}`-style parameters.
 */
export function discoverRoutes(root: string, operations: readonly { method: string; path: string; acceptsEmpty?: boolean }[] = []): RouteDef[] {
  const base = path.join(root, "app");
  const out: RouteDef[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const methods = [...readFileSync(full, "utf8").matchAll(METHOD_EXPORT)].map((m) => m[1]);
        out.push({ template: `/${path.relative(base, dir).split(path.sep).join("/")}`, methods: [...new Set(methods)] });
      }
    }
  };
  walk(path.join(base, "api", "v1"));
  for (const op of operations) {
    const template = op.path.replace(/\{([^}]+)\}/g, "[$1]");
    let route = out.find((r) => r.template === template);
    if (!route) out.push((route = { template, methods: [] }));
    route.methods = [...new Set([...route.methods, op.method])];
    if (op.acceptsEmpty) route.acceptsEmpty = [...(route.acceptsEmpty ?? []), op.method];
  }
  return out.filter((r) => !r.template.includes("[...")).sort((a, b) => a.template.localeCompare(b.template));
}

export interface ActionDef {
  id: string;
  /** `file#export`, e.g. app/actions.ts#signOutAction */
  name: string;
  /** A page that imports the action (the action is posted to it, as the browser does). */
  page: string;
}

/** Server action ids from the production build (Next writes them to server-reference-manifest.json). */
export function discoverActions(root: string, org: string): ActionDef[] {
  const file = path.join(root, ".next", "server", "server-reference-manifest.json");
  if (!existsSync(file)) return [];
  const manifest = JSON.parse(readFileSync(file, "utf8")) as { node?: Record<string, { workers?: Record<string, unknown>; filename?: string; exportedName?: string }> };
  const out: ActionDef[] = [];
  for (const [id, entry] of Object.entries(manifest.node ?? {})) {
    const workers = Object.keys(entry.workers ?? {});
    const worker = workers.find((w) => w.startsWith("app/o/[org]") && !w.includes("[area]")) ?? workers[0];
    if (!worker) continue;
    // app/o/[org]/requirements/page → /o/acme/requirements
    const values: Record<string, string> = { org, area: "audit", number: "1", id: "none", secret: "none" };
    const page = `/${worker.replace(/^app\//, "").replace(/\/?page$/, "").replace(/\[([^\]]+)\]/g, (_, k: string) => values[k] ?? "x")}`;
    out.push({ id, name: `${entry.filename ?? "?"}#${entry.exportedName ?? "?"}`, page });
  }
  return out;
}

const NUL = "\u0000";
const bytes = (s: string | Buffer) => (typeof s === "string" ? Buffer.from(s, "utf8") : s);

/** Slugs that name no org or are not slugs at all. */
const BAD_SLUGS = [
  "%00",
  "acme%00",
  "%00acme",
  "acme%0a",
  "%61".repeat(3000), // overlong percent-encoded slug
  "a".repeat(5000),
  "%zz",
  "%ff%fe",
  "%c0%af",
  "..%2f..%2fetc",
  "%2e%2e",
  "acme%20",
  "ACME",
  "%E2%80%AEemca",
  "acme;drop",
  "*",
  "%25",
];

/** Values for numeric path segments ([number]): overflow, signs, other notations, bytes. */
const BAD_NUMBERS = [
  "2147483648",
  "2147483647",
  "4294967296",
  "9007199254740993",
  "99999999999999999999999999",
  "-1",
  "-2147483649",
  "0",
  "1e3",
  "0x10",
  "1.5",
  "1%00",
  "%00",
  "NaN",
  "Infinity",
  "١",
  "%ff",
];

/** Values for opaque id segments ([id]). */
const BAD_IDS = ["%00", "x".repeat(5000), "%ff%fe", "2147483648", "'%20OR%201=1--", "%61".repeat(2000), "null"];

/** Bodies for routes that read JSON (or TOML as JSON): none is a request the route may carry out. */
function badBodies(): { name: string; body: Buffer; contentType: string }[] {
  const json = "application/json";
  const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
  return [
    { name: "invalid JSON", body: bytes("{"), contentType: json },
    { name: "trailing garbage", body: bytes('{"note":"x"} x'), contentType: json },
    { name: "JSON array", body: bytes("[]"), contentType: json },
    { name: "JSON null", body: bytes("null"), contentType: json },
    { name: "JSON string", body: bytes('"note"'), contentType: json },
    { name: "JSON number", body: bytes("2147483648"), contentType: json },
    { name: "wrong types", body: bytes('{"note":5,"title":[],"baseRevision":"x","toml":7,"comment":{}}'), contentType: json },
    { name: "overflowing numbers", body: bytes('{"baseRevision":2147483648,"baseDraftRevision":1e309,"number":-1}'), contentType: json },
    { name: "NUL escapes in strings", body: bytes('{"note":"a\\u0000b","title":"\\u0000","toml":"a = 1\\u0000","comment":"\\u0000"}'), contentType: json },
    { name: "raw NUL bytes", body: bytes(`{"note":"a${NUL}b"}`), contentType: json },
    { name: "lone surrogate escape", body: bytes('{"note":"\\ud800","title":"\\udfff"}'), contentType: json },
    { name: "bytes that are not UTF-8", body: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x7d]), contentType: json },
    { name: "UTF-16 body", body: Buffer.from('{"note":"x"}', "utf16le"), contentType: "application/json; charset=utf-16" },
    { name: "deep JSON", body: bytes(deep(100_000)), contentType: json },
    { name: "deep objects", body: bytes('{"a":'.repeat(20_000) + "1" + "}".repeat(20_000)), contentType: json },
    { name: "prototype keys", body: bytes('{"__proto__":{"admin":true},"constructor":{"prototype":{}}}'), contentType: json },
    { name: "huge body", body: Buffer.alloc(3 * 1024 * 1024, 0x61), contentType: json },
    { name: "huge string field", body: bytes(`{"note":"${"n".repeat(3 * 1024 * 1024)}"}`), contentType: json },
    { name: "form body", body: bytes("note=x&title=y"), contentType: "application/x-www-form-urlencoded" },
    { name: "multipart garbage", body: bytes("--x\r\nContent-Disposition: form-data\r\n\r\n\u0000\r\n--x--"), contentType: "multipart/form-data; boundary=x" },
    { name: "empty JSON object", body: bytes("{}"), contentType: json },
    { name: "dates at the edges", body: bytes('{"note":"","title":"","from":"0000-01-01","to":"9999-12-31","expiresAt":"+275760-09-14T00:00:00Z"}'), contentType: "text/plain" },
  ];
}

/** TOML bodies every TOML-reading route must refuse before using them. */
function badTomlBodies(): { name: string; body: Buffer; contentType: string }[] {
  return [
    { name: "requirements bytes that are not UTF-8", body: Buffer.concat([bytes('allowed_sandbox_modes = ["read-only"]\n# '), Buffer.from([0xff, 0xfe, 0x80]), bytes("\n")]), contentType: "application/toml" },
    { name: "NUL in TOML", body: bytes(`allowed_sandbox_modes = ["read-only"]\n# ${NUL}\n`), contentType: "application/toml" },
    { name: "long quoted key", body: bytes(`"${"k".repeat(200_000)}" = 1\n`), contentType: "application/toml" },
    { name: "deep dotted key", body: bytes(`"a"${".a".repeat(50_000)} = 1\n`), contentType: "application/toml" },
    { name: "deep arrays", body: bytes(`a = ${"[".repeat(5000)}${"]".repeat(5000)}\n`), contentType: "application/toml" },
    { name: "many tables", body: bytes(Array.from({ length: 40_000 }, (_, i) => `[t${i}]\n`).join("")), contentType: "application/toml" },
    { name: "TOML over 1 MiB", body: bytes(`# ${"x".repeat(1024 * 1024)}\n`), contentType: "application/toml" },
    { name: "JSON with a non-string toml", body: bytes('{"toml":["a = 1"]}'), contentType: "application/json" },
    { name: "JSON that is not JSON", body: bytes("{toml = 1}"), contentType: "application/json" },
    { name: "JSON toml with NUL", body: bytes('{"toml":"a = 1\\u0000"}'), contentType: "application/json" },
  ];
}

/** Query strings the audit log and its export must refuse. */
const BAD_AUDIT_QUERIES = [
  "from=9999-12-31",
  "to=9999-12-31",
  "from=0000-01-01",
  "to=0000-01-01",
  "from=%2B275760-09-14",
  "from=-000001-01-01",
  "from=2024-02-30",
  "from=2024-13-01",
  "from=yesterday",
  "to=1e999",
  "from=2024-01-01T25:00:00Z",
  "from=%00",
  "actor=%00",
  "action=a%00b",
  "target=%00",
  "targetType=%00",
  "targetId=%00",
  "cursor=%00",
  "cursor=2147483648",
  "cursor=-1",
  "cursor=99999999999999999999",
  "cursor=abc",
  "limit=2147483648",
  "limit=-1",
  "limit=0",
  "limit=abc",
  "limit=1e9",
  "format=xml",
  "format=%00",
  "actor=%ff%fe",
  `actor=${"a".repeat(5000)}`,
];

const ODD_METHODS = ["TRACE", "TRACK", "PROPFIND", "MKCOL", "LINK", "FOO"];

const BAD_AUTH = [
  "Bearer",
  "Bearer ",
  "Bearer chr_",
  "Bearer chr_" + "a".repeat(10_000),
  "Bearer cha_" + "b".repeat(40),
  "Bearer not-a-token",
  "Basic YWRtaW46YWRtaW4=",
  "Bearer chr_\u00e9\u00e9",
  "Digest username=x",
  "bearer\tchr_x",
  "Bearer chr_x, Bearer chr_y",
];

const SLUG_ONLY_ACTIONS = ["createSigningKeyAction", "activateSigningKeyAction"];

export function buildCorpus(routes: RouteDef[], actions: ActionDef[], org: string): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const add = (c: Omit<FuzzCase, "headers" | "session" | "kind"> & Partial<Pick<FuzzCase, "headers" | "session" | "kind">>) =>
    cases.push({ headers: {}, session: true, kind: "api", ...c });
  const fill = (template: string, values: Record<string, string> = {}) =>
    template.replace(/\[([^\]]+)\]/g, (_, name: string) => values[name] ?? (name === "org" ? org : name === "number" ? "1" : "does-not-exist"));
  const bodyMethods = (r: RouteDef) => r.methods.filter((m) => m !== "GET" && m !== "DELETE");

  for (const r of routes) {
    if (r.template.includes("/agent/bundle")) continue;
    const params = [...r.template.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]);
    const isPublic = r.template.endsWith("/keys") || r.template.endsWith("openapi.json");

    // Slugs that name no org, on every method.
    if (params.includes("org")) {
      for (const m of r.methods) for (const slug of BAD_SLUGS) add({ name: `${m} ${r.template} slug ${slug.slice(0, 24)}`, method: m, path: fill(r.template, { org: slug }) });
    }
    // Numbers and ids out of range or not numbers at all.
    for (const p of params.filter((x) => x !== "org")) {
      const values = p === "number" ? BAD_NUMBERS : BAD_IDS;
      for (const m of r.methods) for (const v of values) add({ name: `${m} ${r.template} ${p}=${v.slice(0, 24)}`, method: m, path: fill(r.template, { [p]: v }) });
    }
    // Methods the route does not have, and methods nobody has.
    const missing = ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !r.methods.includes(m));
    for (const m of [...missing, ...ODD_METHODS]) add({ name: `${m} ${r.template}`, method: m, path: fill(r.template) });
    if (isPublic) continue;
    // Credentials that are not credentials (no session cookie, so the header decides).
    for (const m of r.methods) for (const auth of BAD_AUTH) add({ name: `${m} ${r.template} auth ${auth.slice(0, 20)}`, method: m, path: fill(r.template), headers: { authorization: auth }, session: false });
    // Bodies.
    for (const m of bodyMethods(r)) {
      const isToml = r.template.endsWith("/validate") || r.template.endsWith("/draft");
      const all = isToml ? [...badTomlBodies(), ...badBodies().filter((b) => b.contentType.includes("json"))] : badBodies();
      // An operation without input (make a signing key) would be carried out by an empty object: not malformed there.
      const bodies = r.acceptsEmpty?.includes(m) ? all.filter((b) => b.name !== "empty JSON object") : all;
      for (const b of bodies) {
        // A draft PUT with a revision that can never match: whatever the body, nothing may be saved.
        const headers: Record<string, string> = { "content-type": b.contentType, ...(r.template.endsWith("/draft") ? { "if-match": '"999999999"' } : {}) };
        add({ name: `${m} ${r.template} body: ${b.name}`, method: m, path: fill(r.template, { number: "999999" }), headers, body: b.body });
      }
    }
    if (r.template.endsWith("/draft")) {
      for (const ifMatch of ["", "*", "W/", '"-1"', '"2147483648"', '"99999999999999999999"', '"1", "2"', "\u00e9"])  {
        add({ name: `PUT draft If-Match ${JSON.stringify(ifMatch)}`, method: "PUT", path: fill(r.template), headers: { "content-type": "application/toml", "if-match": ifMatch }, body: bytes("a = 1\n") });
      }
    }
    if (r.template.endsWith("/audit") || r.template.endsWith("/audit/export")) {
      const exportOnly = r.template.endsWith("/export");
      const queries = BAD_AUDIT_QUERIES.filter((q) => (exportOnly ? !/^(cursor|limit)=/.test(q) || /%00/.test(q) : !q.startsWith("format=") || /%00/.test(q)));
      for (const q of queries) add({ name: `GET ${r.template}?${q.slice(0, 30)}`, method: "GET", path: `${fill(r.template)}?${q}` });
    }
    if (r.template.endsWith("/diff")) {
      for (const q of ["from=2147483648&to=1", "from=-1&to=1", "from=a&to=b", "from=%00&to=1", "to=1", "from=1e3&to=1", "from=1&to=99999999999999999999"]) {
        add({ name: `GET diff?${q}`, method: "GET", path: `${fill(r.template)}?${q}` });
      }
    }
  }

  // The agent bundle endpoint: bad credentials and headers, other methods.
  const bundle = "/api/v1/agent/bundle";
  for (const auth of [...BAD_AUTH, "Bearer cha_\u0000", `Bearer cha_${"%00".repeat(20)}`]) {
    add({ name: `bundle auth ${auth.slice(0, 20)}`, method: "GET", path: bundle, headers: { authorization: auth }, session: false, kind: "bundle" });
  }
  const odd: Record<string, string>[] = [{ "if-none-match": `"${"x".repeat(10_000)}"` }, { "x-charter-installed-version": "99999999999999999999" }, { "x-charter-installed-version": "-1" }, { "user-agent": "\u00ff".repeat(100) }];
  for (const extra of odd) {
    add({ name: `bundle without token, ${Object.keys(extra)[0]}`, method: "GET", path: bundle, headers: extra, session: false, kind: "bundle" });
  }
  for (const q of ["?%00", "?group=%00", `?${"a".repeat(5000)}`]) add({ name: `bundle query ${q.slice(0, 12)}`, method: "GET", path: bundle + q, session: false, kind: "bundle" });
  for (const m of ["POST", "PUT", "DELETE", "PATCH", ...ODD_METHODS]) add({ name: `${m} bundle`, method: m, path: bundle, session: false, kind: "bundle", body: bytes("{}"), headers: { "content-type": "application/json" } });

  // Server actions: undecodable arguments, wrong argument types, unknown ids, and a cross-origin POST.
  const actionBodies: { name: string; body: Buffer; contentType: string }[] = [
    { name: "not JSON", body: bytes("{"), contentType: "text/plain;charset=UTF-8" },
    { name: "not an argument list", body: bytes('{"a":1}'), contentType: "text/plain;charset=UTF-8" },
    { name: "wrong types", body: bytes(`[${"1,".repeat(5)}1]`), contentType: "text/plain;charset=UTF-8" },
    { name: "wrong types after a real slug", body: bytes(`["${org}",{"$":1},[[]],-1e309,"\\u0000",true,null]`), contentType: "text/plain;charset=UTF-8" },
    { name: "ids past 2^31 and odd dates", body: bytes(`["${org}",2147483648,{"number":99999999999,"baseRevision":2147483648,"expiresAt":"0000-01-01","expiresInDays":1e9}]`), contentType: "text/plain;charset=UTF-8" },
    { name: "NUL in arguments", body: bytes(`["${org}",{"toml":"a\\u0000","note":"\\u0000","baseRevision":2147483648}]`), contentType: "text/plain;charset=UTF-8" },
    { name: "a slug with NUL", body: bytes('["acme\\u0000",{}]'), contentType: "text/plain;charset=UTF-8" },
    { name: "deep arguments", body: bytes("[" + "[".repeat(50_000) + "]".repeat(50_000) + "]"), contentType: "text/plain;charset=UTF-8" },
    { name: "bytes that are not UTF-8", body: Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]), contentType: "text/plain;charset=UTF-8" },
  ];
  for (const a of actions) {
    // Actions whose only input is the slug would do their work given the real one (sign out, make or switch a signing
    // key): they get the bodies that name no org or cannot be decoded.
    const slugOnly = SLUG_ONLY_ACTIONS.some((n) => a.name.endsWith(`#${n}`));
    // Signing out takes no input at all, and would end the session the rest of the corpus runs in: cross-origin only.
    const bodies = a.name.endsWith("#signOutAction") ? [] : actionBodies.filter((x) => !slugOnly || !x.body.includes(`"${org}"`));
    for (const b of bodies) {
      add({ name: `action ${a.name} on ${a.page}: ${b.name}`, method: "POST", path: a.page, headers: { "next-action": a.id, "content-type": b.contentType, accept: "text/x-component" }, body: b.body, kind: "action" });
    }
    add({
      name: `action ${a.name} cross-origin`,
      method: "POST",
      path: a.page,
      headers: { "next-action": a.id, "content-type": "text/plain;charset=UTF-8", origin: "https://evil.example", accept: "text/x-component" },
      body: bytes(`["${org}",{}]`),
      kind: "action",
    });
  }
  const somePage = actions[0]?.page ?? `/o/${org}/requirements`;
  for (const id of ["0".repeat(42), "%00", "x".repeat(5000), "\u00e9"]) {
    add({ name: `unknown action id ${id.slice(0, 8)}`, method: "POST", path: somePage, headers: { "next-action": id, "content-type": "text/plain;charset=UTF-8" }, body: bytes("[]"), kind: "action" });
  }
  return cases;
}

export interface FuzzResponse {
  status: number;
  contentType: string;
  body: string;
}

/** Sends one case exactly as written. A dropped connection is reported as status 0. */
export function send(base: string, c: FuzzCase, cookie: string | undefined): Promise<FuzzResponse> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...c.headers };
    if (c.session && cookie) headers.cookie = cookie;
    if (c.body) headers["content-length"] = c.body.length;
    let req: http.ClientRequest;
    try {
      req = http.request({ host: url.hostname, port: url.port, method: c.method, path: c.path, headers, insecureHTTPParser: false });
    } catch (err) {
      // Node refuses to send some header values (e.g. NUL): that case cannot reach the server, say so.
      resolve({ status: -1, contentType: "", body: String(err) });
      return;
    }
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", () => resolve({ status: 0, contentType: "", body: "response aborted" }));
    });
    req.on("error", (err) => resolve({ status: 0, contentType: "", body: `connection error: ${err.message}` }));
    req.setTimeout(60_000, () => req.destroy(new Error("timeout")));
    req.end(c.body);
  });
}

/** What a refusal must look like: a 4xx with `{error: {code, message}}` in the vocabulary (or, for actions, an ActionResult). */
export function judge(c: FuzzCase, r: FuzzResponse, vocabulary: readonly string[]): string | null {
  if (r.status === -1) return null;
  if (r.status === 0) return `connection dropped (${r.body})`;
  if (r.status >= 500) return `${r.status}: ${r.body.slice(0, 200)}`;
  if (c.kind === "action" && r.status === 200) {
    // An action answers in its own result: `{ok: false, error: {code}}` (orgAction), or `{error: "message"}` (sign-in).
    const code = /"ok":false,"error":\{"code":"([a-z_]+)"/.exec(r.body)?.[1];
    if (code) return vocabulary.includes(code) ? null : `action refused with code ${code}, not in the vocabulary`;
    return /^\d+:\{"error":"[^"]+"\}$/m.test(r.body) ? null : `200 without a refusal: ${r.body.slice(0, 200)}`;
  }
  if (r.status < 400) return `${r.status} (expected a 4xx): ${r.body.slice(0, 200)}`;
  let code: unknown;
  try {
    const parsed = JSON.parse(r.body) as { error?: { code?: unknown; message?: unknown } };
    code = parsed.error?.code;
    if (typeof parsed.error?.message !== "string") return `${r.status} without an error message: ${r.body.slice(0, 200)}`;
  } catch {
    return `${r.status} with a body that is not the error format (${r.contentType}): ${r.body.slice(0, 200)}`;
  }
  return typeof code === "string" && vocabulary.includes(code) ? null : `${r.status} with code ${String(code)}, not in the vocabulary`;
}
