/**
 * Benchmark: validating a realistic 256 KiB requirements file, beside a plain smol-toml parse of the same text; then
 * 1 MiB of each pathological shape (what the admin API's validate, save and publish receive at most), which must stay
 * within 20x of smol-toml parsing the same bytes and never block the event loop for 100 ms (measured while the request runs,
 * through the worker threads of lib/server/off-loop.ts). Run alone with `npx tsx tests/bench/requirements.bench.ts`; `benchRequirements()` returns the same lines for a runner.
 */
import { parse } from "smol-toml";
import { KNOWN_CODEX_VERSIONS, validateForFleet, validateRequirements } from "../../lib/requirements/index";
import { findLimitViolation, REQUIREMENTS_LIMITS } from "../../lib/requirements/limits";
import { createDocPool, type DocPool } from "../../lib/server/off-loop";
import { monitorEventLoopDelay } from "node:perf_hooks";

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

const MiB = 1024 * 1024;
/** Repeats `line(i)` until the text is as close to 1 MiB as the lines allow. */
const fill = (line: (i: number) => string) => {
  let text = "";
  for (let i = 0; ; i++) {
    const next = line(i);
    if (text.length + next.length > MiB) return text;
    text += next;
  }
};
const { keyLength, depth } = REQUIREMENTS_LIMITS;
/** 1 MiB of each shape an attacker reaches for: once as one huge construct, once as many at the limit. */
export const PATHOLOGICAL: Record<string, () => string> = {
  "one long quoted key": () => `"${"k".repeat(MiB - 8)}" = 1\n`,
  "long keys at the limit": () => fill((i) => `"${String(i).padEnd(keyLength - 2, "k")}" = ${i}\n`),
  "one deep dotted key": () => `a${".a".repeat((MiB - 6) / 2)} = 1\n`,
  "dotted keys at the depth limit": () => fill((i) => `k${i}${".a".repeat(depth - 1)} = 1\n`),
  "one deep array": () => `a = ${"[".repeat(MiB / 2 - 3)}${"]".repeat(MiB / 2 - 3)}\n`,
  "arrays at the depth limit": () => fill((i) => `k${i} = ${"[".repeat(depth - 1)}${i}${"]".repeat(depth - 1)}\n`),
  "many tables": () => fill((i) => `[t${i}]\n`),
  "many keys": () => fill((i) => `k${i} = ${i}\n`),
};

/** Documents inside every limit but as large as they allow: held to the same ratio and the same 100 ms block. */
const WITHIN_LIMITS: Record<string, () => string> = {
  "unknown keys up to the count limit": () => Array.from({ length: REQUIREMENTS_LIMITS.keys }, (_, i) => `k${i} = ${i}\n`).join(""),
};

/** The longest single synchronous run (what one request holds the event loop for) and the median. */
function timings(fn: () => unknown, runs: number): { median: number; max: number } {
  for (let i = 0; i < 3; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], max: times[times.length - 1] };
}

/**
 * What one request does to the event loop, measured while it runs: the validate endpoint (and publish, change requests)
 * checks the text against every known Codex version through lib/server/off-loop.ts and serialises the answer; saving a
 * draft summarises the change. Returns the longest the loop was held (a 1 ms timer's worst lateness) over `runs`.
 */
async function requestBlock(pool: DocPool, text: string, runs: number): Promise<{ block: number; wall: number }> {
  const request = async () => {
    const verdict = await pool.run({ kind: "fleet", text, versions: KNOWN_CODEX_VERSIONS });
    JSON.stringify({ valid: verdict.valid, diagnostics: verdict.diagnostics, versions: verdict.versions });
    await pool.run({ kind: "summary", before: "", after: text });
  };
  await request(); // starts the workers
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let block = 0;
  let wall = 0;
  for (let i = 0; i < runs; i++) {
    delay.reset();
    delay.enable();
    const t0 = performance.now();
    await request();
    wall = Math.max(wall, performance.now() - t0);
    delay.disable();
    block = Math.max(block, delay.max / 1e6);
  }
  return { block, wall };
}

export const MAX_RATIO = 20;
export const MAX_BLOCK_MS = 100;

export async function benchPathological(runs = 10): Promise<{ name: string; lines: string[]; ok: boolean }> {
  const lines: string[] = [];
  let ok = true;
  const pool = createDocPool();
  try {
    for (const [shape, make] of [...Object.entries(PATHOLOGICAL), ...Object.entries(WITHIN_LIMITS)]) {
      const text = make();
      const parsed = timings(() => {
        try {
          parse(text, { integersAsBigInt: true });
        } catch {
          // smol-toml refuses deep arrays itself; the time it took is still the baseline.
        }
      }, runs);
      const validated = timings(() => validateRequirements(text), runs);
      const inline = timings(() => validateForFleet(text), 3);
      const request = await requestBlock(pool, text, Math.max(3, Math.floor(runs / 2)));
      const ratio = validated.median / parsed.median;
      const good = ratio <= MAX_RATIO && request.block < MAX_BLOCK_MS;
      ok &&= good;
      const limit = findLimitViolation(text)?.limit ?? "none";
      lines.push(
        `${good ? "ok  " : "OVER"} ${shape.padEnd(34)} ${(text.length / 1024).toFixed(0).padStart(4)} KiB  limit hit: ${limit.padEnd(9)} ` +
          `smol-toml ${parsed.median.toFixed(1)} ms, validate ${validated.median.toFixed(1)} ms, ratio ${ratio.toFixed(2)}x; ` +
          `${KNOWN_CODEX_VERSIONS.length} versions inline ${inline.max.toFixed(1)} ms; per request longest event-loop block ${request.block.toFixed(1)} ms (request took ${request.wall.toFixed(0)} ms)`,
      );
    }
  } finally {
    await pool.close();
  }
  lines.push(
    `budget: ratio <= ${MAX_RATIO}x smol-toml on the same bytes; longest event-loop block per request (validate + save summary, through lib/server/off-loop.ts) < ${MAX_BLOCK_MS} ms`,
  );
  return { name: "requirements validation, 1 MiB pathological shapes and the largest document within the limits", lines, ok };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { name, lines } = await benchRequirements();
  console.log(name);
  for (const l of lines) console.log(`  ${l}`);
  const worst = await benchPathological();
  console.log(worst.name);
  for (const l of worst.lines) console.log(`  ${l}`);
  if (!worst.ok) process.exitCode = 1;
}
