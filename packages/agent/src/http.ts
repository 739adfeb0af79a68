/**
 * HTTP for the agent on node:http/https (not fetch: loading undici costs more than a whole 304 exchange). Every failure
 * becomes an AgentFailure with a reason word and one line; bodies are bounded and a short body is `truncated`.
 */
import http from "node:http";
import https from "node:https";
import { AgentFailure, oneLine } from "./failure";

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RequestOptions {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxBytes: number;
  /** Names the exchange in messages: "bundle", "keys", "enroll", "checkin". */
  what: string;
}

export function request(url: URL, opts: RequestOptions): Promise<HttpResponse> {
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err: AgentFailure | null, res?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(res!);
    };
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(opts.body));
    const req = lib.request(url, { method: opts.method ?? "GET", headers, agent: false }, (res) => {
      const declared = Number(res.headers["content-length"] ?? NaN);
      if (declared > opts.maxBytes) return done(new AgentFailure("http", `${opts.what}: response of ${declared} bytes is larger than ${opts.maxBytes}`));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxBytes) return done(new AgentFailure("http", `${opts.what}: response is larger than ${opts.maxBytes} bytes`));
        chunks.push(chunk);
      });
      const short = () =>
        new AgentFailure(
          "truncated",
          `${opts.what}: the connection closed after ${size}${Number.isFinite(declared) ? ` of ${declared}` : ""} bytes, before the whole response arrived`,
        );
      res.on("aborted", () => done(short()));
      res.on("error", () => done(short()));
      res.on("end", () => {
        if (Number.isFinite(declared) && size < declared) return done(short());
        done(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on("close", () => {
        if (!res.complete) done(short());
      });
    });
    const timer = setTimeout(
      () => done(new AgentFailure("unreachable", `${opts.what}: no answer from ${url.origin} within ${opts.timeoutMs / 1000} s`)),
      opts.timeoutMs,
    );
    req.on("error", (err: NodeJS.ErrnoException) => {
      done(new AgentFailure("unreachable", `${opts.what}: cannot reach ${url.origin} (${err.code ?? oneLine(err.message)})`));
    });
    req.end(opts.body);
  });
}

/** The server's `{error:{message}}` as ": message", or a word on what came instead (an HTML page from a proxy, say). */
export function errorDetail(res: HttpResponse): string {
  const type = String(res.headers["content-type"] ?? "");
  if (/html/i.test(type)) return " with an HTML page (a proxy, captive portal or the wrong --server?)";
  try {
    const body = JSON.parse(res.body.toString("utf8")) as { error?: { message?: unknown } };
    return typeof body?.error?.message === "string" ? `: ${oneLine(body.error.message)}` : "";
  } catch {
    return "";
  }
}

/** Anything but 200 (or the statuses the caller handles before) is a failure with one line. */
export function expectOk(res: HttpResponse, what: string, ok = [200]): void {
  if (ok.includes(res.status)) return;
  if (res.status === 401 || res.status === 403) {
    throw new AgentFailure("unauthorized", `${what}: server refused the agent token (HTTP ${res.status}${errorDetail(res)}); it may be revoked`);
  }
  if (res.status >= 300 && res.status < 400) {
    throw new AgentFailure("http", `${what}: server redirected (HTTP ${res.status}) to ${res.headers.location ?? "?"}; use that address as --server`);
  }
  throw new AgentFailure("http", `${what}: server answered HTTP ${res.status}${errorDetail(res)}`);
}

/** A 200 that is an HTML page is a proxy or portal, not Charter: say so instead of "not a JWS". */
export function expectNotHtml(res: HttpResponse, what: string): void {
  const type = String(res.headers["content-type"] ?? "");
  if (/html/i.test(type) || /^\s*<(!doctype|html)/i.test(res.body.subarray(0, 64).toString("utf8"))) {
    throw new AgentFailure("http", `${what}: server answered HTTP ${res.status} with an HTML page, not Charter's answer (a proxy, captive portal or the wrong --server?)`);
  }
}
