import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors";
import { readToml } from "../../../lib/policies/http";

describe("request bodies of the policy routes", () => {
  it("refuses requirements bytes that are not UTF-8 instead of replacing them (Codex refuses such a file)", async () => {
    const bytes = new Uint8Array([...Buffer.from('allowed_sandbox_modes = ["read-only"]\n# '), 0xff, 0xfe, 0x0a]);
    const err = await readToml(new Request("http://x/", { method: "PUT", body: bytes, headers: { "content-type": "application/toml" } })).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "validation_failed", status: 422, message: "The request body is not valid UTF-8." });
  });

  it("keeps a UTF-8 byte order mark for the parser to skip", async () => {
    const text = await readToml(new Request("http://x/", { method: "PUT", body: "\uFEFFa = 1\n" }));
    expect(text).toBe("\uFEFFa = 1\n");
  });
});

describe("JSON bodies", () => {
  it("refuses NUL and unpaired surrogate escapes, which text columns cannot store, and keeps proper pairs", async () => {
    const { readJson } = await import("../../../lib/policies/http");
    const { z } = await import("zod");
    const schema = z.object({ note: z.string() });
    const body = (text: string) => new Request("http://x/", { method: "POST", body: text, headers: { "content-type": "application/json" } });
    for (const bad of ['{"note":"a\\u0000"}', '{"note":"\\ud800"}', '{"note":"\\udfff"}', '{"note":"\\uD83D x"}']) {
      await expect(readJson(body(bad), schema), bad).rejects.toMatchObject({ code: "validation_failed" });
    }
    await expect(readJson(body('{"note":"\\ud83d\\ude00 ok"}'), schema)).resolves.toEqual({ note: "😀 ok" });
  });
});
