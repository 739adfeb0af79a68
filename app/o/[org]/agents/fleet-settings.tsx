"use client";

import { useState } from "react";
import { ErrorLine } from "@/components/ui/error-line";
import { CreatedSecret } from "@/components/ui/one-time-secret";
import { inputCls, primaryBtn, secondaryBtn, dangerBtn } from "@/components/ui/styles";
import { useConsoleActions } from "@/components/ui/use-console-actions";
import { deleteWebhookAction, saveWebhookAction, updateAgentSettingsAction } from "./actions";

/** Owners: how often hosts check in, and the org webhook notified when a host turns drifted or failed. */
export function FleetSettings({ org, pollSeconds, defaultPollSeconds, webhook }: { org: string; pollSeconds: number | null; defaultPollSeconds: number; webhook: { url: string; enabled: boolean } | null }) {
  const poll = useConsoleActions();
  const hook = useConsoleActions();
  const [saved, setSaved] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <div className="space-y-5">
      <form className="flex flex-wrap items-end gap-3" aria-label="Check-in interval"
        onSubmit={(e) => {
          e.preventDefault();
          const raw = String(new FormData(e.currentTarget).get("poll") ?? "").trim();
          setSaved(null);
          poll.submit(() => updateAgentSettingsAction(org, { pollSeconds: raw === "" ? null : Number(raw) }), () => setSaved("Saved."));
        }}>
        <div className="space-y-1">
          <label htmlFor="poll-seconds" className="block text-xs font-medium">Check-in interval, seconds (empty: server default, {defaultPollSeconds})</label>
          <input id="poll-seconds" name="poll" type="number" min={30} max={86400} defaultValue={pollSeconds ?? ""} placeholder={String(defaultPollSeconds)} className={`${inputCls} w-32`} />
        </div>
        <button type="submit" className={secondaryBtn} disabled={poll.pending}>Save interval</button>
        {saved ? <span role="status" className="text-sm text-muted">{saved}</span> : null}
      </form>
      <ErrorLine message={poll.error} />

      <form className="flex flex-wrap items-end gap-3" aria-label="Webhook"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          setSecret(null);
          hook.submit(() => saveWebhookAction(org, { url: String(data.get("url") ?? ""), enabled: data.get("enabled") === "on", rotateSecret: data.get("rotate") === "on" }), (d) => setSecret(d.secret === null ? null : String(d.secret)));
        }}>
        <div className="space-y-1">
          <label htmlFor="webhook-url" className="block text-xs font-medium">Webhook URL (drifted and failed hosts)</label>
          <input id="webhook-url" name="url" type="url" required defaultValue={webhook?.url ?? ""} placeholder="https://hooks.example.com/charter" className={`${inputCls} w-96`} />
        </div>
        <label className="flex items-center gap-1 text-sm"><input type="checkbox" name="enabled" defaultChecked={webhook?.enabled ?? true} /> Enabled</label>
        {webhook ? <label className="flex items-center gap-1 text-sm"><input type="checkbox" name="rotate" /> New signing secret</label> : null}
        <button type="submit" className={primaryBtn} disabled={hook.pending}>{webhook ? "Save webhook" : "Add webhook"}</button>
        {webhook ? <button type="button" className={dangerBtn} disabled={hook.pending} onClick={() => hook.run(() => deleteWebhookAction(org, {}))}>Remove webhook</button> : null}
      </form>
      <ErrorLine message={hook.error} />
      {secret ? (
        <CreatedSecret label="Webhook signing secret" value={secret} onDone={() => setSecret(null)}
          warning="Copy the signing secret now: receivers check X-Charter-Signature (HMAC-SHA256 of “timestamp.body”) with it. It is shown only once." />
      ) : null}
    </div>
  );
}
