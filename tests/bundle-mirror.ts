/**
 * A stand-in for whatever sits between Charter and a host (a proxy, a CDN, a compromised mirror): a local HTTP server
 * whose answer the test sets per request, to serve tampered bundles to `charter pull`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type MirrorHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Mirror {
  url: string;
  /** Every request's method, path and headers, newest last. */
  requests: { path: string; headers: IncomingMessage["headers"] }[];
  handle: (handler: MirrorHandler) => void;
  close: () => Promise<void>;
}

/** Answers like Charter's bundle endpoint: the JWS text as application/jose with a strong ETag, 304 on a match. */
export function serveJws(jws: string, etag = `"${Buffer.from(jws).subarray(-16).toString("hex")}"`): MirrorHandler {
  return (req, res) => {
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, { ETag: etag }).end();
      return;
    }
    res.writeHead(200, { "Content-Type": "application/jose", ETag: etag, "Cache-Control": "no-cache" }).end(jws);
  };
}

export async function startMirror(initial?: MirrorHandler): Promise<Mirror> {
  let handler: MirrorHandler = initial ?? ((_req, res) => res.writeHead(404).end());
  const requests: Mirror["requests"] = [];
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? "", headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (h) => {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
