import { describe, expect, it } from "vitest";
import { refusedByDatabase, toErrorResponse } from "../../lib/errors";
import { wellFormedUrl } from "../../lib/server/hygiene";

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
