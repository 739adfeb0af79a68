import http from "node:http";
import type { Db } from "../../lib/db";
import { toErrorResponse } from "../../lib/errors";
import { hostCollectionSettings, ingestHostBatch } from "../../lib/decisions";

/**
 * A real HTTP server in front of the decisions ingest (the same lib functions the Next.js route calls), so the relay's
 * uploads cross a socket in tests without a Next.js build. `now` pins the clock ingest checks record times against.
 */
export async function startDecisionsServer(db: Db, now: number): Promise<{ url: URL; close(): Promise<void>; requests: number }> {
  const state = { requests: 0 };
  const server = http.createServer(async (req, res) => {
    state.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: req.method === "POST" ? Uint8Array.from(Buffer.concat(chunks)) : undefined });
    try {
      const body = req.method === "POST" ? await ingestHostBatch(db, request, now) : await hostCollectionSettings(db, request);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    } catch (err) {
      const { status, body } = toErrorResponse(err);
      res.writeHead(status, { "content-type": "application/json", ...(status === 429 ? { "retry-after": "1" } : {}) }).end(JSON.stringify(body));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: new URL(`http://127.0.0.1:${port}`),
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
