import { describe, expect, it } from "vitest";
import { auditFiltersSchema, canonicalJson, csvLine, eventHash, GENESIS_HASH, redact, type ChainedFields } from "../../lib/audit";

const TOKEN = "chr_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v";

describe("canonicalJson", () => {
  it("sorts keys at every depth, so key order never changes a hash", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it("drops undefined fields as JSON storage does, and writes undefined array items as null", () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
    expect(canonicalJson(undefined)).toBe("null");
  });

  it("escapes keys and strings like JSON", () => {
    expect(canonicalJson({ 'we"ird': "line\nbreak" })).toBe('{"we\\"ird":"line\\nbreak"}');
  });
});

describe("eventHash", () => {
  const fields: ChainedFields = {
    chain: "org1", seq: 1, orgId: "org1", prevHash: GENESIS_HASH, createdAt: new Date("2026-01-02T03:04:05.678Z"),
    actorType: "user", actorId: "u1", actorLabel: "a@b.example", action: "token.created", targetType: "api_token",
    targetId: "t1", diff: { name: { after: "ci" } }, meta: null, requestId: "r1", ip: "10.0.0.1",
  };

  it("is a sha256 hex digest that any covered field changes", () => {
    const h = eventHash(fields);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash({ ...fields })).toBe(h);
    for (const change of [{ seq: 2 }, { prevHash: "1".repeat(64) }, { actorLabel: "x@b.example" }, { diff: { name: { after: "cd" } } }, { createdAt: new Date(fields.createdAt.getTime() + 1) }]) {
      expect(eventHash({ ...fields, ...change } as ChainedFields)).not.toBe(h);
    }
  });
});

describe("redact", () => {
  it("hides values under secret-looking keys at any depth", () => {
    expect(redact({ password: "x", nested: { clientSecret: "s", apiKey: "k", tokenHash: "h", Authorization: "Bearer y", credentials: { a: 1 } } })).toEqual({
      password: "[redacted]",
      nested: { clientSecret: "[redacted]", apiKey: "[redacted]", tokenHash: "[redacted]", Authorization: "[redacted]", credentials: "[redacted]" },
    });
  });

  it("keeps a secret field's diff shape, so the log still shows that it was set or changed", () => {
    expect(redact({ password: { before: null, after: "hunter2" }, secret: { after: "s" } })).toEqual({
      password: { before: null, after: "[redacted]" },
      secret: { after: "[redacted]" },
    });
  });

  it("leaves ids, names, prefixes and timestamps of secrets readable", () => {
    const v = { tokenId: "t1", tokenName: "ci", keyPrefix: "chr_abcdefgh", passwordChangedAt: "2026-01-01", tokenScopes: ["read"] };
    expect(redact(v)).toEqual(v);
  });

  it("replaces admin tokens found inside any string", () => {
    expect(redact({ note: `used ${TOKEN} in a script`, list: [TOKEN] })).toEqual({ note: "used [redacted] in a script", list: ["[redacted]"] });
  });

  it("returns what JSON storage gives back: ISO dates, no undefined, no functions", () => {
    expect(redact({ at: new Date("2026-01-02T00:00:00Z"), gone: undefined, f: () => 1, n: Number.NaN, big: 10n })).toEqual({ at: "2026-01-02T00:00:00.000Z", n: null, big: "10" });
    expect(redact(null)).toBeNull();
  });

  it("does not change its input", () => {
    const input = { password: "x" };
    redact(input);
    expect(input.password).toBe("x");
  });
});

describe("audit filters", () => {
  it("treats empty form fields as no filter and defaults the page size", () => {
    expect(auditFiltersSchema.parse({ actor: "", action: " ", from: "", limit: "" })).toEqual({ limit: 50 });
  });

  it("refuses a bad date, a bad cursor, an oversized page and a reversed range with the field named", () => {
    for (const [input, path] of [
      [{ from: "yesterday" }, "from"],
      [{ cursor: "abc" }, "cursor"],
      [{ cursor: "99999999999" }, "cursor"],
      [{ limit: "5000" }, "limit"],
      [{ from: "2026-02-01", to: "2026-01-01" }, "to"],
    ] as const) {
      const r = auditFiltersSchema.safeParse(input);
      expect(r.success, JSON.stringify(input)).toBe(false);
      expect(r.error?.issues[0].path.join(".")).toBe(path);
    }
  });

  it("accepts a single-day range given as the same date twice", () => {
    expect(auditFiltersSchema.safeParse({ from: "2026-01-01", to: "2026-01-01" }).success).toBe(true);
  });
});

describe("csvLine", () => {
  it("quotes commas, quotes and line breaks and ends records with CRLF", () => {
    expect(csvLine(["a", "b,c", 'say "hi"', "two\nlines", ""])).toBe('a,"b,c","say ""hi""","two\nlines",\r\n');
  });

  it("defuses cells a spreadsheet would run as a formula", () => {
    expect(csvLine(["=HYPERLINK(1)", "+1", "@x", "-2", "ok"])).toBe("'=HYPERLINK(1),'+1,'@x,'-2,ok\r\n");
  });
});
