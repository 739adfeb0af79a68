import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../cli/main";

const dir = mkdtempSync(join(tmpdir(), "charter-validate-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe("charter validate", () => {
  it("exits 0 for a file Codex loads and says so with the Codex version", async () => {
    const p = file("ok.toml", 'allowed_sandbox_modes = ["read-only"]\n');
    const r = await run(["validate", p]);
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toBe(`${p}: Codex 0.171.0 would load this file (0 error(s), 0 warning(s), 0 info)`);
  });

  it("--codex VERSION checks as that version: a file only 0.171.0 loads is refused by 0.169.0", async () => {
    const p = file("helper.toml", '[otel]\nheaders_helper = "/usr/local/bin/otel-headers"\n');
    const old = await run(["validate", "--codex", "0.169.0", p]);
    expect(old.code).toBe(1);
    expect(old.out.at(-1)).toBe(`${p}: Codex 0.169.0 would refuse this file and not start (1 error(s), 0 warning(s), 0 info)`);
    const newest = await run(["validate", p, "--codex", "0.171.0"]);
    expect(newest.code).toBe(0);
    expect(newest.out.at(-1)).toContain("Codex 0.171.0 would load this file");
  });

  it("--codex with an unknown version exits 2 naming the known versions", async () => {
    const p = file("any.toml", "");
    const r = await run(["validate", "--codex", "0.99.0", p]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe("charter validate: Codex 0.99.0 is not a version Charter models; known versions: 0.169.0, 0.171.0");
    expect((await run(["validate", p, "--codex"])).code).toBe(2);
  });

  it("refuses a file whose bytes are not UTF-8, pointing at the first bad byte", async () => {
    const p = join(dir, "latin1.toml");
    writeFileSync(p, Buffer.from([...Buffer.from("# caf"), 0xe9, ...Buffer.from("\nallow_login_shell = true\n")]));
    const r = await run(["validate", p]);
    expect(r.code).toBe(1);
    expect(r.out[0]).toBe(`${p}:1:6 error (file): the file is not UTF-8 (an invalid byte at offset 5); Codex refuses to read it`);
  });

  it("exits 1 and prints file:line:column severity path: message for a file Codex refuses", async () => {
    const p = file("bad.toml", '# policy\n\nallowed_sandbox_modes = ["workspace-write"]\n');
    const r = await run(["validate", p]);
    expect(r.code).toBe(1);
    expect(r.out[0]).toBe(`${p}:3:1 error allowed_sandbox_modes: \`allowed_sandbox_modes\` must include "read-only"; Codex refuses to start without it`);
    expect(r.out.at(-1)).toContain("would refuse this file");
  });

  it("keeps exit 0 when there are only warnings", async () => {
    const p = file("warn.toml", "allowed_sandbox_mode = 1\n");
    const r = await run(["validate", p]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/:1:1 warning allowed_sandbox_mode: .*did you mean `allowed_sandbox_modes`\?/);
  });

  it("prints the diagnostics array with --json", async () => {
    const p = file("json.toml", 'enforce_residency = "eu"\n');
    const r = await run(["validate", "--json", p]);
    expect(r.code).toBe(1);
    const diags = JSON.parse(r.out.join("\n"));
    expect(diags).toEqual([expect.objectContaining({ severity: "error", code: "enum", path: "enforce_residency", line: 1, column: 21 })]);
  });

  it("exits 2 on usage errors: no file, two files, unknown option, unreadable file", async () => {
    expect((await run(["validate"])).code).toBe(2);
    expect((await run(["validate", "a.toml", "b.toml"])).code).toBe(2);
    expect((await run(["validate", "--yaml", "a.toml"])).code).toBe(2);
    const missing = await run(["validate", join(dir, "nope.toml")]);
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toContain("cannot read");
  });
});
