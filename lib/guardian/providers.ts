import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import type { GuardianAction, TranscriptEntry } from "./actions";
import { BASELINE_LABEL, BASELINE_MODEL, baselineReview } from "./baseline";
import { failedClosed, parseGuardianAnswer, type RiskLevel, type UserAuthorization } from "./parse";
import { GUARDIAN_OUTPUT_SCHEMA } from "./template";

/*
 * Reviewer providers for the sandbox. A review ends in one of Codex's four terminal states (codex-reference.md §3.7):
 * allow, deny, failed_closed (HTTP error, unreachable provider, unparsable answer → a denial at high risk whose
 * rationale starts "Automatic approval review failed:"), or timed_out (not executed, and not a judgement either).
 * The baseline adds a fifth, abstained: no rule it can name decides the action, so it needs a model. Codex never
 * produces it; it is not a decision and is counted apart everywhere.
 */

export const DEFAULT_TIMEOUT_MS = 90_000; // GUARDIAN_REVIEW_TIMEOUT
export const DEFAULT_MAX_RETRIES = 1; // request_max_retries of the reviewer session
export const DEFAULT_MODEL = "codex-auto-review"; // GUARDIAN_PREFERRED_MODEL

export type ReviewStatus = "allow" | "deny" | "failed_closed" | "timed_out" | "abstained";
export type ProviderKind = "baseline" | "openai";

export interface ReviewResult {
  status: ReviewStatus;
  /** Null only for timed_out: there is no assessment then. */
  riskLevel: RiskLevel | null;
  userAuthorization: UserAuthorization | null;
  rationale: string;
  latencyMs: number;
  promptTokens: number | null;
  completionTokens: number | null;
  totalTokens: number | null;
  /** The model's answer as received (or the error body); null for the baseline. */
  raw: string | null;
  /** Why the review failed or timed out. */
  error: string | null;
}

export interface ReviewCall {
  /** The composed policy prompt (template + tenant policy + output contract). */
  instructions: string;
  /** The composed user message (transcript + approval request). */
  requestMessage: string;
  action: GuardianAction;
  transcript: readonly TranscriptEntry[];
  /** The tenant policy as inserted, for the baseline's rule reading. */
  policy: string;
}

export interface ReviewerProvider {
  kind: ProviderKind;
  label: string;
  model: string;
  baseUrl: string | null;
  review(call: ReviewCall): Promise<ReviewResult>;
}

export const INSTRUCTION_ROLES = ["system", "developer"] as const;
export const RESPONSE_FORMATS = ["json_schema", "json_object", "none"] as const;
export type InstructionsRole = (typeof INSTRUCTION_ROLES)[number];
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

export interface OpenAiProviderConfig {
  baseUrl: string;
  apiKey?: string | null;
  model: string;
  timeoutMs?: number;
  maxRetries?: number;
  instructionsRole?: InstructionsRole;
  responseFormat?: ResponseFormat;
  /** How this configuration was given, for labels ("org settings", "environment"). */
  source?: string;
}

export function baselineProvider(): ReviewerProvider {
  return {
    kind: "baseline",
    label: BASELINE_LABEL,
    model: BASELINE_MODEL,
    baseUrl: null,
    async review(call) {
      const started = performance.now();
      const a = baselineReview({ action: call.action, transcript: call.transcript, policy: call.policy });
      return {
        status: a.outcome === "abstain" ? "abstained" : a.outcome,
        riskLevel: a.risk_level,
        userAuthorization: a.user_authorization,
        rationale: a.rationale,
        latencyMs: Math.round(performance.now() - started),
        promptTokens: null,
        completionTokens: null,
        totalTokens: null,
        raw: null,
        error: null,
      };
    },
  };
}

function responseFormat(kind: ResponseFormat) {
  if (kind === "json_object") return { response_format: { type: "json_object" as const } };
  if (kind === "none") return {};
  // strict:false because Codex's schema has optional fields, which strict mode does not allow (§3.4).
  return {
    response_format: {
      type: "json_schema" as const,
      json_schema: { name: "guardian_assessment", strict: false, schema: GUARDIAN_OUTPUT_SCHEMA as unknown as Record<string, unknown> },
    },
  };
}

