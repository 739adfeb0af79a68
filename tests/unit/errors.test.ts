import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError, toErrorResponse } from "../../lib/errors";

describe("error vocabulary", () => {
  it("expected errors keep their code, status and message", () => {
    const r = toErrorResponse(new AppError("precondition_failed", "The draft changed since revision 3."));
    expect(r).toEqual({ status: 412, body: { error: { code: "precondition_failed", message: "The draft changed since revision 3." } } });
  });

  it("zod failures become 422 with the field paths", () => {
    const parsed = z.object({ email: z.string().email(), note: z.string().min(3) }).safeParse({ email: "x", note: "" });
    const r = toErrorResponse(parsed.error);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("validation_failed");
    expect(r.body.error.message).toMatch(/^email: /);
    expect((r.body.error.details as { path: string }[]).map((d) => d.path)).toEqual(["email", "note"]);
  });

  it("unexpected errors are logged with an id and shown without their message", () => {
    const log = vi.fn();
    const r = toErrorResponse(new Error("password=hunter2 leaked in a stack"), log);
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe("internal");
    expect(r.body.error.message).not.toContain("hunter2");
    expect(log).toHaveBeenCalledWith(r.body.error.id, expect.any(Error));
  });
});
