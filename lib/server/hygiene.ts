/**
 * Request hygiene of Charter's HTTP server (scripts/server.ts), in front of Next.js: every refusal the framework would
 * give as an empty body, an HTML page or a 500 becomes a 4xx in the error vocabulary (`{error: {code, message}}`).
 * - A URL with NUL or percent-encoding that is not UTF-8 gets 400 (it would reach the database as text it refuses).
 * - Methods other than the seven the app uses (TRACE, PROPFIND, made-up ones) get 405 before Next.js sees them.
 * - Malformed HTTP that Node's parser refuses gets a JSON 400 instead of a bare one.
 * - Under /api/, Next.js's 404 page and its empty 405 become JSON.
 * - Server actions: an unknown action id is 404 and a cross-origin POST is 403, answered here (Next.js answers both
 *   with a 500). Arguments posted as text are parsed here first (`actionArgumentsProblem`): a body that is not UTF-8,
 *   not JSON, not an argument list or nested too deeply gets 400, since Next.js would fail decoding it with a 500.
 *   A 5xx from anything past that stays a 5xx: it is a bug to see, not a refusal to dress up.
 */
import { IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ErrorCode } from "../errors";

export const ALLOWED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

const STATUS_CODE: Partial<Record<number, ErrorCode>> = { 400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed" };

function errorBody(code: ErrorCode, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): void {
  const body = errorBody(code, message);
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store", "Content-Length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Server action ids of the production build (null in development, where they change with every edit). */
export function loadActionIds(root: string, dev: boolean): Set<string> | null {
  const file = path.join(root, ".next", "server", "server-reference-manifest.json");
  if (dev || !existsSync(file)) return null;
  const manifest = JSON.parse(readFileSync(file, "utf8")) as { node?: Record<string, unknown>; edge?: Record<string, unknown> };
  return new Set([...Object.keys(manifest.node ?? {}), ...Object.keys(manifest.edge ?? {})]);
}

function hostOf(value: string | undefined): string | null {
  if (!value) return null;
  try {
    return new URL(value).host;
  } catch {
    return null;
  }
}

/** A path and query whose percent-encoding decodes to UTF-8 without NUL (Postgres text cannot hold NUL). */
export function wellFormedUrl(url: string): boolean {
  if (/%00|\u0000/i.test(url)) return false;
  try {
    decodeURIComponent(url.replace(/\+/g, " "));
    return true;
  } catch {
    return false;
  }
}

/** Answers what must not reach Next.js; true when the request was answered here. */
export function refuseEarly(req: IncomingMessage, res: ServerResponse, actionIds: Set<string> | null): boolean {
  const method = req.method ?? "";
  if (!ALLOWED_METHODS.includes(method)) {
    sendError(res, 405, "method_not_allowed", `${method.slice(0, 20)} is not a method this server answers.`, { Allow: ALLOWED_METHODS.join(", ") });
    return true;
  }
  const url = req.url ?? "/";
  if (!wellFormedUrl(url)) {
    sendError(res, 400, "bad_request", "The URL holds a NUL character or percent-encoding that is not UTF-8.");
    return true;
  }
  const action = req.headers["next-action"];
  if (action !== undefined && method === "POST") {
    const id = Array.isArray(action) ? action[0] : action;
    if (actionIds && !actionIds.has(id)) {
      sendError(res, 404, "not_found", "There is no such server action (the page may be from an older version: reload it).");
      return true;
    }
    const origin = req.headers.origin;
    const host = req.headers["x-forwarded-host"] ?? req.headers.host;
    if (origin !== undefined && origin !== "null" && hostOf(origin) !== (Array.isArray(host) ? host[0] : host)) {
      sendError(res, 403, "forbidden", "Server actions are only accepted from this server's own pages (the Origin does not match the Host).");
      return true;
    }
    if (origin === "null") {
      sendError(res, 403, "forbidden", "Server actions are only accepted from this server's own pages.");
      return true;
    }
  }
  return false;
}

/** A server action call whose arguments come as text (React's encodeReply: one JSON array), not multipart. */
export function isTextActionPost(req: IncomingMessage): boolean {
  return req.method === "POST" && req.headers["next-action"] !== undefined && !String(req.headers["content-type"] ?? "").toLowerCase().startsWith("multipart/");
}

/** Nesting past this is no argument list a page of this app sends; React's decoder would recurse through all of it. */
const MAX_ARGUMENT_DEPTH = 64;

/** Why a server action's text arguments cannot be decoded, or null when they can. */
export function actionArgumentsProblem(body: Buffer): string | null {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return "The server action arguments are not UTF-8.";
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "The server action arguments are not JSON.";
  }
  if (!Array.isArray(value)) return "The server action arguments are not a list.";
  // Iterative, so depth itself cannot overflow the stack here.
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 1 }];
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (depth > MAX_ARGUMENT_DEPTH) return `The server action arguments nest more than ${MAX_ARGUMENT_DEPTH} levels deep.`;
    if (v !== null && typeof v === "object") for (const child of Object.values(v)) stack.push({ v: child, depth: depth + 1 });
  }
  return null;
}

