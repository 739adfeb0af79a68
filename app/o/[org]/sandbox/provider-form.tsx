"use client";

import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { ProviderSettingsView } from "@/lib/sandbox";
import { inputCls, primaryBtn } from "@/components/sandbox/ui";
import { saveProviderAction } from "./actions";

type Current = Omit<ProviderSettingsView, "updatedAt"> & { updatedAt: string | null };

/** The org's OpenAI-compatible provider. The key field is write-only: leave it empty to keep the stored key. */
export function ProviderForm({ org, current }: { org: string; current: Current }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  return (
    <form aria-label="Provider settings" className="space-y-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const data = new FormData(form);
        start(async () => {
          setMessage(null);
          const r = await saveProviderAction(org, {
            baseUrl: String(data.get("baseUrl") ?? ""),
            model: String(data.get("model") ?? ""),
            apiKey: String(data.get("apiKey") ?? "") || undefined,
            clearApiKey: data.get("clearApiKey") === "on",
            instructionsRole: data.get("instructionsRole") === "developer" ? "developer" : "system",
            responseFormat: (String(data.get("responseFormat")) as "json_schema" | "json_object" | "none") ?? "json_schema",
            timeoutMs: Math.round(Number(data.get("timeoutS") ?? 90) * 1000),
            concurrency: Number(data.get("concurrency") ?? 4),
          });
          if (!r.ok) return setMessage({ ok: false, text: r.error.message });
          (form.elements.namedItem("apiKey") as HTMLInputElement).value = "";
          setMessage({ ok: true, text: `Saved. ${r.data.hasApiKey ? `Key ${r.data.apiKeyHint} stored encrypted.` : "No API key stored."}` });
          router.refresh();
        });
      }}>
      <div className="flex flex-wrap items-end gap-3">
        <div className="space-y-1">
          <label htmlFor="p-base" className="block text-xs font-medium">Base URL</label>
          <input id="p-base" name="baseUrl" required defaultValue={current.baseUrl ?? ""} placeholder="https://api.openai.com/v1" className={`${inputCls} w-80`} />
        </div>
        <div className="space-y-1">
          <label htmlFor="p-model" className="block text-xs font-medium">Model</label>
          <input id="p-model" name="model" required defaultValue={current.model ?? ""} placeholder="codex-auto-review" className={`${inputCls} w-56`} />
        </div>
        <div className="space-y-1">
          <label htmlFor="p-key" className="block text-xs font-medium">API key {current.hasApiKey ? `(stored: ${current.apiKeyHint}; empty keeps it)` : "(none stored)"}</label>
          <input id="p-key" name="apiKey" type="password" autoComplete="off" className={`${inputCls} w-64`} />
        </div>
        {current.hasApiKey ? (
          <label className="flex items-center gap-1.5"><input type="checkbox" name="clearApiKey" /> Remove the stored key</label>
        ) : null}
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <div className="space-y-1">
          <label htmlFor="p-role" className="block text-xs font-medium">Policy prompt sent as</label>
          <select id="p-role" name="instructionsRole" defaultValue={current.instructionsRole} className={inputCls}>
            <option value="system">system message</option>
            <option value="developer">developer message</option>
          </select>
        </div>
        <div className="min-w-0 max-w-full space-y-1">
          <label htmlFor="p-format" className="block text-xs font-medium">Response format</label>
          <select id="p-format" name="responseFormat" defaultValue={current.responseFormat} className={`${inputCls} w-full`}>
            <option value="json_schema">json_schema (Codex&apos;s output schema, strict: false)</option>
            <option value="json_object">json_object</option>
            <option value="none">none (prompt only)</option>
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="p-timeout" className="block text-xs font-medium">Timeout (s)</label>
          <input id="p-timeout" name="timeoutS" type="number" min={1} max={600} step="any" defaultValue={current.timeoutMs / 1000} className={`${inputCls} w-24`} />
        </div>
        <div className="space-y-1">
          <label htmlFor="p-conc" className="block text-xs font-medium">Concurrent reviews</label>
          <input id="p-conc" name="concurrency" type="number" min={1} max={8} defaultValue={current.concurrency} className={`${inputCls} w-20`} />
        </div>
        <button type="submit" className={primaryBtn} disabled={pending}>{pending ? "Saving…" : "Save provider"}</button>
      </div>
      {current.updatedBy ? <p className="text-xs text-muted">Last changed by {current.updatedBy}.</p> : null}
      {message ? <p role={message.ok ? "status" : "alert"} className={message.ok ? "text-emerald-800" : "rounded-md border border-danger/30 bg-danger/5 px-3 py-2 text-danger"}>{message.text}</p> : null}
    </form>
  );
}
