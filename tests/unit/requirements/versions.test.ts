import { describe, expect, it } from "vitest";
import { KNOWN_CODEX_VERSIONS, nearestKnownVersion, versionsForFleet } from "../../../lib/requirements/versions";

describe("reported Codex versions → the known version each is checked as", () => {
  it("takes the newest known version not newer than the report, and the oldest for anything older or unreadable", () => {
    expect(KNOWN_CODEX_VERSIONS).toEqual(["0.169.0", "0.171.0"]);
    const cases: [string, string][] = [
      ["0.169.0", "0.169.0"],
      ["0.170.2", "0.169.0"],
      ["0.171.0", "0.171.0"],
      ["0.171.0-alpha.3", "0.171.0"],
      ["codex-cli 0.180.1", "0.171.0"],
      ["1.0.0", "0.171.0"],
      ["0.150.0", "0.169.0"],
      ["not a version", "0.169.0"],
    ];
    for (const [reported, known] of cases) expect([reported, nearestKnownVersion(reported)]).toEqual([reported, known]);
  });

  it("a fleet's versions are the distinct mapped ones, oldest first; nothing reported means every known one", () => {
    expect(versionsForFleet(["0.172.0", "0.170.1", null, "0.171.0"])).toEqual(["0.169.0", "0.171.0"]);
    expect(versionsForFleet(["0.172.0", "0.171.5"])).toEqual(["0.171.0"]);
    expect(versionsForFleet([null, undefined])).toEqual(["0.169.0", "0.171.0"]);
  });
});
