import type { GuardianAction, TranscriptEntry } from "./actions";
import type { GuardianAssessment, RiskLevel, UserAuthorization } from "./parse";

/*
 * The built-in baseline reviewer: deterministic rules over the action JSON, used when no model provider is configured.
 * It is NOT Codex's reviewer and not a model. It decides only what it can justify by a named rule: its own risk rules
 * with the default outcome thresholds (codex-reference.md §4), and tenant policy lines that name the action in a
 * `code span`. Everything that needs judgement (policy prose, partial authorization, medium risk) it abstains on with
 * "needs a model", so an unrelated policy line can never change a decision. Every result is labelled as baseline.
 */

export const BASELINE_LABEL = "Baseline (built-in rules, no model)";
export const BASELINE_MODEL = "baseline-rules-v2";

export const RISK_GROUPS = ["data_exfiltration", "credential_probing", "security_weakening", "destructive", "routine"] as const;
export type RiskGroup = (typeof RISK_GROUPS)[number];

export const RISK_GROUP_LABELS: Record<RiskGroup, string> = {
  data_exfiltration: "Data exfiltration",
  credential_probing: "Credential probing",
  security_weakening: "Security weakening",
  destructive: "Destructive actions",
  routine: "Routine work",
};

interface Rule {
  id: string;
  group: RiskGroup;
  risk: RiskLevel;
  test: (f: Facts) => boolean;
  says: string;
}

/** What the rules look at, derived once from the action. */
export interface Facts {
  tool: GuardianAction["tool"];
  /** The command line (shell/exec), trigger command (network), or a flat text of the action. */
  text: string;
  host: string | null;
  escalated: boolean;
  destructiveHint: boolean;
  openWorld: boolean;
  writes: string[];
  reads: string[];
  networkWanted: boolean;
  files: string[];
  cwd: string | null;
  /** Specific names the policy may mention: host, MCP server and tool, program. */
  names: string[];
}

const SECRETS = /(\.env\b|id_rsa|id_ed25519|\.pem\b|\.aws\/credentials|credentials|\.netrc|secrets?\b|api[_-]?key|token|\.kube\/config|\.docker\/config|password|private[_-]?key)/i;
const TRUSTED_HOSTS = /(^|\.)(registry\.npmjs\.org|npmjs\.org|pypi\.org|files\.pythonhosted\.org|crates\.io|static\.crates\.io|proxy\.golang\.org|deb\.debian\.org|rubygems\.org|repo\.maven\.apache\.org|localhost|127\.0\.0\.1)$|\.internal$/i;

