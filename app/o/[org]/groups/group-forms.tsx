"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorLine } from "@/components/ui/error-line";
import { inputCls, primaryBtn } from "@/components/ui/styles";
import { useConsoleActions } from "@/components/ui/use-console-actions";
import { createGroupAction } from "./actions";

export function CreateGroupForm({ org }: { org: string }) {
  const router = useRouter();
  const { error, pending, submit } = useConsoleActions();
  const [name, setName] = useState("");
  const [priority, setPriority] = useState("0");
  const [os, setOs] = useState("");
  const [codex, setCodex] = useState("");
  const [hostname, setHostname] = useState("");
  return (
    <form
      className="grid max-w-3xl grid-cols-2 gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        const rules = { ...(os ? { os: os.split(/[\s,]+/).filter(Boolean) as ("linux" | "darwin" | "win32")[] } : {}), ...(codex ? { codexVersion: codex } : {}), ...(hostname ? { hostnamePattern: hostname } : {}) };
        submit(
          () => createGroupAction(org, { name, priority: Number(priority), rules: Object.keys(rules).length ? rules : null }),
          (g) => router.push(`/o/${org}/groups/${encodeURIComponent(String(g.name))}`),
        );
      }}
    >
      <label className="flex flex-col gap-1 text-sm">
        Name
        <input className={inputCls} value={name} onChange={(e) => setName(e.target.value)} required placeholder="contractors" />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Priority
        <input className={inputCls} type="number" value={priority} onChange={(e) => setPriority(e.target.value)} />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Rule: OS (linux, darwin, win32)
        <input className={inputCls} value={os} onChange={(e) => setOs(e.target.value)} placeholder="optional" />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Rule: Codex version range
        <input className={inputCls} value={codex} onChange={(e) => setCodex(e.target.value)} placeholder='optional, e.g. ">=0.169.0"' />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Rule: host name pattern
        <input className={inputCls} value={hostname} onChange={(e) => setHostname(e.target.value)} placeholder="optional, e.g. ext-*" />
      </label>
      <div className="col-span-2 space-y-2">
        <ErrorLine message={error} />
        <button className={primaryBtn} disabled={pending}>Create group</button>
      </div>
    </form>
  );
}
