import { describe, expect, it } from "vitest";
import { byPrecedence, groupFor, groupRulesSchema, rulesMatch, versionInRange, type GroupDef } from "../../../lib/groups/membership";
import { compareRates, evaluateGates, gatesSchema, hostBucket, rateSample, ringOf } from "../../../lib/rollouts/rings";

describe("group membership", () => {
  const groups: GroupDef[] = ([
    { id: "1", name: "macs", priority: 5, rules: { os: ["darwin"] } },
    { id: "2", name: "contractors", priority: 10, rules: { hostnamePattern: "ext-*" } },
    { id: "3", name: "beta", priority: 5, rules: { codexVersion: ">=0.171.0 <0.172" } },
    { id: "4", name: "ci", priority: 0, rules: null },
  ] as GroupDef[]).sort(byPrecedence);

  it("matches Codex version ranges, exact versions and bare prefixes", () => {
    expect(versionInRange("0.171.3", ">=0.171.0 <0.172")).toBe(true);
    expect(versionInRange("0.172.0", ">=0.171.0 <0.172")).toBe(false);
    expect(versionInRange("0.169.0", "0.169.0")).toBe(true);
    expect(versionInRange("0.169.1", "=0.169.0")).toBe(false);
  });

  it("needs every rule a group sets, and a group without rules matches by enrolment name only", () => {
    expect(rulesMatch({ os: ["darwin"], hostnamePattern: "mac-*" }, { id: "h", label: null, os: "darwin", hostname: "MAC-7." })).toBe(true);
    expect(rulesMatch({ os: ["darwin"], hostnamePattern: "mac-*" }, { id: "h", label: null, os: "linux", hostname: "mac-7" })).toBe(false);
    expect(rulesMatch(null, { id: "h", label: "ci" })).toBe(false);
    expect(groupFor({ id: "h", label: "ci" }, groups)?.name).toBe("ci");
  });

  it("gives a host in several groups the highest priority, then the first name, whatever order groups come in", () => {
    const mac = { id: "h", label: "ci", os: "darwin", codexVersion: "0.171.1", hostname: "laptop" };
    expect(groupFor(mac, groups)?.name).toBe("beta"); // beta and macs both priority 5: "beta" sorts first
    expect(groupFor({ ...mac, hostname: "ext-9" }, [...groups].reverse().sort(byPrecedence))?.name).toBe("contractors");
    expect(groupFor({ id: "h", label: null, os: "linux" }, groups)).toBeNull();
  });

  it("refuses rules it could not apply", () => {
    expect(groupRulesSchema.safeParse({ os: ["beos"] }).success).toBe(false);
    expect(groupRulesSchema.safeParse({ codexVersion: "latest" }).success).toBe(false);
    expect(groupRulesSchema.safeParse({ hostnamePattern: "a b" }).success).toBe(false);
    expect(groupRulesSchema.safeParse({ colour: "red" }).success).toBe(false);
  });
});