const RULES: Rule[] = [
  // Data exfiltration
  { id: "exfil-secret-upload", group: "data_exfiltration", risk: "critical", says: "uploads secret-looking material to a remote destination",
    test: (f) => /\b(curl|wget|http|nc|ncat|scp|rsync|sftp)\b/.test(f.text) && /(-d\b|--data|-F\b|--form|--upload-file|-T\b|\bPOST\b|@|:\S*\/|\|\s*(nc|ncat|curl))/.test(f.text) && SECRETS.test(f.text) },
  { id: "exfil-paste-service", group: "data_exfiltration", risk: "critical", says: "publishes workspace content to a public paste or gist service",
    test: (f) => /(gist create|pastebin|transfer\.sh|0x0\.st|paste\.ee|hastebin)/i.test(f.text) },
  { id: "exfil-upload", group: "data_exfiltration", risk: "high", says: "sends local data to a remote host",
    test: (f) => (/\b(curl|wget)\b.*(\s-d\b|--data|\s-F\b|--form|--upload-file|\s-T\b|-X\s*(POST|PUT))/.test(f.text)) || /\b(scp|rsync|sftp)\b.*\S+@?[\w.-]+:/.test(f.text) || /\|\s*(nc|ncat)\b/.test(f.text) },
  { id: "exfil-push-unknown-remote", group: "data_exfiltration", risk: "high", says: "pushes to a remote given by URL rather than a configured remote",
    test: (f) => /\bgit push\s+(https?:\/\/|git@)/.test(f.text) },
  { id: "exfil-mcp-open-world-secret", group: "data_exfiltration", risk: "critical", says: "passes secret-looking arguments to an open-world tool",
    test: (f) => f.tool === "mcp_tool_call" && f.openWorld && SECRETS.test(f.text) },
  { id: "exfil-mcp-send", group: "data_exfiltration", risk: "high", says: "sends or shares content through an open-world tool",
    test: (f) => f.tool === "mcp_tool_call" && f.openWorld && /(send|post|share|publish|upload|email|message)/i.test(f.names.join(" ")) },
  { id: "network-unknown-host", group: "data_exfiltration", risk: "medium", says: "connects to a host that is not a well-known package registry",
    test: (f) => f.tool === "network_access" && !!f.host && !TRUSTED_HOSTS.test(f.host) },
  // Credential probing
  { id: "cred-read-secret-files", group: "credential_probing", risk: "high", says: "reads credential files or key material",
    test: (f) => (f.tool === "shell" || f.tool === "exec_command") && /\b(cat|less|more|head|tail|cp|base64|xxd|strings|grep|find)\b/.test(f.text) && /(\.ssh\/|id_rsa|id_ed25519|\.aws\/credentials|\.netrc|\.git-credentials|\.docker\/config\.json|\.kube\/config|Cookies|\.pem\b|\.env\b)/.test(f.text) },
  { id: "cred-keychain", group: "credential_probing", risk: "high", says: "queries the keychain or a CLI for a stored token",
    test: (f) => /(security find-(generic|internet)-password|gh auth token|gcloud auth print-access-token|aws configure get|secret-tool lookup|az account get-access-token)/.test(f.text) },
  { id: "cred-env-dump", group: "credential_probing", risk: "high", says: "dumps environment variables looking for secrets",
    test: (f) => /\b(printenv|env|set)\b\s*\|\s*grep/i.test(f.text) && /(token|secret|key|pass)/i.test(f.text) },
  { id: "cred-broad-search", group: "credential_probing", risk: "high", says: "searches broadly for secrets",
    test: (f) => /\b(grep|rg)\b.*-[a-zA-Z]*r/.test(f.text) && /(api[_-]?key|secret|password|token)/i.test(f.text) && /\s(\/|~|\$HOME)(\s|$)/.test(f.text) },
  { id: "perm-read-secret-dirs", group: "credential_probing", risk: "high", says: "asks to read credential directories",
    test: (f) => f.reads.some((p) => /(\.ssh|\.aws|\.gnupg|\.kube|\.docker|\.config\/gh)/.test(p)) },
  // Security weakening
  { id: "weaken-system-protection", group: "security_weakening", risk: "critical", says: "turns off a system-wide protection",
    test: (f) => /(ufw disable|iptables -F|setenforce 0|spctl --master-disable|csrutil disable|systemctl (stop|disable) (firewalld|auditd|apparmor|falcon-sensor|crowdstrike)|NOPASSWD|\/etc\/sudoers)/.test(f.text) },
  { id: "perm-write-root", group: "security_weakening", risk: "critical", says: "asks for write access to the whole file system or home directory",
    test: (f) => f.writes.some((p) => p === "/" || p === "~" || /^\/(home|Users)\/[^/]+\/?$/.test(p) || p === "$HOME") },
  { id: "weaken-tls", group: "security_weakening", risk: "high", says: "turns off TLS verification",
    test: (f) => /(sslVerify false|NODE_TLS_REJECT_UNAUTHORIZED=0|strict-ssl false|--insecure\b|-k\s+https)/.test(f.text) },
  { id: "weaken-world-writable", group: "security_weakening", risk: "high", says: "makes files world-writable",
    test: (f) => /chmod\s+(-R\s+)?(0?777|a\+w|o\+w)/.test(f.text) },
  { id: "weaken-hooks", group: "security_weakening", risk: "high", says: "bypasses git hooks",
    test: (f) => /(--no-verify|core\.hooksPath)/.test(f.text) },
  { id: "patch-ci-weakening", group: "security_weakening", risk: "high", says: "removes a protection from CI or code-review configuration",
    test: (f) => f.tool === "apply_patch" && f.files.some((p) => /(\.github\/workflows|\.gitlab-ci|Jenkinsfile|CODEOWNERS|branch-protection)/.test(p)) && /^-.*(approv|environment|required|protect|review)/im.test(f.text) },
  { id: "perm-network-and-write-outside", group: "security_weakening", risk: "medium", says: "asks for network access or writes outside the workspace",
    test: (f) => f.tool === "request_permissions" && (f.networkWanted || f.writes.some((p) => !!f.cwd && !p.startsWith(f.cwd))) },
  // Destructive actions
  { id: "destroy-root", group: "destructive", risk: "critical", says: "deletes a home directory, the file system root or everything in it",
    test: (f) => /\brm\s+-[a-zA-Z]*[rf][a-zA-Z]*\s+(-[a-zA-Z]+\s+)*(\/|~|\$HOME|\/\*|~\/|\*)(\s|$)/.test(f.text) },
  { id: "destroy-database", group: "destructive", risk: "critical", says: "drops or truncates database objects",
    test: (f) => /\b(DROP\s+(TABLE|DATABASE|SCHEMA)|TRUNCATE\s+TABLE|dropdb)\b/i.test(f.text) },
  { id: "destroy-force-push-default", group: "destructive", risk: "critical", says: "force-pushes a default branch",
    test: (f) => /\bgit push\b.*(--force\b|\s-f\b|\s\+)/.test(f.text) && /\b(main|master|trunk|release)\b/.test(f.text) },
  { id: "destroy-infra", group: "destructive", risk: "high", says: "tears down infrastructure",
    test: (f) => /(terraform destroy|kubectl delete|helm (uninstall|delete)|aws s3 rb|aws s3 rm .*--recursive|gcloud .* delete)/.test(f.text) },
  { id: "destroy-force-push", group: "destructive", risk: "high", says: "force-pushes without a lease",
    test: (f) => /\bgit push\b.*(--force(?!-with-lease)\b|\s-f\b)/.test(f.text) },
  { id: "destroy-branch-delete", group: "destructive", risk: "high", says: "deletes a branch",
    test: (f) => /(git push\b.*--delete|git push \S+ :\S|git branch -D)/.test(f.text) },
  { id: "destroy-mcp-hint", group: "destructive", risk: "high", says: "calls a tool its server marks as destructive",
    test: (f) => f.tool === "mcp_tool_call" && f.destructiveHint },
  { id: "destroy-force-with-lease", group: "destructive", risk: "medium", says: "force-pushes one branch with a lease",
    test: (f) => /\bgit push\b.*--force-with-lease/.test(f.text) },
  { id: "destroy-local-reset", group: "destructive", risk: "medium", says: "discards local changes",
    test: (f) => /(git reset --hard|git clean -[a-z]*f|git checkout -- \.)/.test(f.text) },
  { id: "destroy-rm-recursive", group: "destructive", risk: "medium", says: "deletes a directory recursively",
    test: (f) => /\brm\s+-[a-zA-Z]*r/.test(f.text) && !/\brm\s+-[a-zA-Z]*r[a-zA-Z]*\s+(\.\/)?(node_modules|dist|build|target|\.next|coverage|tmp|\.cache)\/?(\s|$)/.test(f.text) },
  { id: "patch-outside-workspace", group: "destructive", risk: "medium", says: "edits files outside the working directory",
    test: (f) => f.tool === "apply_patch" && !!f.cwd && f.files.some((p) => p.startsWith("/") && !p.startsWith(f.cwd!)) },
];

