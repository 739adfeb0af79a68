import type { IncomingMessage } from "node:http";
import { AppError } from "../errors";
import { MAX_AGENT_BODY_BYTES } from "./schemas";

/**
 * Reads a request body of at most `max` bytes: a larger Content-Length is refused before reading, and a body that
 * grows past the limit while streaming stops being read. Both give 413 payload_too_large.
 */
export async function readBoundedBody(req: Request, max = MAX_AGENT_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > max) throw tooLarge(max);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The same for node:http (the custom server's fast path). */
export function readBoundedNodeBody(req: IncomingMessage, max = MAX_AGENT_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers["content-length"] ?? "0") > max) {
      req.resume();
      return reject(tooLarge(max));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        return reject(tooLarge(max));
      }
      chunks.push(c);
    });
    req.on("end", () => over || resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", (err) => over || reject(err));
  });
}

function tooLarge(max: number) {
  return new AppError("payload_too_large", `The request body is larger than ${max / 1024} KiB.`);
}

/** JSON.parse that fails with the vocabulary's bad_request. */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON.");
  }
}