/** The chat-completions body the sandbox sends; exported so tests and the run page show the same thing. */
export function chatRequestBody(config: OpenAiProviderConfig, call: Pick<ReviewCall, "instructions" | "requestMessage">) {
  return {
    model: config.model,
    messages: [
      { role: config.instructionsRole ?? "system", content: call.instructions },
      { role: "user" as const, content: call.requestMessage },
    ],
    ...responseFormat(config.responseFormat ?? "json_schema"),
  };
}

function describeError(err: unknown): { message: string; raw: string | null } {
  if (err instanceof APIError && err.status) {
    const body = err.error === undefined ? null : typeof err.error === "string" ? err.error : JSON.stringify(err.error);
    const detail = (err.error as { message?: string } | undefined)?.message;
    return { message: `the provider answered HTTP ${err.status}${detail ? ` (${detail})` : ""}`, raw: body };
  }
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (err instanceof Error) return { message: `the provider could not be reached (${cause?.code ?? cause?.message ?? err.message})`, raw: null };
  return { message: "the provider call failed", raw: null };
}

export function openAiProvider(config: OpenAiProviderConfig): ReviewerProvider {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = new OpenAI({
    baseURL: config.baseUrl,
    // Local OpenAI-compatible servers often need no key; the client insists on one.
    apiKey: config.apiKey || "no-key",
    timeout: timeoutMs,
    maxRetries: config.maxRetries ?? DEFAULT_MAX_RETRIES,
  });
  return {
    kind: "openai",
    label: `OpenAI-compatible (${config.baseUrl})`,
    model: config.model,
    baseUrl: config.baseUrl,
    async review(call) {
      const started = performance.now();
      const controller = new AbortController();
      let timedOut = false;
      // One deadline for the whole review, retries included, as Codex's review timeout is.
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      const done = (r: Omit<ReviewResult, "latencyMs">): ReviewResult => ({ ...r, latencyMs: Math.round(performance.now() - started) });
      try {
        const res = await client.chat.completions.create(chatRequestBody(config, call) as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal: controller.signal });
        const raw = res.choices?.[0]?.message?.content ?? null;
        const usage = { promptTokens: res.usage?.prompt_tokens ?? null, completionTokens: res.usage?.completion_tokens ?? null, totalTokens: res.usage?.total_tokens ?? null };
        const parsed = parseGuardianAnswer(raw);
        if (!parsed.ok) {
          const a = failedClosed(parsed.error);
          return done({ status: "failed_closed", riskLevel: a.risk_level, userAuthorization: a.user_authorization, rationale: a.rationale, raw, error: parsed.error, ...usage });
        }
        const a = parsed.assessment;
        return done({ status: a.outcome, riskLevel: a.risk_level, userAuthorization: a.user_authorization, rationale: a.rationale, raw, error: null, ...usage });
      } catch (err) {
        const none = { promptTokens: null, completionTokens: null, totalTokens: null };
        if (timedOut || err instanceof APIConnectionTimeoutError || (err instanceof APIUserAbortError && timedOut)) {
          const s = Math.round(timeoutMs / 100) / 10;
          return done({ status: "timed_out", riskLevel: null, userAuthorization: null, rationale: `The review timed out after ${s} s; the action was not run. A timeout alone does not mean the action is unsafe.`, raw: null, error: `timed out after ${s} s`, ...none });
        }
        const { message, raw } = describeError(err);
        const a = failedClosed(message);
        return done({ status: "failed_closed", riskLevel: a.risk_level, userAuthorization: a.user_authorization, rationale: a.rationale, raw, error: message, ...none });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** A provider from OPENAI_BASE_URL / OPENAI_API_KEY / CHARTER_SANDBOX_MODEL, or null when neither is set. */
export function envProviderConfig(env: Record<string, string | undefined> = process.env): OpenAiProviderConfig | null {
  const baseUrl = env.OPENAI_BASE_URL?.trim();
  const apiKey = env.OPENAI_API_KEY?.trim();
  if (!baseUrl && !apiKey) return null;
  const timeout = Number(env.CHARTER_SANDBOX_TIMEOUT_MS);
  return {
    baseUrl: baseUrl || "https://api.openai.com/v1",
    apiKey: apiKey || null,
    model: env.CHARTER_SANDBOX_MODEL?.trim() || DEFAULT_MODEL,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS,
    source: "environment",
  };
}
