import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP server on a free port in front of the admin API's handler (lib/ops/http.ts's router, as
 * app/api/v1/[...path] runs it), for tests that call Charter over a socket without a Next.js build. `routes` take the
 * requests to their exact paths instead (e.g. the agents' check-in endpoint).
 */
export async function serveApi(
  api: { handle(request: Request): Promise<Response> },
  routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {},
): Promise<{ server: Server; base: string }> {
  const server = createServer(async (req, res) => {
    const route = Object.hasOwn(routes, req.url ?? "") ? routes[req.url!] : undefined;
    if (route) return route(req, res);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = req.method === "GET" || req.method === "DELETE" ? undefined : Buffer.concat(chunks);
    const response = await api.handle(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