describe("rings and gates", () => {
  it("puts a host in the same percentage ring every time, and about that share of hosts in it", () => {
    expect(hostBucket("org", "host-1")).toBe(hostBucket("org", "host-1"));
    const inTen = Array.from({ length: 10_000 }, (_, i) => hostBucket("org", `h${i}`)).filter((b) => b < 10).length;
    expect(inTen).toBeGreaterThan(900);
    expect(inTen).toBeLessThan(1100);
  });

  it("takes the first ring a host belongs to; hosts in none are in the implied last ring", () => {
    const rings = [{ name: "contractors", group: "contractors" }, { name: "all", percent: 100 }];
    const byName = new Map([["contractors", { id: "2", name: "contractors", priority: 0, rules: { hostnamePattern: "ext-*" } }]]);
    expect(ringOf("org", { id: "a", label: null, hostname: "ext-1" }, rings, byName)).toBe(0);
    expect(ringOf("org", { id: "a", label: null, hostname: "int-1" }, rings, byName)).toBe(1);
    expect(ringOf("org", { id: "a", label: null }, [{ name: "none", percent: 0.01 }].filter(() => false), byName)).toBe(0);
  });

  const gates = gatesSchema.parse({ minInstalledPercent: 90, maxFailurePercent: 5, soakMinutes: 30, emptyRingTimeoutMinutes: 60 });
  const start = new Date("2026-11-27T12:00:00Z");
  const at = (m: number) => new Date(start.getTime() + m * 60_000);
  const hosts = (installed: number, failed: number, other: number) => [
    ...Array.from({ length: installed }, () => ({ installedVersion: 5, state: "current" })),
    ...Array.from({ length: failed }, () => ({ installedVersion: 4, state: "failed" })),
    ...Array.from({ length: other }, () => ({ installedVersion: 4, state: null })),
  ];

  it("waits for installs and for the soak time, then passes", () => {
    expect(evaluateGates(hosts(80, 0, 20), 5, gates, start, at(40)).verdict).toBe("wait");
    expect(evaluateGates(hosts(95, 0, 5), 5, gates, start, at(10)).reasons.join()).toMatch(/soaking: 10 of 30 minutes/);
    expect(evaluateGates(hosts(95, 0, 5), 5, gates, start, at(30))).toMatchObject({ verdict: "pass", values: { installedPercent: 95 } });
  });

  it("fails above the failure threshold, at once, and on a deny-rate rise when decision data exists", () => {
    expect(evaluateGates(hosts(94, 6, 0), 5, gates, start, at(1))).toMatchObject({ verdict: "fail", values: { failed: 6, failurePercent: 6 } });
    expect(evaluateGates(hosts(95, 5, 0), 5, gates, start, at(1)).verdict).toBe("wait");
    const withDeny = gatesSchema.parse({ ...gates, maxDenyRateDelta: 2 });
    const rates = (denied: number, failClosed: number) =>
      compareRates(
        rateSample("version 5 on the ring's hosts", { allow: 100 - denied - failClosed, deny: denied, failed: failClosed }),
        rateSample("version 4 on the ring's hosts", { allow: 190, deny: 10 }),
        20,
      );
    const fail = evaluateGates(hosts(100, 0, 0), 5, withDeny, start, at(31), rates(8, 0));
    expect(fail.verdict).toBe("fail");
    expect(fail.reasons).toEqual([
      "the deny rate is 8% (8 of 100 decisions, version 5 on the ring's hosts) against 5% (10 of 200, version 4 on the ring's hosts): +3 points, above the 2-point limit",
    ]);
    expect(evaluateGates(hosts(100, 0, 0), 5, withDeny, start, at(31), rates(7, 0)).verdict).toBe("pass");
    expect(evaluateGates(hosts(100, 0, 0), 5, withDeny, start, at(31), null).verdict).toBe("pass");
    // Fail-closed (failed or timed-out reviews) has its own limit.
    const withFailClosed = gatesSchema.parse({ ...gates, maxFailClosedRateDelta: 1 });
    expect(evaluateGates(hosts(100, 0, 0), 5, withFailClosed, start, at(31), rates(0, 2)).reasons.join()).toMatch(/fail-closed rate is 2% \(2 of 100 decisions.*\+2 points, above the 1-point limit/);
  });

  it("does not judge the rates on fewer decisions than the minimum: not collected, never blocking", () => {
    const withDeny = gatesSchema.parse({ ...gates, maxDenyRateDelta: 2 });
    const few = compareRates(rateSample("version 5 on the ring's hosts", { deny: 10, allow: 9 }), rateSample("version 4 on the ring's hosts", { allow: 200 }), 20);
    expect(few).toMatchObject({ status: "not_collected", note: "19 decisions (version 5 on the ring's hosts), 20 needed to compare", denyRateDelta: null });
    expect(evaluateGates(hosts(100, 0, 0), 5, withDeny, start, at(31), few).verdict).toBe("pass");
  });

  it("times out a ring that has no hosts instead of waiting forever", () => {
    expect(evaluateGates([], 5, gates, start, at(59)).verdict).toBe("wait");
    expect(evaluateGates([], 5, gates, start, at(60))).toMatchObject({ verdict: "timeout", reasons: ["the ring has had no hosts for 60 minutes"] });
  });
});
