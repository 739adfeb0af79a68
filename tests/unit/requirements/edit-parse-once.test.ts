import { beforeEach, describe, expect, it, vi } from "vitest";

// Counts the parser's calls: on a 256 KiB file each parse is tens of milliseconds of the form's click-to-TOML time.
const parses = vi.hoisted(() => ({ count: 0 }));
vi.mock("smol-toml", async (load) => {
  const real = await load<typeof import("smol-toml")>();
  return { ...real, parse: (...args: Parameters<typeof real.parse>) => (parses.count++, real.parse(...args)) };
});

const { readFormFields, setFeature, setTopLevel } = await import("../../../lib/requirements/edit");

let n = 0;
const doc = () => `# text ${n++}\nallowed_approval_policies = ["on-request"]\n\n[features]\nfast_mode = false\n`;

describe("a form edit parses each text once", () => {
  beforeEach(() => {
    parses.count = 0;
  });

  it("parses only its result when the text it patches was read before (read ahead, or made by the previous edit)", () => {
    const text = doc();
    readFormFields(text);
    expect(parses.count).toBe(1);
    const listed = setTopLevel(text, "allowed_approval_policies", ["on-request", "never"]);
    expect(parses.count).toBe(2);
    const pinned = setFeature(listed, "fast_mode", true);
    expect(parses.count).toBe(3);
    expect(readFormFields(pinned)).toMatchObject({ lists: { allowed_approval_policies: { values: ["on-request", "never"] } }, features: { fast_mode: true } });
    expect(parses.count).toBe(3);
  });

  it("parses the text and the result once each when nothing was read before", () => {
    setFeature(doc(), "other", true);
    expect(parses.count).toBe(2);
  });

  it("leaves a reading it keeps untouched by the edits proven against it", () => {
    const text = doc();
    setTopLevel(text, "allowed_approval_policies", undefined);
    setFeature(text, "fast_mode", undefined);
    expect(readFormFields(text)).toMatchObject({ lists: { allowed_approval_policies: { values: ["on-request"] } }, features: { fast_mode: false } });
  });

  it("still refuses an edit it cannot make safely, and a kept reading does not change that", () => {
    const text = "features.a = true\n";
    readFormFields(text);
    expect(() => setFeature(text, "b", true)).toThrow(/cannot edit safely/);
  });
});