/** Next.js's own limit on a server action body (serverActions.bodySizeLimit, 1 MB by default). */
export const ACTION_BODY_LIMIT = 1024 * 1024;

/**
 * Reads a text server action call's body and checks its arguments. Answers a malformed one (400, or 413 past the size
 * limit) and resolves null; else resolves a copy of the request, with the body, for Next.js to read as usual.
 */
export async function checkActionArguments(req: IncomingMessage, res: ServerResponse): Promise<IncomingMessage | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > ACTION_BODY_LIMIT) {
      sendError(res, 413, "payload_too_large", `A server action body may be at most ${ACTION_BODY_LIMIT} bytes.`, { Connection: "close" });
      return null;
    }
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  const problem = actionArgumentsProblem(body);
  if (problem) {
    sendError(res, 400, "bad_request", problem);
    return null;
  }
  const copy = new IncomingMessage(req.socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.headers = req.headers;
  copy.rawHeaders = req.rawHeaders;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  // Complete, so reading it to the end does not count as an aborted request (which would close the connection).
  copy.complete = true;
  copy.push(body);
  copy.push(null);
  return copy;
}

/** Rewrites the framework's own refusals under /api/ into the error format: a 404 or 405 that is not JSON. */
export function jsonRefusals(req: IncomingMessage, res: ServerResponse): void {
  const api = (req.url ?? "").startsWith("/api/");
  if (!api) return;
  let replace: { status: number; code: ErrorCode; message: string } | null | undefined;
  const decide = (typeFromWriteHead?: string) => {
    if (replace !== undefined) return replace;
    const status = res.statusCode;
    const type = typeFromWriteHead ?? String(res.getHeader("content-type") ?? "");
    if ((status === 404 || status === 405) && !type.includes("json")) {
      replace = { status, code: STATUS_CODE[status]!, message: status === 404 ? "There is no such API route." : `${req.method} is not allowed on this route.` };
    } else replace = null;
    if (replace) {
      for (const h of ["content-length", "content-encoding", "transfer-encoding", "etag", "vary", "content-type", "x-nextjs-cache"]) res.removeHeader(h);
      res.statusCode = replace.status;
      res.setHeader("Content-Type", "application/json");
      res.setHeader("Cache-Control", "no-store");
    }
    return replace;
  };
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    res.statusCode = status;
    // Anything not replaced goes out exactly as the framework wrote it; its headers only tell what it is.
    return decide(contentTypeOf(rest)) ? writeHead(res.statusCode) : writeHead(status, ...rest);
  }) as typeof res.writeHead;
  res.write = ((...args: unknown[]) => (decide() ? true : write(...args))) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    const r = decide();
    if (!r) return end(...args);
    const callback = args.find((a) => typeof a === "function");
    return end(errorBody(r.code, r.message), ...(callback ? [callback] : []));
  }) as typeof res.end;
}

/** The Content-Type among writeHead's arguments (an object, a flat [name, value, …] list, or [[name, value], …]). */
function contentTypeOf(args: unknown[]): string | undefined {
  for (const a of args) {
    if (a === null || typeof a !== "object") continue;
    if (Array.isArray(a)) {
      const pairs: unknown[][] = Array.isArray(a[0]) ? (a as unknown[][]) : Array.from({ length: Math.floor(a.length / 2) }, (_, i) => [a[2 * i], a[2 * i + 1]]);
      const hit = pairs.find((p) => String(p[0]).toLowerCase() === "content-type");
      if (hit) return String(hit[1]);
    } else {
      const hit = Object.entries(a).find(([k]) => k.toLowerCase() === "content-type");
      if (hit) return String(hit[1]);
    }
  }
  return undefined;
}

/** Node's HTTP parser refused the request (bad method token, header bytes, framing): answer in the error format. */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  // As Node does: with a response already under way on this connection, an error reply would corrupt it.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
  const body = errorBody(tooLarge ? "payload_too_large" : "bad_request", tooLarge ? "The request headers are too large." : "The request is not valid HTTP.");
  socket.end(`HTTP/1.1 ${tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
