/**
 * Benchmark: validating a realistic 256 KiB requirements file, beside a plain smol-toml parse of the same text.
 * Run alone with `npx tsx tests/bench/requirements.bench.ts`; `benchRequirements()` returns the same lines for a runner.
 */
import { parse } from "smol-toml";
import { validateRequirements } from "../../lib/requirements/index";

const TARGET_BYTES = 256 * 1024;

/** A file shaped like a large org's: allowlists, a long policy, MCP servers, apps, network rules and many prefix rules. */
export function generateRequirements(targetBytes = TARGET_BYTES): string {
  const head = [
    'allowed_approval_policies = ["on-request", "untrusted", { granular = { sandbox_approval = true, rules = true, mcp_elicitations = false } }]',
    'allowed_approvals_reviewers = ["user", "auto_review"]',
    'allowed_sandbox_modes = ["read-only", "workspace-write"]',
    'allowed_web_search_modes = ["cached"]',
    'enforce_residency = "us"',
    `guardian_policy_config = """\n${"## Tenant rules\n- Never send customer data to third parties.\n- Pushes to protected branches need explicit approval.\n".repeat(60)}"""`,
    "[features]",
    "web_search_request = false",
    "[experimental_network]",
    "enabled = true",
    "http_port = 3128",
  ];
  const parts = [head.join("\n"), "[experimental_network.domains]"];
  for (let i = 0; i < 300; i++) parts.push(`"svc${i}.corp.example" = "allow"`);
  for (let i = 0; i < 200; i++) parts.push(`[mcp_servers.server${i}.identity]\ncommand = "/opt/mcp/server${i}"`);
  for (let i = 0; i < 200; i++) parts.push(`[apps.app${i}]\nenabled = ${i % 3 !== 0}\n[apps.app${i}.tools.search]\napproval_mode = "prompt"`);
  let text = parts.join("\n") + "\n";
  for (let i = 0; text.length < targetBytes; i++) {
    text += `[[rules.prefix_rules]]\npattern = [{ token = "tool${i}" }, { any_of = ["deploy", "publish", "delete"] }]\ndecision = "${i % 2 ? "prompt" : "forbidden"}"\njustification = "Rule ${i}: needs review."\n`;
  }
  return text;
}

function median(fn: () => unknown, runs: number): number {
  for (let i = 0; i < 5; i++) fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function benchRequirements(runs = 30): Promise<{ name: string; lines: string[] }> {
  const text = generateRequirements();
  const result = validateRequirements(text);
  if (!result.valid) throw new Error(`generated file should be valid: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
  const baseline = median(() => parse(text, { integersAsBigInt: true }), runs);
  const full = median(() => validateRequirements(text), runs);
  return {
    name: "requirements validation (256 KiB)",
    lines: [
      `file: ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB, ${text.split("\n").length} lines, median of ${runs} runs`,
      `smol-toml parse (baseline): ${baseline.toFixed(2)} ms`,
      `validateRequirements:       ${full.toFixed(2)} ms`,
      `ratio validate / parse:     ${(full / baseline).toFixed(2)}x (budget: well under 50 ms)`,
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { name, lines } = await benchRequirements();
  console.log(name);
  for (const l of lines) console.log(`  ${l}`);
}
