/**
 * The Auto-review prompt exactly as a given Codex version composes it. Codex's text cannot live in this repository, so
 * it is captured from that version on demand (scripts/codex-prompt.ts runs the real binary against a local stand-in
 * for the model API) and cached per version outside the repository as a "prompt kit": the reviewer's developer
 * message for each combination of a set/unset `guardian_policy_config` and `guardian_extra_policy`, with marker strings
 * of ours where the admin's texts go, plus the output schema Codex sends. Server-only (reads the cache from disk).
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { rustTrim } from "../requirements/rust";
import { NEWEST_CODEX_VERSION } from "../requirements/versions";
import { randomUUID } from "node:crypto";
import { composeReviewerPrompt } from "./prompt";
import { loadRequestKit, retainedEntries, reviewMessageItems } from "./codex-request";
import { actionJson, composeReviewRequest, type ReviewRequestInput } from "./request";

/** Our stand-ins for the admin's texts during a capture; unique enough never to occur in Codex's own words. */
export const POLICY_MARKER = "CHARTER-TENANT-POLICY-7f3a9c";
export const EXTRA_POLICY_MARKER = "CHARTER-EXTRA-POLICY-7f3a9c";

export interface CapturedRequest {
  /** Sent by the reviewer sub-agent (`x-openai-subagent: guardian`). */
  review: boolean;
  body: { model?: string; input?: unknown[]; text?: { format?: { schema?: unknown } } };
}

export interface CodexPromptKit {
  codexVersion: string;
  capturedAt: string;
  model: string;
  /** The developer message Codex sends its reviewer, per case; markers stand where the texts go. */
  developer: {
    policyAndExtra: string;
    policyOnly: string;
    defaultPolicy: string;
    defaultPolicyAndExtra: string;
  };
  outputSchema: unknown;
}

/** The developer texts of a request, in order. */
export function developerTexts(body: CapturedRequest["body"]): string[] {
  const out: string[] = [];
  for (const item of body.input ?? []) {
    const msg = item as { type?: string; role?: string; content?: { type?: string; text?: string }[] };
    if (msg.role !== "developer" || !Array.isArray(msg.content)) continue;
    for (const c of msg.content) if (c.type === "input_text" && typeof c.text === "string") out.push(c.text);
  }
  return out;
}

/** The reviewer's instructions: the first developer text of the first review request. */
export function reviewerInstructions(requests: readonly CapturedRequest[]): { text: string; model: string; outputSchema: unknown } {
  const review = requests.find((r) => r.review);
  if (!review) throw new Error("no review request among the captured requests");
  const [text] = developerTexts(review.body);
  if (text === undefined) throw new Error("the review request has no developer message");
  return { text, model: review.body.model ?? "", outputSchema: review.body.text?.format?.schema ?? null };
}

export type CaptureCase = keyof CodexPromptKit["developer"];

/** The requirements each capture case runs with. */
export const CAPTURE_CASES: Record<CaptureCase, { policy: boolean; extra: boolean }> = {
  policyAndExtra: { policy: true, extra: true },
  policyOnly: { policy: true, extra: false },
  defaultPolicy: { policy: false, extra: false },
  defaultPolicyAndExtra: { policy: false, extra: true },
};

export function kitFromCaptures(codexVersion: string, captures: Record<CaptureCase, readonly CapturedRequest[]>): CodexPromptKit {
  const developer = {} as CodexPromptKit["developer"];
  let model = "";
  let outputSchema: unknown = null;
  for (const c of Object.keys(CAPTURE_CASES) as CaptureCase[]) {
    const r = reviewerInstructions(captures[c]);
    const { policy, extra } = CAPTURE_CASES[c];
    if (r.text.includes(POLICY_MARKER) !== policy) throw new Error(`capture ${c}: the tenant policy marker is ${policy ? "missing" : "present"}`);
    if (r.text.includes(EXTRA_POLICY_MARKER) !== extra) throw new Error(`capture ${c}: the extra policy marker is ${extra ? "missing" : "present"}`);
    developer[c] = r.text;
    model = r.model;
    outputSchema = r.outputSchema;
  }
  return { codexVersion, capturedAt: new Date().toISOString(), model, developer, outputSchema };
}

/**
 * Reviewer models for which Codex uses its own default policy (captured separately); every other model gets the
 * general kit. Found by capturing: only the default-policy case differs.
 */
export const MODELS_WITH_OWN_PROMPT = ["codex-auto-review"] as const;
/** The model the general kit is captured with. */
export const GENERAL_CAPTURE_MODEL = "gpt-5.4";
const ownPrompt = (model: string | undefined) => (MODELS_WITH_OWN_PROMPT as readonly string[]).includes(model ?? "");

/** Where a version's kit is cached ($CHARTER_CODEX_DIR, default ~/.cache/charter-codex, as the oracle uses). */
export function kitPath(version: string, env: Record<string, string | undefined> = process.env, model?: string): string {
  const file = ownPrompt(model) ? `reviewer-prompt.${model}.json` : "reviewer-prompt.json";
  return join(env.CHARTER_CODEX_DIR ?? join(homedir(), ".cache", "charter-codex"), version, file);
}

