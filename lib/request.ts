import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RequestInfo } from "./audit";

/**
 * Request id and client IP from request headers. Next.js appends the socket address to X-Forwarded-For, so its last
 * entry is the peer that connected; the first entry (the original client) is believed only when Charter is told it
 * runs behind a proxy it trusts (CHARTER_TRUST_PROXY=1), since anyone can write that header.
 */
export function requestInfo(headers: Headers): RequestInfo {
  const hops = (headers.get("x-forwarded-for") ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  const ip = (process.env.CHARTER_TRUST_PROXY === "1" ? hops[0] : hops[hops.length - 1]) ?? null;
  const requestId = headers.get("x-request-id");
  return { requestId: requestId && /^[\w.:-]{1,128}$/.test(requestId) ? requestId : randomUUID(), ip };
}

/** The same, for a request served by Node's http server directly (the check-in fast path): the socket is the peer. */
export function nodeRequestInfo(req: IncomingMessage): RequestInfo {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const peer = req.socket.remoteAddress;
  if (peer) headers.set("x-forwarded-for", [req.headers["x-forwarded-for"], peer].filter(Boolean).join(", "));
  return requestInfo(headers);
}
