import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bannerLines, saveInitialPassword } from "../../lib/first-start";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("the first start's owner password", () => {
  it("goes to a file only its user can read (also when an older file was readable), and the banner names the file, not the password", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "charter-first-"));
    dirs.push(dir);
    writeFileSync(path.join(dir, "initial-owner-password"), "old", { mode: 0o644 });
    const file = saveInitialPassword(dir, "owner@acme.example", "s3cret-Generated-pw");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toBe("owner@acme.example\ns3cret-Generated-pw\n");
    const banner = bannerLines(3000, "owner@acme.example", file, "npm run reset-password").join("\n");
    expect(banner).toContain(`Password: in ${file}`);
    expect(banner).not.toContain("s3cret-Generated-pw");
  });
});
