/*
 * Full replay fidelity: the exact request Codex sent its reviewer, read from the reviewer's own session file. Codex
 * writes every thread, the Auto-review's included, to CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl; the reviewer's
 * session starts with `session_meta` {thread_source: "guardian_review", parent_thread_id: <the reviewed conversation>}
 * and holds one turn per review (`task_started` with turn_attribution.parent_turn_id = the reviewed turn), whose user
 * message carrying the approval request is what the model read. Only read when the org asks for it; the text is masked
 * like the rest of the decision before it leaves the host.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export interface ReviewRequest {
  /** The reviewed conversation (the reviewer session's parent thread). */
  conversationId: string;
  /** The reviewed turn (null when Codex did not say). */
  parentTurnId: string | null;
  /** When the reviewer's turn started (ISO). */
  startedAt: string;
  /** The user message of the review, its text parts joined: what the model was asked. */
  text: string;
}

const APPROVAL_MARKER = ">>> APPROVAL REQUEST START";

type Line = { timestamp?: string; type?: string; payload?: Record<string, unknown> };

function parse(line: string): Line | null {
  try {
    return JSON.parse(line) as Line;
  } catch {
    return null; // a line Codex is still writing
  }
}

function messageText(payload: Record<string, unknown>): string {
  const content = Array.isArray(payload.content) ? (payload.content as { type?: string; text?: string }[]) : [];
  return content.filter((c) => c.type === "input_text" && typeof c.text === "string").map((c) => c.text).join("");
}

/** The reviews of one session file; [] when it is not a reviewer's session. */
export function reviewRequestsOf(jsonl: string): ReviewRequest[] {
  const lines = jsonl.split("\n");
  const meta = parse(lines[0] ?? "");
  const m = meta?.type === "session_meta" ? meta.payload : undefined;
  if (!m || m.thread_source !== "guardian_review" || typeof m.parent_thread_id !== "string") return [];
  const conversationId = m.parent_thread_id;
  const out: ReviewRequest[] = [];
  let turn: { parentTurnId: string | null; startedAt: string; users: string[] } | null = null;
  const close = () => {
    if (!turn || !turn.users.length) return;
    const text = turn.users.find((u) => u.includes(APPROVAL_MARKER)) ?? turn.users[turn.users.length - 1];
    out.push({ conversationId, parentTurnId: turn.parentTurnId, startedAt: turn.startedAt, text });
  };
  for (const raw of lines.slice(1)) {
    const l = raw.trim() ? parse(raw) : null;
    const p = l?.payload;
    if (!l || !p) continue;
    if (l.type === "event_msg" && p.type === "task_started") {
      close();
      const attribution = (p.turn_attribution ?? {}) as { parent_turn_id?: unknown };
      turn = { parentTurnId: typeof attribution.parent_turn_id === "string" ? attribution.parent_turn_id : null, startedAt: l.timestamp ?? "", users: [] };
    } else if (turn && l.type === "response_item" && p.type === "message" && p.role === "user") {
      const text = messageText(p);
      if (text) turn.users.push(text);
    }
  }
  close();
  return out;
}

/**
 * Finds the request of one review under `sessionsDir`: a reviewer session of the decision's conversation, the turn
 * that reviewed the decision's turn, the latest one started before the decision (a follow-up review of the same
 * turn replaces the first). Looks only at files changed since a day before the decision. Null when none is found.
 */
export class SessionReader {
  private readonly cache = new Map<string, { mtimeMs: number; requests: ReviewRequest[] }>();

  constructor(private readonly sessionsDir: string) {}

  find(decision: { conversationId: string; turnId: string | null; occurredAt: string }): string | null {
    const at = Date.parse(decision.occurredAt);
    let best: ReviewRequest | null = null;
    for (const file of this.files(at - 86_400_000)) {
      for (const r of this.requests(file)) {
        if (r.conversationId !== decision.conversationId) continue;
        if (decision.turnId && r.parentTurnId && r.parentTurnId !== decision.turnId) continue;
        const started = Date.parse(r.startedAt);
        if (Number.isFinite(at) && Number.isFinite(started) && started > at) continue;
        if (!best || Date.parse(best.startedAt) <= started) best = r;
      }
    }
    return best?.text ?? null;
  }

  private requests(file: { path: string; mtimeMs: number }): ReviewRequest[] {
    const hit = this.cache.get(file.path);
    if (hit && hit.mtimeMs === file.mtimeMs) return hit.requests;
    let requests: ReviewRequest[] = [];
    try {
      const text = readFileSync(file.path, "utf8");
      // Most sessions are the user's own: skip them without parsing every line.
      if (text.slice(0, 64 * 1024).includes('"guardian_review"')) requests = reviewRequestsOf(text);
    } catch {
      /* gone meanwhile */
    }
    this.cache.set(file.path, { mtimeMs: file.mtimeMs, requests });
    return requests;
  }

  private files(since: number): { path: string; mtimeMs: number }[] {
    const out: { path: string; mtimeMs: number }[] = [];
    const walk = (dir: string, depth: number) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const full = path.join(dir, e.name);
        if (e.isDirectory() && depth < 4) walk(full, depth + 1);
        else if (e.isFile() && e.name.startsWith("rollout-") && e.name.endsWith(".jsonl")) {
          try {
            const { mtimeMs } = statSync(full);
            if (mtimeMs >= since) out.push({ path: full, mtimeMs });
          } catch {
            /* gone meanwhile */
          }
        }
      }
    };
    walk(this.sessionsDir, 0);
    return out;
  }
}
