import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_EVENT_TYPES } from "../../lib/audit/events";

// Every audit event the code writes is one of lib/audit/events.ts's types (the list a log reader or a SIEM relies on).
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const full = path.join(dir, n);
    if (n === "generated") return [];
    return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(n) ? [full] : [];
  });

describe("audit event types", () => {
  it("every event the code records is in the typed list", () => {
    const written = new Set<string>();
    for (const file of files(path.join(process.cwd(), "lib"))) {
      const src = readFileSync(file, "utf8");
      // The action of a recordAudit/recordAuthEvent input, as a literal or the branches of a conditional.
      for (const m of src.matchAll(/\baction:\s*([^,\n}]+)/g)) for (const lit of m[1].matchAll(/"([a-z_]+(?:\.[a-z_]+)+)"/g)) written.add(lit[1]);
    }
    expect(written.size).toBeGreaterThan(20);
    expect([...written].filter((a) => !(AUDIT_EVENT_TYPES as string[]).includes(a)).sort()).toEqual([]);
  });
});