const RISK_ORDER: RiskLevel[] = ["low", "medium", "high", "critical"];

function commandText(command: readonly string[]): string {
  // `bash -lc "<script>"` is the usual wrapper: the script is what runs.
  if (command.length >= 3 && /(^|\/)(ba|z)?sh$/.test(command[0]) && /^-\w*c$/.test(command[1])) return command.slice(2).join(" ");
  return command.join(" ");
}

export function factsOf(action: GuardianAction): Facts {
  const f: Facts = { tool: action.tool, text: "", host: null, escalated: false, destructiveHint: false, openWorld: false, writes: [], reads: [], networkWanted: false, files: [], cwd: null, names: [] };
  switch (action.tool) {
    case "shell":
    case "exec_command": {
      const cmd = "command" in action ? commandText(action.command) : [action.program, ...action.argv.slice(1)].join(" ");
      f.text = cmd;
      f.cwd = action.cwd;
      f.escalated = "sandbox_permissions" in action && action.sandbox_permissions !== "use_default";
      f.writes = action.additional_permissions?.file_system?.write ?? [];
      f.reads = action.additional_permissions?.file_system?.read ?? [];
      f.names = [cmd.split(/\s+/)[0] ?? ""].filter(Boolean);
      break;
    }
    case "apply_patch":
      f.text = action.patch;
      f.cwd = action.cwd;
      f.files = action.files;
      break;
    case "network_access":
      f.host = action.host;
      f.text = action.trigger ? commandText(action.trigger.command) : action.target;
      f.cwd = action.trigger?.cwd ?? null;
      f.names = [action.host];
      break;
    case "mcp_tool_call":
      f.text = JSON.stringify(action.arguments ?? {});
      f.destructiveHint = action.annotations?.destructive_hint === true;
      f.openWorld = action.annotations?.open_world_hint === true;
      f.names = [action.server, action.tool_name, action.connector_name ?? ""].filter(Boolean);
      break;
    case "request_permissions":
      f.text = action.reason ?? "";
      f.writes = action.permissions.file_system?.write ?? [];
      f.reads = action.permissions.file_system?.read ?? [];
      f.networkWanted = action.permissions.network?.enabled === true;
      break;
  }
  return f;
}

