/**
 * Benchmark: main-thread work per keystroke in the console's TOML editor on a 256 KiB requirements.toml, beside a plain
 * <textarea> holding the same text, in the same browser in the same run. Chromium's own accounting (CDP
 * Performance.getMetrics of the renderer's main thread: ThreadTime, its CPU time, and TaskDuration, the wall time of
 * its tasks) is read before and after typing 60 characters at 80 ms intervals, so everything a keystroke causes is
 * counted: CodeMirror, React, the form, the
 * diagnostics once typing pauses (the editor checks the text in a Web Worker, whose time is not the main thread's).
 * Target: under 16 ms of CPU per keystroke (one frame at 60 Hz). CPU time is the figure judged because wall time grows
 * with whatever else the machine runs (a busy CI host stretches a 1 s task to 4 s of wall time); both are printed. Before the typing, one click on a form checkbox: the time
 * until the TOML editor shows the changed line.
 *
 * Where the time goes: `CHARTER_BENCH_PROFILE=1 npm run bench -- editor` also prints the editor's main-thread time
 * per keystroke by kind of work (script, style, layout, paint…, from a Chromium trace) and the functions with the most
 * self time (from a sampling profile; production names are minified, so each is given with its chunk and column).
 *
 * Run alone: `npx tsx tests/bench/editor.bench.ts`. It starts `npm start` on a scratch embedded PostgreSQL (building the
 * console first when sources changed) and uses Debian's chromium (CHROMIUM_PATH to change).
 */
import { chromium, type Browser, type Page } from "@playwright/test";
import { testRequest } from "../support/request";
import { ownerContext, startScratchCharter, type ScratchCharter } from "./scratch-server";

const KEYS = 60;
const INTERVAL_MS = 80;
const TARGET_MS = 16;

/** A valid requirements.toml of about 256 KiB: the usual keys, then many MCP server identities. */
function bigToml(): string {
  let text = `allowed_approval_policies = ["on-request", "untrusted"]\nallowed_sandbox_modes = ["read-only", "workspace-write"]\nallowed_approvals_reviewers = ["user", "auto_review"]\n\n`;
  for (let i = 0; text.length < 256 * 1024; i++) text += `[mcp_servers.server_${i}.identity]\ncommand = "/opt/mcp/server-${i}/bin/serve"\n\n`;
  return text;
}

interface Cost {
  /** CPU time of the main thread, ms per keystroke. */
  cpu: number;
  /** Wall time of the main thread's tasks, ms per keystroke. */
  wall: number;
}

/** Main-thread work spent while typing KEYS characters at a person's pace, per keystroke. */
async function typingCost(page: Page, focus: () => Promise<void>): Promise<Cost> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const taskMs = async () => {
    const metrics = (await cdp.send("Performance.getMetrics")).metrics;
    const ms = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
    return { cpu: ms("ThreadTime"), wall: ms("TaskDuration") };
  };
  await focus();
  await page.keyboard.press("ControlOrMeta+End");
  // Settle whatever focusing caused, then measure typing plus the pause after it (debounced work lands there).
  await page.waitForTimeout(1000);
  const before = await taskMs();
  for (let i = 0; i < KEYS; i++) {
    await page.keyboard.press(i % 10 === 9 ? "Enter" : "x");
    await page.waitForTimeout(INTERVAL_MS);
  }
  await page.waitForTimeout(1000);
  const after = await taskMs();
  return { cpu: (after.cpu - before.cpu) / KEYS, wall: (after.wall - before.wall) / KEYS };
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  args?: { name?: string };
}

/**
 * The main thread's self time by trace event name (a forced layout inside a script counts as layout, not script),
 * per keystroke, largest first.
 */
