import { AppError } from "../errors";
import { STARTER_TENANT_POLICY } from "./starter-policy";
import { DEFAULT_POLICY_TEMPLATE, OUTPUT_CONTRACT, POLICY_PLACEHOLDER } from "./template";

export interface ComposeReviewerPromptInput {
  /** The tenant policy (`guardian_policy_config`). Blank or missing → the starter policy, as Codex falls back to its bundled one. */
  policy?: string | null;
  /** A full template containing POLICY_PLACEHOLDER. Blank or missing → DEFAULT_POLICY_TEMPLATE. */
  template?: string | null;
}

export interface ComposedReviewerPrompt {
  /** Template with the policy in every slot, a blank line, then the output contract. */
  text: string;
  /** The policy text that was inserted (trimmed). */
  tenantPolicy: string;
  usedDefaultPolicy: boolean;
}

/** Builds the reviewer instructions the way Codex composes them (codex-reference.md §3.5). */
export function composeReviewerPrompt(input: ComposeReviewerPromptInput = {}): ComposedReviewerPrompt {
  const template = input.template == null || input.template.trim() === "" ? DEFAULT_POLICY_TEMPLATE : input.template;
  if (!template.includes(POLICY_PLACEHOLDER)) {
    throw new AppError("bad_request", `The policy template must contain the placeholder ${POLICY_PLACEHOLDER}.`);
  }
  const given = (input.policy ?? "").trim();
  const usedDefaultPolicy = given === "";
  const tenantPolicy = usedDefaultPolicy ? STARTER_TENANT_POLICY.trim() : given;
  // split/join rather than String.replace: a policy containing "$&" or "$1" must be inserted literally.
  const body = template.split(POLICY_PLACEHOLDER).join(tenantPolicy);
  return { text: `${body}\n\n${OUTPUT_CONTRACT}`, tenantPolicy, usedDefaultPolicy };
}