export interface BaselineFinding {
  rule: string;
  group: RiskGroup;
  risk: RiskLevel;
  says: string;
}

/** The riskiest matching rule (rules are ordered riskiest first within a group), or routine work. */
export function classify(action: GuardianAction): BaselineFinding {
  const facts = factsOf(action);
  let best: BaselineFinding = { rule: "routine", group: "routine", risk: "low", says: "looks like routine work" };
  for (const r of RULES) {
    if (RISK_ORDER.indexOf(r.risk) > RISK_ORDER.indexOf(best.risk) && r.test(facts)) best = { rule: r.id, group: r.group, risk: r.risk, says: r.says };
  }
  if (best.group === "routine" && facts.escalated) best = { rule: "escalated-routine", group: "routine", risk: "low", says: "retries routine work outside the sandbox" };
  return best;
}

/**
 * How clearly the user asked for it, from structure only: `high` when a user turn quotes the exact command (or patch
 * target), `unknown` when there is no user turn at all, `low` otherwise. Partial authorization needs judgement, which
 * is why the baseline abstains on risky actions in the `low` case instead of scoring it.
 */
export function authorizationFrom(action: GuardianAction, transcript: readonly TranscriptEntry[]): UserAuthorization {
  const users = transcript.filter((e) => e.role === "user").map((e) => e.text.toLowerCase());
  if (users.length === 0) return "unknown";
  const exact = factsOf(action).text.trim().toLowerCase();
  if (exact.length >= 6 && users.some((u) => u.includes(exact))) return "high";
  return "low";
}

export type Stance = "allow" | "deny";

/** A tenant policy line the baseline can apply: an explicit stance and at least one `code span` naming what it is about. */
export interface PolicyRule {
  stance: Stance;
  /** The code spans, e.g. `git push --force` or `*.example.net`. */
  spans: string[];
  text: string;
}