function traceBreakdown(trace: Buffer): [string, number][] {
  const events = (JSON.parse(trace.toString("utf8")) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain")?.tid;
  const spans = events.filter((e) => e.tid === main && e.ph === "X" && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const self = new Map<string, number>();
  const stack: { end: number; name: string; child: number; dur: number }[] = [];
  const close = (until: number) => {
    while (stack.length && stack[stack.length - 1].end <= until) {
      const top = stack.pop()!;
      self.set(top.name, (self.get(top.name) ?? 0) + top.dur - top.child);
      if (stack.length) stack[stack.length - 1].child += top.dur;
    }
  };
  for (const e of spans) {
    close(e.ts);
    stack.push({ end: e.ts + e.dur!, name: e.name, child: 0, dur: e.dur! });
  }
  close(Infinity);
  return [...self].map(([name, us]): [string, number] => [name, us / 1000 / KEYS]).sort((a, b) => b[1] - a[1]);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

/** Typing in the editor once more, traced and sampled: where its main-thread time goes. */
async function profileTyping(browser: Browser, page: Page, focus: () => Promise<void>) {
  // Two passes: a trace (what kind of work), then a sampling profile (which functions); the sampler would inflate the trace.
  await browser.startTracing(page, { categories: ["devtools.timeline"] });
  await typingCost(page, focus);
  const trace = await browser.stopTracing();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  await typingCost(page, focus);
  const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  process.stdout.write(`\nwhere the editor's main-thread time goes, ms per keystroke (self time):\n`);
  for (const [name, ms] of traceBreakdown(trace).slice(0, 12)) process.stdout.write(`  ${ms.toFixed(2).padStart(6)}  ${name}\n`);
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const selfMs = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byNode.get(id)!;
    if (f.functionName === "(idle)" || f.functionName === "(program)") return;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop() || ""}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    selfMs.set(key, (selfMs.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  process.stdout.write(`functions with the most self time, ms per keystroke:\n`);
  for (const [key, ms] of [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stdout.write(`  ${(ms / KEYS).toFixed(2).padStart(6)}  ${key}\n`);
}

/** Milliseconds from a click on a form checkbox until the TOML editor draws the line it changed, and the main thread's CPU time meanwhile. */
async function checkboxToToml(page: Page): Promise<{ ms: number; cpu: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const cpu = async () => ((await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "ThreadTime")?.value ?? 0) * 1000;
  await page.getByRole("textbox", { name: "requirements.toml", exact: true }).click();
  await page.keyboard.press("ControlOrMeta+Home"); // line 1 (the list's key) is drawn
  await page.getByRole("tab", { name: "Common keys" }).click();
  const box = page.getByTestId("list-allowed_approval_policies").getByRole("checkbox", { name: "Allow never" });
  await box.waitFor();
  await page.waitForTimeout(1000);
  const before = await cpu();
  // A string, not a function: tsx would wrap named functions in a helper the page does not have.
  const ms = await page.evaluate<number>(`new Promise((resolve) => {
    const box = document.querySelector('[data-testid="list-allowed_approval_policies"] input[aria-label="Allow never"]');
    const firstLine = () => document.querySelector('[data-testid="editor-toml"] .cm-line')?.textContent ?? "";
    const start = performance.now();
    box.click();
    const poll = () => (firstLine().includes('"never"') ? resolve(performance.now() - start) : requestAnimationFrame(poll));
    poll();
  })`);
  return { ms, cpu: (await cpu()) - before };
}

async function main() {
  let server: ScratchCharter | undefined;
  try {
    server = await startScratchCharter({ name: "editor" });
    const { port, password } = server;

    const text = bigToml();
    const { saveDraft, getDraft } = await import("../../lib/policies");
    const { db, ctx } = await ownerContext(server.databaseUrl, "policy:edit");
    await saveDraft(db, ctx, { toml: text, baseRevision: (await getDraft(db, ctx))?.revision ?? 0 }, testRequest);
    await db.$disconnect();

    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
    try {
      const base = `http://127.0.0.1:${port}`;
      // Baseline: a plain textarea with the same 256 KiB.
      const plain = await browser.newPage();
      await plain.setContent(`<textarea id="t" style="width:100%;height:600px"></textarea>`);
      await plain.$eval("#t", (el, value) => ((el as HTMLTextAreaElement).value = value), text);
      const textarea = await typingCost(plain, () => plain.click("#t"));
      await plain.close();

      const page = await browser.newPage();
      page.on("dialog", (d) => void d.accept());
      await page.goto(`${base}/signin`);
      await page.getByLabel("Email").fill("owner@acme.example");
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/o\/acme\//);
      await page.goto(`${base}/o/acme/requirements`);
      const editor = page.getByRole("textbox", { name: "requirements.toml", exact: true });
      await editor.waitFor();
      // The checkbox first: the typing below leaves the file unparseable (bare words), which hides the form.
      const checkbox = await checkboxToToml(page);
      const editorCost = await typingCost(page, () => editor.click());

      const line = (name: string, c: Cost) => `${name.padEnd(28)} ${c.cpu.toFixed(1).padStart(6)} ms main-thread CPU per keystroke (${c.wall.toFixed(1)} ms wall)`;
      process.stdout.write(`256 KiB requirements.toml, ${KEYS} keystrokes at ${INTERVAL_MS} ms\n`);
      process.stdout.write(`${line("plain <textarea>", textarea)}\n${line("console TOML editor", editorCost)}\n`);
      process.stdout.write(`ratio editor / textarea: ${(editorCost.cpu / Math.max(textarea.cpu, 0.01)).toFixed(2)}x CPU, ${(editorCost.wall / Math.max(textarea.wall, 0.01)).toFixed(2)}x wall; target < ${TARGET_MS} ms CPU: ${editorCost.cpu < TARGET_MS ? "met" : "NOT met"}\n`);
      process.stdout.write(`form checkbox -> TOML line drawn: ${checkbox.ms.toFixed(0)} ms (${checkbox.cpu.toFixed(0)} ms of main-thread CPU; the patch and its proof run in a worker)\n`);
      if (process.env.CHARTER_BENCH_PROFILE) await profileTyping(browser, page, () => editor.click());
    } finally {
      await browser.close();
    }
  } finally {
    await server?.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
