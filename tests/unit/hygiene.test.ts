import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { refusedByDatabase, toErrorResponse } from "../../lib/errors";
import { actionArgumentsProblem, checkActionArguments, isTextActionPost, jsonRefusals, wellFormedUrl } from "../../lib/server/hygiene";

describe("malformed input is the client's fault, never a 500", () => {
  it("answers Postgres data exceptions (NUL, numbers and dates out of range) as 400 in every shape Prisma reports them", () => {
    const nul = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { name: "DriverAdapterError", cause: { originalCode: "22021" } });
    const int = Object.assign(new Error("Value out of range"), { name: "PrismaClientKnownRequestError", code: "P2020", meta: { driverAdapterError: { cause: { originalCode: "22003" } } } });
    const year = Object.assign(new Error("date/time field value out of range"), { name: "DriverAdapterError", cause: { originalCode: "22008" } });
    const year10000 = Object.assign(new Error('Could not convert argument value Object {"$type": String("DateTime"), "value": String("+010000-01-01T00:00:00.000Z")} to ArgumentValue.'), { name: "PrismaClientUnknownRequestError" });
    expect([nul, int, year, year10000].map(refusedByDatabase)).toEqual([
      "The request contains a NUL character or bytes that are not UTF-8.",
      "A number in the request is out of range.",
      "A date in the request is out of range.",
      "A date in the request is out of range.",
    ]);
    expect(toErrorResponse(nul, () => {})).toMatchObject({ status: 400, body: { error: { code: "bad_request" } } });
  });

  it("still treats other database failures as ours (500, logged with an id)", () => {
    const lost = Object.assign(new Error("connection terminated"), { name: "DriverAdapterError", cause: { originalCode: "08006" } });
    const logged: string[] = [];
    expect(toErrorResponse(lost, (id) => logged.push(id)).status).toBe(500);
    expect(logged).toHaveLength(1);
  });

  it("refuses URLs with NUL or percent-encoding that is not UTF-8", () => {
    expect(wellFormedUrl("/api/v1/orgs/acme/audit?actor=%C3%A9&from=2026-01-01")).toBe(true);
    for (const url of ["/api/v1/orgs/%00/draft", "/api/v1/orgs/acme/audit?actor=a%00", "/api/v1/orgs/%ff%fe/draft", "/x?%c0%af", "/x?q=%zz"]) expect(wellFormedUrl(url), url).toBe(false);
  });
});

describe("server action arguments are checked where they are parsed", () => {
  it("names what is wrong with arguments Next.js could not decode, and passes real argument lists", () => {
    expect(actionArgumentsProblem(Buffer.from('["acme",{"toml":"a = 1","baseRevision":3},"$undefined"]'))).toBeNull();
    expect(actionArgumentsProblem(Buffer.from("["))).toBe("The server action arguments are not JSON.");
    expect(actionArgumentsProblem(Buffer.from('{"a":1}'))).toBe("The server action arguments are not a list.");
    expect(actionArgumentsProblem(Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]))).toBe("The server action arguments are not UTF-8.");
    expect(actionArgumentsProblem(Buffer.from("[" + "[".repeat(50_000) + "]".repeat(50_000) + "]"))).toBe("The server action arguments nest more than 64 levels deep.");
  });

  it("over real HTTP: a malformed call gets 400 before the framework, a good one reaches it intact, and a real 5xx stays a 5xx", async () => {
    // Stands in for Next.js behind scripts/server.ts: echoes the arguments it receives, or fails like a server bug.
    const server = http.createServer((req, res) => {
      jsonRefusals(req, res);
      const framework = async (r: http.IncomingMessage) => {
        let body = "";
        for await (const chunk of r) body += chunk;
        if (body.includes("bug")) {
          res.writeHead(500, { "Content-Type": "text/x-component" }).end("0:E{}");
          return;
        }
        res.writeHead(200, { "Content-Type": "text/x-component" }).end(body);
      };
      if (isTextActionPost(req)) void checkActionArguments(req, res).then((checked) => checked && framework(checked));
      else void framework(req);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/o/acme/requirements`;
    const post = (body: string) => fetch(url, { method: "POST", headers: { "next-action": "abc", "content-type": "text/plain;charset=UTF-8" }, body });
    try {
      const good = await post('["acme",{"toml":"a = 1"}]');
      expect([good.status, await good.text()]).toEqual([200, '["acme",{"toml":"a = 1"}]']);
      const bad = await post('{"a":1}');
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: { code: "bad_request", message: "The server action arguments are not a list." } });
      const bug = await post('["bug"]');
      expect(bug.status).toBe(500);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
