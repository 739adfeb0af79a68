"use client";

import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { SampleView } from "@/lib/sandbox";
import { inputCls, primaryBtn, secondaryBtn } from "@/components/sandbox/ui";
import { createSampleAction, updateSampleAction } from "./actions";
import { ErrorLine } from "@/components/ui/error-line";

const NEW_ACTION = `{
  "tool": "shell",
  "command": ["bash", "-lc", "npm test"],
  "cwd": "/home/dev/src/app",
  "sandbox_permissions": "require_escalated",
  "justification": "The tests need network access."
}`;

/** Create or edit one sample. The action and transcript are JSON, checked on the server against Codex's shapes. */
export function SampleEditor({ org, sample, onClose }: { org: string; sample: SampleView | null; onClose: () => void }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const id = sample?.id ?? "new";
  return (
    <form aria-label={sample ? `Edit sample ${sample.name}` : "New sample"} className="space-y-3 rounded-lg border border-accent/40 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        let action: unknown;
        let transcript: unknown = null;
        try {
          action = JSON.parse(String(data.get("action") ?? ""));
        } catch (err) {
          return setError(`Action JSON does not parse: ${(err as Error).message}`);
        }
        const t = String(data.get("transcript") ?? "").trim();
        if (t) {
          try {
            transcript = JSON.parse(t);
          } catch (err) {
            return setError(`Transcript JSON does not parse: ${(err as Error).message}`);
          }
        }
        const expected = String(data.get("expected") ?? "");
        start(async () => {
          setError(null);
          const input = {
            name: String(data.get("name") ?? ""),
            action: action as never,
            transcript: transcript as never,
            retryReason: String(data.get("retryReason") ?? "") || null,
            expectedOutcome: expected === "allow" || expected === "deny" ? (expected as "allow" | "deny") : null,
            tags: String(data.get("tags") ?? "").split(",").map((x) => x.trim()).filter(Boolean),
            notes: String(data.get("notes") ?? ""),
          };
          const r = sample ? await updateSampleAction(org, { ...input, id: sample.id }) : await createSampleAction(org, input);
          if (!r.ok) {
            const details = Array.isArray(r.error.details) ? (r.error.details as { path: string; message: string }[]).slice(0, 5).map((d) => `${d.path}: ${d.message}`).join("; ") : "";
            return setError(details && !r.error.message.includes(details) ? `${r.error.message} (${details})` : r.error.message);
          }
          onClose();
          router.refresh();
        });
      }}>
      <h3 className="text-sm font-semibold">{sample ? `Edit ${sample.name}` : "New sample"}</h3>
      <div className="flex flex-wrap gap-3">
        <div className="space-y-1">
          <label htmlFor={`s-name-${id}`} className="block text-xs font-medium">Name</label>
          <input id={`s-name-${id}`} name="name" required defaultValue={sample?.name ?? ""} className={`${inputCls} w-64`} placeholder="force-push-main" />
        </div>
        <div className="space-y-1">
          <label htmlFor={`s-expected-${id}`} className="block text-xs font-medium">Expected outcome</label>
          <select id={`s-expected-${id}`} name="expected" defaultValue={sample?.expectedOutcome ?? ""} className={inputCls}>
            <option value="">none</option>
            <option value="allow">allow</option>
            <option value="deny">deny</option>
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor={`s-tags-${id}`} className="block text-xs font-medium">Tags (comma-separated)</label>
          <input id={`s-tags-${id}`} name="tags" defaultValue={sample?.tags.join(", ") ?? ""} className={`${inputCls} w-72`} placeholder="destructive, git" />
        </div>
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor={`s-action-${id}`} className="block text-xs font-medium">Planned action JSON (one of shell, exec_command, apply_patch, network_access, mcp_tool_call, request_permissions)</label>
          <textarea id={`s-action-${id}`} name="action" required rows={12} spellCheck={false} className={`${inputCls} w-full font-mono text-xs`} defaultValue={sample ? JSON.stringify(sample.action, null, 2) : NEW_ACTION} />
        </div>
        <div className="space-y-1">
          <label htmlFor={`s-transcript-${id}`} className="block text-xs font-medium">Transcript JSON (optional): [{`{"role": "user", "text": "…"}`}, …]</label>
          <textarea id={`s-transcript-${id}`} name="transcript" rows={12} spellCheck={false} className={`${inputCls} w-full font-mono text-xs`} defaultValue={sample?.transcript ? JSON.stringify(sample.transcript, null, 2) : ""} />
        </div>
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor={`s-retry-${id}`} className="block text-xs font-medium">Retry reason (optional)</label>
          <input id={`s-retry-${id}`} name="retryReason" defaultValue={sample?.retryReason ?? ""} className={`${inputCls} w-full`} />
        </div>
        <div className="space-y-1">
          <label htmlFor={`s-notes-${id}`} className="block text-xs font-medium">Notes</label>
          <input id={`s-notes-${id}`} name="notes" defaultValue={sample?.notes ?? ""} className={`${inputCls} w-full`} />
        </div>
      </div>
      <ErrorLine message={error} />
      <div className="flex gap-2">
        <button type="submit" className={primaryBtn} disabled={pending}>{pending ? "Saving…" : "Save sample"}</button>
        <button type="button" className={secondaryBtn} onClick={onClose}>Cancel</button>
      </div>
    </form>
  );
}
