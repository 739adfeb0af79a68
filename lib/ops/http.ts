import { db } from "../db";
import { AppError, toErrorResponse } from "../errors";
import { assertStorableJson, readBodyText, readToml } from "../policies/http";
import { requestInfo } from "../request";
import { authenticateApiToken } from "../tokens";
import type { Actor } from "../auth/actor";
import { currentActor } from "../auth/next";
import { runOperation } from "./chain";
import type { AnyOperation, HttpMethod } from "./define";

/*
 * The admin API's HTTP door: one Next route (app/api/v1/[...path]/route.ts) hands every request here, and the
 * operation whose `http.method` and `http.path` match answers it. Adding an operation adds its route.
 */

interface Compiled {
  op: AnyOperation;
  pattern: RegExp;
  names: string[];
}

/** `/api/v1/orgs/{org}/versions/{number}` → a regex with one group per `{name}`. */
function compile(op: AnyOperation): Compiled {
  const names: string[] = [];
  const source = op.http.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { op, pattern: new RegExp(`^${source}/?$`), names };
}

export interface Router {
  /** The operation and path parameters for a method and path; null when no path matches, `allow` when only the method is wrong. */
  match(method: string, pathname: string): { op: AnyOperation; params: Record<string, string> } | { allow: HttpMethod[] } | null;
  handle(req: Request): Promise<Response>;
}

export function router(ops: readonly AnyOperation[]): Router {
  const compiled = ops.map(compile);
  const match: Router["match"] = (method, pathname) => {
    const allow: HttpMethod[] = [];
    for (const c of compiled) {
      const m = c.pattern.exec(pathname);
      if (!m) continue;
      if (c.op.http.method !== method) {
        allow.push(c.op.http.method);
        continue;
      }
      let params: Record<string, string>;
      try {
        params = Object.fromEntries(c.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
      } catch {
        return null; // a malformed %-escape names nothing
      }
      return { op: c.op, params };
    }
    return allow.length ? { allow } : null;
  };
  return {
    match,
    handle: async (req) => {
      const found = match(req.method, new URL(req.url).pathname);
      if (!found) return errorResponse(new AppError("not_found", "There is no such API endpoint."));
      if ("allow" in found) {
        return errorResponse(new AppError("method_not_allowed", `Use ${found.allow.join(" or ")} here.`), { Allow: found.allow.join(", ") });
      }
      return handleOperation(found.op, req, found.params);
    },
  };
}

async function handleOperation(op: AnyOperation, req: Request, params: Record<string, string>): Promise<Response> {
  try {
    const { output, input, ctx } = await runOperation(
      op,
      { actor: await authenticate(req), slug: params.org ?? "", request: requestInfo(req.headers), unauthenticated: "Sign in or send an admin API token (Authorization: Bearer chr_…)." },
      () => httpInput(op, req, params),
    );
    if (op.http.respond) return op.http.respond(output, input as Record<string, unknown>, "org" in ctx ? { org: ctx.org } : {});
    return Response.json(output, { status: op.http.status ?? 200, headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    const mapped = err instanceof AppError ? op.http.mapErrors?.[err.code] : undefined;
    return errorResponse(mapped ? new AppError(mapped, (err as AppError).message, (err as AppError).details) : err);
  }
}

function errorResponse(err: unknown, headers: Record<string, string> = {}): Response {
  const { status, body } = toErrorResponse(err);
  return Response.json(body, { status, headers: status === 401 ? { ...headers, "WWW-Authenticate": 'Bearer realm="charter"' } : headers });
}

/** A Bearer admin token when one is sent (a bad one is never rescued by a cookie), else the session. */
async function authenticate(req: Request): Promise<Actor | null> {
  const authorization = req.headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const actor = match ? await authenticateApiToken(db, match[1]) : null;
    if (!actor) throw new AppError("unauthenticated", "The API token is missing, unknown, expired or revoked.");
    return actor;
  }
  return currentActor();
}

/** The raw input: query parameters, then the body, then headers, then path parameters (the path always wins). */
async function httpInput(op: AnyOperation, req: Request, params: Record<string, string>): Promise<Record<string, unknown>> {
  const input: Record<string, unknown> = Object.fromEntries(new URL(req.url).searchParams);
  if (op.http.method !== "GET" && op.http.method !== "DELETE") {
    if (op.http.body === "toml") input.toml = await readToml(req);
    else Object.assign(input, await readJsonObject(req));
  }
  if (op.http.header) input[op.http.header.field] = op.http.header.read(req);
  const { org: _org, ...path } = params;
  return Object.assign(input, path);
}

async function readJsonObject(req: Request): Promise<Record<string, unknown>> {
  const text = await readBodyText(req);
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("validation_failed", "The body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new AppError("validation_failed", "The body must be a JSON object.");
  assertStorableJson(text);
  return value as Record<string, unknown>;
}
