"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorLine } from "@/components/ui/error-line";
import { dangerBtn, inputCls, primaryBtn, secondaryBtn } from "@/components/ui/styles";
import { useConsoleActions } from "@/components/ui/use-console-actions";
import { publishAction } from "@/lib/ops/policy-actions";
import { pauseRolloutAction, promoteRolloutAction, resumeRolloutAction, rollbackRolloutAction } from "./actions";

type RingInput = { name: string; kind: "group" | "percent"; group: string; percent: string };

export function PublishToRings({ org, groups, baseRevision }: { org: string; groups: string[]; baseRevision: number }) {
  const router = useRouter();
  const { error, pending, submit } = useConsoleActions();
  const [note, setNote] = useState("");
  const [rings, setRings] = useState<RingInput[]>([{ name: "canary", kind: "percent", group: groups[0] ?? "", percent: "10" }]);
  const [soak, setSoak] = useState("30");
  const [minInstalled, setMinInstalled] = useState("90");
  const [maxFailure, setMaxFailure] = useState("5");
  const set = (i: number, patch: Partial<RingInput>) => setRings(rings.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        const plan = {
          rings: rings.map((r) => (r.kind === "group" ? { name: r.name, group: r.group } : { name: r.name, percent: Number(r.percent) })),
          gates: { soakMinutes: Number(soak), minInstalledPercent: Number(minInstalled), maxFailurePercent: Number(maxFailure), emptyRingTimeoutMinutes: 60 },
        };
        submit(() => publishAction(org, { note, baseRevision, rollout: plan }), (v) => router.push(`/o/${org}/rollouts/${(v as { number: number }).number}`));
      }}
    >
      {rings.map((r, i) => (
        <fieldset key={i} className="flex flex-wrap items-end gap-2 text-sm">
          <legend className="sr-only">Ring {i + 1}</legend>
          <label className="flex flex-col gap-1">
            Ring {i + 1} name
            <input className={inputCls} value={r.name} onChange={(e) => set(i, { name: e.target.value })} required />
          </label>
          <label className="flex flex-col gap-1">
            Ring {i + 1} hosts
            <select className={inputCls} value={r.kind} onChange={(e) => set(i, { kind: e.target.value as RingInput["kind"] })}>
              <option value="percent">a share of hosts</option>
              <option value="group" disabled={groups.length === 0}>a group</option>
            </select>
          </label>
          {r.kind === "percent" ? (
            <label className="flex flex-col gap-1">
              Ring {i + 1} percent
              <input className={`${inputCls} w-24`} type="number" min={0.01} max={100} step="any" value={r.percent} onChange={(e) => set(i, { percent: e.target.value })} />
            </label>
          ) : (
            <label className="flex flex-col gap-1">
              Ring {i + 1} group
              <select className={inputCls} value={r.group} onChange={(e) => set(i, { group: e.target.value })}>
                {groups.map((g) => <option key={g}>{g}</option>)}
              </select>
            </label>
          )}
          {rings.length > 1 ? <button type="button" className={secondaryBtn} onClick={() => setRings(rings.filter((_, j) => j !== i))}>Remove ring {i + 1}</button> : null}
        </fieldset>
      ))}
      <p className="text-xs text-muted">After the last ring: everyone else.</p>
      <div className="flex flex-wrap items-end gap-2 text-sm">
        <button type="button" className={secondaryBtn} onClick={() => setRings([...rings, { name: `ring ${rings.length + 1}`, kind: "percent", group: groups[0] ?? "", percent: "50" }])}>Add ring</button>
        <label className="flex flex-col gap-1">Soak minutes<input className={`${inputCls} w-24`} type="number" min={0} value={soak} onChange={(e) => setSoak(e.target.value)} /></label>
        <label className="flex flex-col gap-1">Min installed %<input className={`${inputCls} w-24`} type="number" min={0} max={100} value={minInstalled} onChange={(e) => setMinInstalled(e.target.value)} /></label>
        <label className="flex flex-col gap-1">Max failed/drifted %<input className={`${inputCls} w-24`} type="number" min={0} max={100} value={maxFailure} onChange={(e) => setMaxFailure(e.target.value)} /></label>
      </div>
      <label className="flex flex-col gap-1 text-sm">
        Note
        <input className={inputCls} value={note} onChange={(e) => setNote(e.target.value)} required placeholder="Why this version exists" />
      </label>
      <ErrorLine message={error} />
      <button className={primaryBtn} disabled={pending}>Publish to rings</button>
    </form>
  );
}

export function RolloutActions({ org, version, state }: { org: string; version: number; state: string }) {
  const router = useRouter();
  const { error, pending, submit } = useConsoleActions();
  const act = (fn: typeof pauseRolloutAction) => submit(() => fn(org, { version }), () => router.refresh());
  const active = ["running", "paused", "timed_out", "halted"].includes(state);
  if (!active) return null;
  return (
    <div className="mt-2 space-y-2">
      <div className="flex flex-wrap gap-2">
        {state === "running" ? <button type="button" className={secondaryBtn} disabled={pending} onClick={() => act(pauseRolloutAction)}>Pause</button> : null}
        {state === "paused" || state === "timed_out" ? <button type="button" className={secondaryBtn} disabled={pending} onClick={() => act(resumeRolloutAction)}>Resume</button> : null}
        <button type="button" className={primaryBtn} disabled={pending} onClick={() => act(promoteRolloutAction)}>Promote to next ring</button>
        <button type="button" className={dangerBtn} disabled={pending} onClick={() => act(rollbackRolloutAction)}>Roll back</button>
      </div>
      <ErrorLine message={error} />
    </div>
  );
}
