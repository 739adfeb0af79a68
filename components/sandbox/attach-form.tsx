"use client";

import { useState, useTransition } from "react";
import { inputCls, linkCls, secondaryBtn } from "./ui";
import type { ActionResult } from "@/lib/ops/action";

type Attach = (slug: string, input: { changeRequest: number; runId: string; compareWith?: string }) => Promise<ActionResult<{ id: string; label: string }>>;

/** Attach a run or a comparison to an open change request as sandbox evidence. */
export function AttachForm({ org, runId, compareWith, changes, attach }: { org: string; runId: string; compareWith?: string; changes: { number: number; title: string }[]; attach: Attach }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string; number?: number } | null>(null);
  const [pending, start] = useTransition();
  if (changes.length === 0) return <p className="text-sm text-muted">No open change request to attach this to.</p>;
  return (
    <form aria-label="Attach as evidence" className="flex flex-wrap items-end gap-2 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        const number = Number(new FormData(e.currentTarget).get("changeRequest"));
        start(async () => {
          setMessage(null);
          const r = await attach(org, { changeRequest: number, runId, compareWith });
          setMessage(r.ok ? { ok: true, text: `Attached to change request #${number}.`, number } : { ok: false, text: r.error.message });
        });
      }}>
      <div className="space-y-1">
        <label htmlFor={`attach-${runId}`} className="block text-xs font-medium">Change request</label>
        <select id={`attach-${runId}`} name="changeRequest" className={inputCls}>
          {changes.map((c) => <option key={c.number} value={c.number}>{`#${c.number} ${c.title}`}</option>)}
        </select>
      </div>
      <button type="submit" className={secondaryBtn} disabled={pending}>{pending ? "Attaching…" : compareWith ? "Attach comparison" : "Attach run"}</button>
      {message ? (
        <p role={message.ok ? "status" : "alert"} className={message.ok ? "w-full text-emerald-800" : "w-full rounded-md border border-danger/30 bg-danger/5 px-3 py-2 text-danger"}>
          {message.text} {message.number ? <a className={linkCls} href={`/o/${org}/changes/${message.number}`}>Open it</a> : null}
        </p>
      ) : null}
    </form>
  );
}