/** Where a version's request kit (the reviewer's user message, lib/guardian/codex-request.ts) is cached. */
export function requestKitPath(version: string, env: Record<string, string | undefined> = process.env): string {
  return join(env.CHARTER_CODEX_DIR ?? join(homedir(), ".cache", "charter-codex"), version, "reviewer-request.json");
}
/** A second captured conversation, raw, that tests compose with the kit (never committed: Codex's text). */
export function requestCheckPath(version: string, env: Record<string, string | undefined> = process.env): string {
  return join(env.CHARTER_CODEX_DIR ?? join(homedir(), ".cache", "charter-codex"), version, "reviewer-check.json");
}

/** The cached kit of a version (for a reviewer model), or undefined when it was never captured here. */
export function loadPromptKit(version: string, env: Record<string, string | undefined> = process.env, model?: string): CodexPromptKit | undefined {
  const path = kitPath(version, env, model);
  if (!existsSync(path)) return undefined;
  try {
    const kit = JSON.parse(readFileSync(path, "utf8")) as CodexPromptKit;
    return kit.codexVersion === version && typeof kit.developer?.defaultPolicy === "string" ? kit : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The reviewer's developer message for a policy and extra policy, as the kit's Codex version composes it: blank texts
 * count as unset, set ones are trimmed the way Rust trims.
 */
export function composeWithKit(kit: CodexPromptKit, input: { policy?: string | null; extraPolicy?: string | null }): string {
  const policy = rustTrim(input.policy ?? "");
  const extra = rustTrim(input.extraPolicy ?? "");
  const c: CaptureCase = policy ? (extra ? "policyAndExtra" : "policyOnly") : extra ? "defaultPolicyAndExtra" : "defaultPolicy";
  // split/join: the admin's text is inserted literally ("$&" stays "$&").
  return kit.developer[c].split(POLICY_MARKER).join(policy).split(EXTRA_POLICY_MARKER).join(extra);
}

export interface ReviewerInstructions {
  /** The reviewer's instructions (developer message). */
  text: string;
  /** The tenant policy as inserted (trimmed), or Charter's starter policy when Codex's was not captured. */
  tenantPolicy: string;
  usedDefaultPolicy: boolean;
  /** Whose words: the named Codex version's (captured from it), or Charter's approximation. */
  source: { kind: "codex" | "approximate"; codexVersion: string };
  /** A few words for the sandbox run's label: which prompt the run used. */
  label: string;
}

/**
 * The instructions the sandbox sends: Codex's own, byte for byte, when that version's prompt kit is cached; otherwise
 * Charter's approximation, labelled as such.
 */
export function reviewerInstructionsFor(
  input: { policy?: string | null; extraPolicy?: string | null; codexVersion?: string; model?: string },
  env: Record<string, string | undefined> = process.env,
): ReviewerInstructions {
  const codexVersion = input.codexVersion ?? NEWEST_CODEX_VERSION;
  const kit = loadPromptKit(codexVersion, env, input.model);
  // Codex's own only when both its instructions and its message layout were captured on this server.
  if (kit && loadRequestKit(requestKitPath(codexVersion, env), codexVersion)) {
    const tenantPolicy = rustTrim(input.policy ?? "");
    return {
      text: composeWithKit(kit, input),
      tenantPolicy,
      usedDefaultPolicy: tenantPolicy === "",
      source: { kind: "codex", codexVersion },
      label: `Codex ${codexVersion} prompt${ownPrompt(input.model) ? ` for ${input.model}` : ""}`,
    };
  }
  const approx = composeReviewerPrompt({ policy: input.policy });
  return {
    text: approx.text,
    tenantPolicy: approx.tenantPolicy,
    usedDefaultPolicy: approx.usedDefaultPolicy,
    source: { kind: "approximate", codexVersion },
    // Codex's own was not captured on this server (scripts/codex-prompt.ts); the README says how.
    label: "approximate prompt",
  };
}

/**
 * The reviewer's user message for one review: laid out as the version's captured request kit lays it out, byte for
 * byte, when that kit is cached; otherwise Charter's approximation (composeReviewRequest). Network requests and retry
 * reasons have no captured layout yet, so they always get the approximation (`exact: false`).
 */
export function reviewMessageFor(
  input: ReviewRequestInput & { codexVersion?: string; sessionId?: string },
  env: Record<string, string | undefined> = process.env,
): { text: string; exact: boolean } {
  const codexVersion = input.codexVersion ?? NEWEST_CODEX_VERSION;
  const kit = loadRequestKit(requestKitPath(codexVersion, env), codexVersion);
  if (!kit || input.action.tool === "network_access" || input.retryReason?.trim()) return { text: composeReviewRequest(input), exact: false };
  const items = reviewMessageItems(kit, { transcript: retainedEntries(input.transcript ?? []), actionJson: actionJson(input.action), sessionId: input.sessionId ?? randomUUID() });
  return { text: items.join(""), exact: true };
}
