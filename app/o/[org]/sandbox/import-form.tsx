"use client";

import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { inputCls, secondaryBtn } from "@/components/sandbox/ui";
import { importSamplesAction } from "./actions";

/** Import a JSON file of samples (an export, or a bare array). All or nothing: one invalid sample refuses the file. */
export function ImportForm({ org }: { org: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  return (
    <form aria-label="Import samples" className="flex flex-wrap items-end gap-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const data = new FormData(form);
        const file = data.get("file");
        if (!(file instanceof File) || file.size === 0) return setMessage({ ok: false, text: "Choose a JSON file to import." });
        start(async () => {
          setMessage(null);
          const r = await importSamplesAction(org, { json: await file.text(), mode: data.get("mode") === "replace" ? "replace" : "skip" });
          if (!r.ok) return setMessage({ ok: false, text: r.error.message });
          setMessage({ ok: true, text: `Imported: ${r.data.created} new, ${r.data.replaced} replaced, ${r.data.skipped} skipped (name exists).` });
          form.reset();
          router.refresh();
        });
      }}>
      <div className="space-y-1">
        <label htmlFor="import-file" className="block text-xs font-medium">Import samples (JSON)</label>
        <input id="import-file" name="file" type="file" accept="application/json,.json" className="text-sm" />
      </div>
      <div className="space-y-1">
        <label htmlFor="import-mode" className="block text-xs font-medium">When a name exists</label>
        <select id="import-mode" name="mode" className={inputCls} defaultValue="skip">
          <option value="skip">keep mine (skip)</option>
          <option value="replace">replace with the file&apos;s</option>
        </select>
      </div>
      <button type="submit" className={secondaryBtn} disabled={pending}>{pending ? "Importing…" : "Import"}</button>
      {message ? <p role={message.ok ? "status" : "alert"} className={message.ok ? "w-full text-sm text-emerald-800" : "w-full rounded-md border border-danger/30 bg-danger/5 px-3 py-2 text-sm text-danger"}>{message.text}</p> : null}
    </form>
  );
}
