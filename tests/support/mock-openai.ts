import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/*
 * A local OpenAI-compatible chat-completions server for tests: each request is recorded and answered by the next
 * scripted reply (or by a function of the request). Binds to 127.0.0.1 only.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown> & { model?: string; messages?: { role: string; content: string }[]; response_format?: unknown };
}

export type Reply =
  | { kind: "content"; content: string; delayMs?: number; usage?: { prompt_tokens: number; completion_tokens: number } }
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> };

export const answer = (content: string, extra: { delayMs?: number } = {}): Reply => ({ kind: "content", content, ...extra });
export const httpError = (status: number, message = `scripted ${status}`, headers: Record<string, string> = {}): Reply => ({ kind: "status", status, body: { error: { message, type: "scripted" } }, headers });

export interface MockOpenAi {
  url: string;
  requests: RecordedRequest[];
  /** Replies used in order; when empty, `fallback` answers. */
  script: Reply[];
  fallback: (req: RecordedRequest) => Reply;
  close(): Promise<void>;
}

export async function startMockOpenAi(fallback: (req: RecordedRequest) => Reply = () => answer('{"outcome":"allow"}'), port = 0): Promise<MockOpenAi> {
  const mock = { requests: [] as RecordedRequest[], script: [] as Reply[], fallback } as MockOpenAi;
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: RecordedRequest["body"] = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      } catch {
        /* recorded as empty */
      }
      const recorded: RecordedRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body };
      mock.requests.push(recorded);
      const reply = mock.script.shift() ?? mock.fallback(recorded);
      const send = () => {
        if (res.destroyed) return;
        if (reply.kind === "status") {
          res.writeHead(reply.status, { "Content-Type": "application/json", ...reply.headers });
          res.end(JSON.stringify(reply.body ?? {}));
          return;
        }
        const usage = reply.usage ?? { prompt_tokens: 1200, completion_tokens: 30 };
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({
          id: `chatcmpl-${mock.requests.length}`,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: body.model ?? "mock",
          choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: reply.content } }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        }));
      };
      if (reply.kind === "content" && reply.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, reply.delayMs);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  mock.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  mock.close = () =>
    new Promise<void>((resolve) => {
      timers.forEach(clearTimeout);
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return mock;
}