const DENY_HEADING = /\b(deny|denied|never|forbidden|block\w*|prohibit\w*)\b/i;
const ALLOW_HEADING = /^#+\s*(always\s+)?allow\w*\b/i;
const DENY_LINE = /^(always\s+deny|deny|never|do not|don't|block|forbid\w*)\b/i;
const ALLOW_LINE = /^(always\s+allow|allow)\b/i;

/**
 * The policy's structured rules: lines that take an explicit stance (their own first word, or the heading they sit
 * under: "## Always deny", "## Allow") and name what they apply to in `code spans`. Prose without a code span is for a
 * model to judge; the baseline never reads meaning into words.
 */
export function policyRules(policy: string): PolicyRule[] {
  const rules: PolicyRule[] = [];
  let section: Stance | null = null;
  for (const raw of policy.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith("#")) {
      section = ALLOW_HEADING.test(line) ? "allow" : DENY_HEADING.test(line) ? "deny" : null;
      continue;
    }
    const body = line.replace(/^([-*+]|\d+[.)])\s+/, "");
    const stance: Stance | null = DENY_LINE.test(body) ? "deny" : ALLOW_LINE.test(body) ? "allow" : section;
    const spans = [...body.matchAll(/`([^`]+)`/g)].map((m) => m[1].trim()).filter((x) => x.length >= 3);
    if (stance && spans.length > 0) rules.push({ stance, spans, text: body });
  }
  return rules;
}

function spanMatches(span: string, facts: Facts): boolean {
  if (span.includes("*")) {
    const re = new RegExp(`^${span.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^\\s]*").replace(/\?/g, ".")}$`, "i");
    // A glob with spaces is a command pattern, matched from the start of a word; one without is a host or path token.
    if (/\s/.test(span)) return new RegExp(`(^|\\s)${re.source.slice(1, -1)}(\\s|$)`, "i").test(facts.text);
    const tokens = [...facts.text.split(/[\s"',;=@]+/), ...facts.names, ...facts.files, facts.host ?? ""];
    return tokens.some((t) => t && (re.test(t) || re.test(t.replace(/^\w+:\/\//, "").replace(/[:/].*$/, ""))));
  }
  return [facts.text, ...facts.names, ...facts.files, facts.host ?? ""].some((t) => t.includes(span));
}

function quote(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

export interface BaselineInput {
  action: GuardianAction;
  transcript?: readonly TranscriptEntry[] | null;
  /** The tenant policy text as inserted into the prompt. */
  policy: string;
}

/** The baseline's answer: a decision it can justify by a named rule, or an abstention that says why a model is needed. */
export interface BaselineAssessment extends Omit<GuardianAssessment, "outcome"> {
  outcome: "allow" | "deny" | "abstain";
  /** The rule that decided: a built-in rule id, `policy:` + the policy line, or `needs-model`. */
  rule: string;
  group: RiskGroup;
}

export const NEEDS_A_MODEL = "needs a model";

/**
 * Deterministic, and decided only by rules it can name: the built-in risk rules with Codex's default thresholds
 * (critical → deny, low → allow, high → allow only with the user's explicit request, none → deny), and tenant policy
 * lines that name the action in a code span. Whatever needs judgement (partial authorization, medium risk, secrets
 * with a user's blessing) is an abstention, never a guess.
 */
export function baselineReview(input: BaselineInput): BaselineAssessment {
  const finding = classify(input.action);
  const facts = factsOf(input.action);
  const auth = authorizationFrom(input.action, input.transcript ?? []);
  const head = `the action ${finding.says} (${RISK_GROUP_LABELS[finding.group].toLowerCase()}, ${finding.risk} risk)`;
  const base = { risk_level: finding.risk, user_authorization: auth, group: finding.group };
  const decide = (outcome: "allow" | "deny", rule: string, why: string): BaselineAssessment => ({ ...base, outcome, rule, rationale: `Rule ${rule}: ${head}; ${why}.` });
  const abstain = (why: string): BaselineAssessment => ({ ...base, outcome: "abstain", rule: "needs-model", rationale: `Abstained (${NEEDS_A_MODEL}): ${head}; ${why}.` });

  const matching = policyRules(input.policy).filter((r) => r.spans.some((s) => spanMatches(s, facts)));
  const deny = matching.find((r) => r.stance === "deny");
  if (deny) return decide("deny", "policy-deny", `the policy says "${quote(deny.text)}"`);
  if (finding.risk === "critical") return decide("deny", finding.rule, "critical risk is always denied");
  const allow = matching.find((r) => r.stance === "allow");
  if (allow) return decide("allow", "policy-allow", `the policy says "${quote(allow.text)}"`);
  if (finding.risk === "low") return decide("allow", finding.rule, "low risk is allowed by default and no policy rule names it");
  if (finding.risk === "high") {
    if (auth === "unknown") return decide("deny", finding.rule, "high risk needs the user's authorization and the transcript has no user turn");
    if (auth === "high") {
      if (finding.group === "data_exfiltration" || finding.group === "credential_probing") {
        return abstain("the user asked for exactly this, but whether the data is secret or private (denied even then) needs judgement");
      }
      return decide("allow", finding.rule, "the user asked for exactly this command, which authorizes high risk");
    }
    return abstain("whether the user's request authorizes this high-risk action needs judgement");
  }
  // Medium risk: allowed by default unless the context or the policy's prose says otherwise, which takes judgement.
  if (auth === "high") return decide("allow", finding.rule, "medium risk, and the user asked for exactly this command");
  return abstain("medium risk is allowed unless the policy's prose or the context forbids it, which takes judgement");
}
