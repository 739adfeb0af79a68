import { z } from "zod";

/*
 * Reading the reviewer's answer with Codex's rules (codex-reference.md §3.4, §3.7): strict JSON first, else the text
 * from the first "{" to the last "}"; only `outcome` is required; missing fields get Codex's defaults. Anything else
 * is a parse failure, which Codex turns into a denial ("fails closed").
 */

export const RISK_LEVELS = ["low", "medium", "high", "critical"] as const;
export const USER_AUTHORIZATIONS = ["unknown", "low", "medium", "high"] as const;
export const OUTCOMES = ["allow", "deny"] as const;

export type RiskLevel = (typeof RISK_LEVELS)[number];
export type UserAuthorization = (typeof USER_AUTHORIZATIONS)[number];
export type Outcome = (typeof OUTCOMES)[number];

export interface GuardianAssessment {
  outcome: Outcome;
  risk_level: RiskLevel;
  user_authorization: UserAuthorization;
  rationale: string;
}

/** Absent and null optional fields both take the default, as an Option field does in Codex. */
const answerSchema = z.object({
  outcome: z.enum(OUTCOMES),
  risk_level: z.enum(RISK_LEVELS).nullish(),
  user_authorization: z.enum(USER_AUTHORIZATIONS).nullish(),
  rationale: z.string().nullish(),
});

export const DEFAULT_RATIONALE: Record<Outcome, string> = {
  allow: "The reviewer allowed the action without giving a reason.",
  deny: "The reviewer denied the action without giving a reason.",
};

export type ParseResult = { ok: true; assessment: GuardianAssessment } | { ok: false; error: string };

function firstJsonObject(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const start = text.indexOf("{");
    const end = text.lastIndexOf("}");
    if (start < 0 || end <= start) throw new Error("the answer contains no JSON object");
    try {
      return JSON.parse(text.slice(start, end + 1));
    } catch {
      throw new Error("the answer's JSON does not parse");
    }
  }
}

export function parseGuardianAnswer(text: string | null | undefined): ParseResult {
  if (text == null || text.trim() === "") return { ok: false, error: "the reviewer returned an empty answer" };
  let value: unknown;
  try {
    value = firstJsonObject(text);
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const parsed = answerSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `the answer does not match the output schema (${issue.path.join(".") || "answer"}: ${issue.message})` };
  }
  const a = parsed.data;
  const rationale = a.rationale?.trim() ? a.rationale.trim() : DEFAULT_RATIONALE[a.outcome];
  return {
    ok: true,
    assessment: {
      outcome: a.outcome,
      risk_level: a.risk_level ?? (a.outcome === "allow" ? "low" : "high"),
      user_authorization: a.user_authorization ?? "unknown",
      rationale,
    },
  };
}

/** What Codex records when the review itself fails: a denial at high risk whose rationale says why. */
export function failedClosed(reason: string): GuardianAssessment {
  return { outcome: "deny", risk_level: "high", user_authorization: "unknown", rationale: `Automatic approval review failed: ${reason}` };
}
