/**
 * Needs the captured requests of real Codex runs: ../shared/codex-telemetry relative to the repository (or
 * CHARTER_CODEX_TELEMETRY): `<version>-<run>/reviewer-requests/NNN-POST-_v1_responses.raw`, the exact bodies Codex
 * 0.169.0 and 0.171.0 sent to their reviewer model. They hold Codex's text, so they stay outside the repository; this
 * machine (and CI, which runs here) has them under /work/shared. Without them the test fails and says so.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  composeWithKit,
  developerTexts,
  EXTRA_POLICY_MARKER,
  kitFromCaptures,
  kitPath,
  loadPromptKit,
  POLICY_MARKER,
  reviewerInstructions,
  reviewerInstructionsFor,
  requestKitPath,
  type CapturedRequest,
  type CodexPromptKit,
} from "../../../lib/guardian/codex-prompt";

const repo = resolve(__dirname, "../../..");
const candidates = [process.env.CHARTER_CODEX_TELEMETRY, join(repo, "../shared/codex-telemetry"), join(repo, "../../shared/codex-telemetry"), "/work/shared/codex-telemetry"];
const telemetry = candidates.find((d): d is string => !!d && existsSync(d));

/** The requests of one captured run, with the reviewer's marked (Codex's own index says which is the review). */
function run(name: string): CapturedRequest[] {
  if (!telemetry) throw new Error(`This test needs Codex's captured reviewer requests; none found at ${candidates.filter(Boolean).join(", ")} (set CHARTER_CODEX_TELEMETRY)`);
  const dir = join(telemetry, name, "reviewer-requests");
  const index = readFileSync(join(dir, "index.txt"), "utf8");
  return readdirSync(dir)
    .filter((f) => f.endsWith("_v1_responses.raw"))
    .sort()
    .map((f) => ({ review: new RegExp(`^${f.slice(0, 3)} .*kind=guardian`, "m").test(index), body: JSON.parse(readFileSync(join(dir, f), "utf8")) }));
}

/** A kit whose default-policy case is the reviewer prompt of a captured run (the fixtures use no custom policy). */
function kitFrom(version: string, requests: CapturedRequest[]): CodexPromptKit {
  const r = reviewerInstructions(requests);
  const withMarkers = `${r.text}\n${POLICY_MARKER}\n${EXTRA_POLICY_MARKER}`;
  return { codexVersion: version, capturedAt: "", model: r.model, outputSchema: r.outputSchema, developer: { defaultPolicy: r.text, policyOnly: withMarkers, policyAndExtra: withMarkers, defaultPolicyAndExtra: withMarkers } };
}

