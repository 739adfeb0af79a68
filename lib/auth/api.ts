import { headers } from "next/headers";
import { db } from "../db";
import { AppError, toErrorResponse } from "../errors";
import { orgContext } from "../orgs";
import { requestInfo } from "../request";
import { authenticateApiToken } from "../tokens";
import type { RequestInfo } from "../audit";
import type { Actor, OrgContext, Permission } from "./actor";
import { currentActor } from "./next";

export interface ApiContext extends OrgContext {
  request: RequestInfo;
}

type RouteParams = { params: Promise<Record<string, string>> };

/**
 * The one guard of every org-scoped route handler: authenticates a Bearer admin token or the session cookie,
 * resolves the org from the route's `[org]` segment, checks the permission, and maps errors to `{error:{code,message}}`.
 */
export function orgRoute(permission: Permission, handler: (req: Request, ctx: ApiContext, params: Record<string, string>) => Promise<Response>) {
  return async (req: Request, { params }: RouteParams): Promise<Response> => {
    try {
      const p = await params;
      const actor = await authenticate(req);
      const ctx = await orgContext(db, actor, p.org ?? "", permission);
      return await handler(req, { ...ctx, request: requestInfo(await headers()) }, p);
    } catch (err) {
      const { status, body } = toErrorResponse(err);
      return Response.json(body, { status, headers: status === 401 ? { "WWW-Authenticate": 'Bearer realm="charter"' } : undefined });
    }
  };
}

async function authenticate(req: Request): Promise<Actor> {
  const authorization = req.headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const actor = match ? await authenticateApiToken(db, match[1]) : null;
    if (!actor) throw new AppError("unauthenticated", "The API token is missing, unknown, expired or revoked.");
    return actor;
  }
  const actor = await currentActor();
  if (!actor) throw new AppError("unauthenticated", "Sign in or send an admin API token (Authorization: Bearer chr_…).");
  return actor;
}