describe("the reviewer prompt as Codex composes it (captured requests in ../shared/codex-telemetry)", () => {
  it("composes, for the same policy, exactly the instructions Codex 0.171.0 sent in other runs with other actions", () => {
    const kit = kitFrom("0.171.0", run("0.171.0-allow1"));
    for (const other of ["0.171.0-deny1", "0.171.0-min"]) {
      const sent = reviewerInstructions(run(other));
      expect(composeWithKit(kit, { policy: "", extraPolicy: "  " }), other).toBe(sent.text);
      expect(kit.outputSchema, other).toEqual(sent.outputSchema);
    }
  });

  it("finds the reviewer request and its instructions in a run of Codex 0.169.0", () => {
    const old = reviewerInstructions(run("0.169.0-deny1"));
    expect(old.text.length).toBeGreaterThan(10_000);
    expect(old.outputSchema).toEqual(expect.objectContaining({ required: ["outcome"] }));
    // The main agent's requests carry the agent's own instructions, not the reviewer's.
    const main = run("0.169.0-deny1").filter((r) => !r.review);
    for (const r of main) expect(developerTexts(r.body)).not.toContain(old.text);
  });

  it("inserts the tenant and extra policies at Codex's slots, trimmed as Rust trims, literally", () => {
    const kit = kitFrom("0.171.0", run("0.171.0-allow1"));
    const text = composeWithKit(kit, { policy: "\u0085 Never push $& to public remotes. \n", extraPolicy: "Also: $1" });
    expect(text.endsWith("\nNever push $& to public remotes.\nAlso: $1")).toBe(true);
    expect(text).not.toContain(POLICY_MARKER);
  });

  it("builds a kit from four captures and refuses a capture whose markers are not where the case says", () => {
    const base = reviewerInstructions(run("0.171.0-allow1")).text;
    const review = (text: string): CapturedRequest[] => [{ review: true, body: { model: "m", input: [{ type: "message", role: "developer", content: [{ type: "input_text", text }] }], text: { format: { schema: { required: ["outcome"] } } } } }];
    const good = {
      policyAndExtra: review(`${base}${POLICY_MARKER}|${EXTRA_POLICY_MARKER}`),
      policyOnly: review(`${base}${POLICY_MARKER}`),
      defaultPolicy: review(base),
      defaultPolicyAndExtra: review(`${base}${EXTRA_POLICY_MARKER}`),
    };
    const kit = kitFromCaptures("0.171.0", good);
    expect(composeWithKit(kit, { policy: "P", extraPolicy: "E" })).toBe(`${base}P|E`);
    expect(composeWithKit(kit, { extraPolicy: "E" })).toBe(`${base}E`);
    expect(kit.outputSchema).toEqual({ required: ["outcome"] });
    expect(() => kitFromCaptures("0.171.0", { ...good, policyOnly: review(base) })).toThrow(/policyOnly: the tenant policy marker is missing/);
  });

  it("the sandbox uses a version's cached kit when there is one, and says approximate when there is none", () => {
    const dir = mkdtempSync(join(tmpdir(), "charter-kit-"));
    const env = { CHARTER_CODEX_DIR: dir };
    const none = reviewerInstructionsFor({ policy: "P" }, env);
    expect(none.source).toEqual({ kind: "approximate", codexVersion: "0.171.0" });
    expect(none.label).toBe("approximate prompt");
    const kit = kitFrom("0.171.0", run("0.171.0-allow1"));
    mkdirSync(join(dir, "0.171.0"), { recursive: true });
    writeFileSync(kitPath("0.171.0", env), JSON.stringify(kit));
    expect(loadPromptKit("0.171.0", env)?.codexVersion).toBe("0.171.0");
    // The instructions alone are not Codex's prompt: its message layout must be cached too (codex-request.test.ts).
    expect(reviewerInstructionsFor({ policy: "" }, env).label).toBe("approximate prompt");
    writeFileSync(requestKitPath("0.171.0", env), JSON.stringify({ codexVersion: "0.171.0", userEntry: "[{n}] {text}" }));
    const exact = reviewerInstructionsFor({ policy: "" }, env);
    expect(exact.source).toEqual({ kind: "codex", codexVersion: "0.171.0" });
    expect(exact.label).toBe("Codex 0.171.0 prompt");
    expect(exact.text).toBe(reviewerInstructions(run("0.171.0-deny1")).text);
    expect(loadPromptKit("0.169.0", env)).toBeUndefined();
    // codex-auto-review has a default policy of its own, so its kit is separate; other models share the general one.
    expect(reviewerInstructionsFor({ policy: "", model: "codex-auto-review" }, env).source.kind).toBe("approximate");
    writeFileSync(kitPath("0.171.0", env, "codex-auto-review"), JSON.stringify({ ...kit, developer: { ...kit.developer, defaultPolicy: "own" } }));
    expect(reviewerInstructionsFor({ policy: "", model: "codex-auto-review" }, env)).toMatchObject({ text: "own", label: "Codex 0.171.0 prompt for codex-auto-review" });
    expect(reviewerInstructionsFor({ policy: "", model: "gpt-5.4-mini" }, env).text).toBe(exact.text);
  });
});
