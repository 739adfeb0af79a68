"use client";

import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { ErrorLine } from "@/components/ui/error-line";
import { OneTimeSecret } from "@/components/ui/one-time-secret";
import { dangerBtn, inputCls, primaryBtn, secondaryBtn } from "@/components/ui/styles";
import { addToSamplesAction, createIngestKeyAction, deleteOtlpExportAction, replayInSandboxAction, revokeIngestKeyAction, saveDecisionSettingsAction, saveOtlpExportAction, setGroupCollectionAction, startReplayAction } from "./actions";

/** Replay: which policy, which reviewer, how many real decisions. Opens the replay's page when it starts. */
export function ReplayForm({ org }: { org: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [source, setSource] = useState<"draft" | "version" | "pasted">("draft");
  const [pending, start] = useTransition();
  return (
    <form aria-label="Replay a policy" className="space-y-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const policy = source === "draft" ? { source } : source === "version" ? { source, number: Number(data.get("version")) } : { source, text: String(data.get("text") ?? "") };
        start(async () => {
          setError(null);
          const r = await startReplayAction(org, {
            policy: policy as { source: "draft" },
            provider: (String(data.get("provider")) as "baseline" | "org" | "env") || "baseline",
            lastN: Number(data.get("lastN")),
            sample: Number(data.get("sample")),
          });
          if (!r.ok) return setError(r.error.message);
          router.push(`/o/${org}/decisions/replays/${r.data.runId}`);
        });
      }}>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1">Policy
          <select value={source} onChange={(e) => setSource(e.target.value as typeof source)} className={inputCls} name="source">
            <option value="draft">The draft</option>
            <option value="version">A published version</option>
            <option value="pasted">Pasted text</option>
          </select>
        </label>
        {source === "version" && <label className="flex flex-col gap-1">Version<input name="version" type="number" min={1} required className={`${inputCls} w-24`} /></label>}
        <label className="flex flex-col gap-1">Reviewer
          <select name="provider" defaultValue="baseline" className={inputCls}>
            <option value="baseline">Baseline (built-in rules, no model)</option>
            <option value="org">The org's provider</option>
            <option value="env">The server's OPENAI_* provider</option>
          </select>
        </label>
        <label className="flex flex-col gap-1">From the last<input name="lastN" type="number" min={1} max={100000} defaultValue={1000} className={`${inputCls} w-28`} /></label>
        <label className="flex flex-col gap-1">Replay up to<input name="sample" type="number" min={1} max={500} defaultValue={100} className={`${inputCls} w-24`} /></label>
        <button className={primaryBtn} disabled={pending}>{pending ? "Starting…" : "Replay"}</button>
      </div>
      {source === "pasted" && (
        <label className="flex flex-col gap-1">Tenant policy text<textarea name="text" rows={6} className={`${inputCls} font-mono text-xs`} /></label>
      )}
      <ErrorLine message={error} />
    </form>
  );
}

interface Current {
  collect: boolean;
  relayPort: number;
  retentionDays: number;
  patterns: { name: string; pattern: string }[];
  jsonPaths: string[];
  exactRequests: boolean;
}

/** Collection switch, relay port, retention and the org's masking rules (one `name = regex` per line, one path per line). */
export function CollectionSettings({ org, current }: { org: string; current: Current }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  return (
    <form aria-label="Collection settings" className="space-y-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const patterns = String(data.get("patterns") ?? "").split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
          const at = l.indexOf("=");
          return at > 0 ? { name: l.slice(0, at).trim(), pattern: l.slice(at + 1).trim() } : { name: "", pattern: l };
        });
        start(async () => {
          setMessage(null);
          const r = await saveDecisionSettingsAction(org, {
            collect: data.get("collect") === "on",
            relayPort: Number(data.get("relayPort")),
            retentionDays: Number(data.get("retentionDays")),
            mask: { patterns, jsonPaths: String(data.get("jsonPaths") ?? "").split("\n").map((l) => l.trim()).filter(Boolean) },
            exactRequests: data.get("exactRequests") === "on",
          });
          if (!r.ok) return setMessage({ ok: false, text: r.error.message });
          setMessage({ ok: true, text: r.data.draftRevision ? `Saved. The draft (revision ${r.data.draftRevision}) now ${r.data.collect ? "carries" : "no longer carries"} the [otel] section: review the diff and publish it.` : "Saved." });
          router.refresh();
        });
      }}>
      <label className="flex items-center gap-2"><input type="checkbox" name="collect" defaultChecked={current.collect} /> Collect decisions from hosts</label>
      <label className="flex items-center gap-2"><input type="checkbox" name="exactRequests" defaultChecked={current.exactRequests} /> Full replay fidelity: relays read the reviewer&apos;s session files for the exact request (masked like the rest)</label>
      <div className="flex flex-wrap gap-3">
        <label className="flex flex-col gap-1">Relay port (loopback)<input name="relayPort" type="number" min={1024} max={65535} defaultValue={current.relayPort} className={`${inputCls} w-28`} /></label>
        <label className="flex flex-col gap-1">Keep decisions (days)<input name="retentionDays" type="number" min={1} max={3650} defaultValue={current.retentionDays} className={`${inputCls} w-28`} /></label>
      </div>
      <label className="flex flex-col gap-1">Extra secret patterns, one <code>name = regex</code> per line (common token formats are always masked)
        <textarea name="patterns" rows={3} defaultValue={current.patterns.map((p) => `${p.name} = ${p.pattern}`).join("\n")} className={`${inputCls} font-mono text-xs`} />
      </label>
      <label className="flex flex-col gap-1">JSON paths masked whole, one per line (e.g. <code>arguments.env.API_KEY</code>, <code>*</code> for any key)
        <textarea name="jsonPaths" rows={2} defaultValue={current.jsonPaths.join("\n")} className={`${inputCls} font-mono text-xs`} />
      </label>
      <button className={primaryBtn} disabled={pending}>{pending ? "Saving…" : "Save"}</button>
      {message && (message.ok ? <p role="status" className="text-sm text-emerald-700">{message.text}</p> : <ErrorLine message={message.text} />)}
    </form>
  );
}

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function IngestKeys({ org, keys }: { org: string; keys: KeyRow[] }) {
  const router = useRouter();
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="space-y-3 text-sm">
      <form aria-label="Create an ingest key" className="flex items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const name = String(new FormData(form).get("name") ?? "");
          start(async () => {
            setError(null);
            const r = await createIngestKeyAction(org, { name });
            if (!r.ok) return setError(r.error.message);
            setSecret(r.data.secret);
            form.reset();
            router.refresh();
          });
        }}>
        <label className="flex flex-col gap-1">Name<input name="name" required maxLength={80} className={inputCls} /></label>
        <button className={primaryBtn} disabled={pending}>Create key</button>
      </form>
      {secret && <OneTimeSecret label="Ingest key" value={secret} warning="Copy the key now: Charter keeps only its hash and cannot show it again." />}
      <ErrorLine message={error} />
      {keys.length > 0 && (
        <table className="w-full text-sm" aria-label="Ingest keys">
          <thead className="text-left text-xs text-muted"><tr><th className="py-1">Name</th><th>Prefix</th><th>Created</th><th>Last used</th><th /></tr></thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} className="border-t border-line">
                <td className="py-1.5">{k.name}</td>
                <td className="font-mono text-xs">{k.prefix}…</td>
                <td>{k.createdAt.slice(0, 10)}</td>
                <td>{k.lastUsedAt ? k.lastUsedAt.slice(0, 16).replace("T", " ") : "never"}</td>
                <td className="text-right">
                  {k.revokedAt ? <span className="text-xs text-muted">revoked</span> : (
                    <button type="button" className={dangerBtn} disabled={pending} onClick={() => start(async () => {
                      const r = await revokeIngestKeyAction(org, { id: k.id });
                      if (!r.ok) setError(r.error.message);
                      router.refresh();
                    })}>Revoke</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The detail page's two actions on one real decision. */
export function DecisionActions({ org, id }: { org: string; id: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="space-y-2">
      <div className="flex gap-2">
        <button type="button" className={primaryBtn} disabled={pending} onClick={() => start(async () => {
          setMessage(null);
          const r = await replayInSandboxAction(org, { id });
          if (!r.ok) return setMessage({ ok: false, text: r.error.message });
          router.push(`/o/${org}/sandbox/runs/${r.data.runId}`);
        })}>Replay in sandbox</button>
        <button type="button" className={secondaryBtn} disabled={pending} onClick={() => start(async () => {
          setMessage(null);
          const r = await addToSamplesAction(org, { id });
          setMessage(r.ok ? { ok: true, text: `Added as sample "${r.data.name}".` } : { ok: false, text: r.error.message });
        })}>Add to samples</button>
      </div>
      {message && (message.ok ? <p role="status" className="text-sm text-emerald-700">{message.text}</p> : <ErrorLine message={message.text} />)}
    </div>
  );
}

/** The OTLP/HTTP logs export: endpoint, on/off, and headers (`Name: value` per line; left empty, the saved ones stay). */
export function OtlpExportSettings({ org, current }: { org: string; current: { endpoint: string; enabled: boolean; headerNames: string[] } | null }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  return (
    <form aria-label="OTLP export" className="space-y-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const data = new FormData(form);
        const lines = String(data.get("headers") ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
        const headers = lines.map((l) => {
          const at = l.indexOf(":");
          return at > 0 ? { name: l.slice(0, at).trim(), value: l.slice(at + 1).trim() } : { name: l, value: "" };
        });
        start(async () => {
          setMessage(null);
          const r = await saveOtlpExportAction(org, {
            endpoint: String(data.get("endpoint") ?? ""),
            enabled: data.get("enabled") === "on",
            ...(lines.length || data.get("clearHeaders") === "on" ? { headers } : {}),
          });
          if (!r.ok) return setMessage({ ok: false, text: r.error.message });
          setMessage({ ok: true, text: "Saved." });
          form.reset();
          router.refresh();
        });
      }}>
      <label className="flex flex-col gap-1">Logs endpoint (OTLP/HTTP)
        <input name="endpoint" type="url" required defaultValue={current?.endpoint ?? ""} placeholder="https://collector.example/v1/logs" className={inputCls} />
      </label>
      <label className="flex items-center gap-2"><input type="checkbox" name="enabled" defaultChecked={current?.enabled ?? true} /> Export</label>
      <label className="flex flex-col gap-1">Headers, one <code>Name: value</code> per line{current?.headerNames.length ? ` (saved: ${current.headerNames.join(", ")}; leave empty to keep them)` : ""}
        <textarea name="headers" rows={2} autoComplete="off" spellCheck={false} className={`${inputCls} font-mono text-xs`} />
      </label>
      {current?.headerNames.length ? <label className="flex items-center gap-2"><input type="checkbox" name="clearHeaders" /> Replace the saved headers with the ones above (none: remove them)</label> : null}
      <div className="flex gap-2">
        <button className={primaryBtn} disabled={pending}>{pending ? "Saving…" : "Save"}</button>
        {current && (
          <button type="button" className={dangerBtn} disabled={pending} onClick={() => start(async () => {
            const r = await deleteOtlpExportAction(org, {});
            setMessage(r.ok ? { ok: true, text: "Export removed." } : { ok: false, text: r.error.message });
            router.refresh();
          })}>Remove export</button>
        )}
      </div>
      {message && (message.ok ? <p role="status" className="text-sm text-emerald-700">{message.text}</p> : <ErrorLine message={message.text} />)}
    </form>
  );
}

interface GroupRow {
  group: string;
  mode: "inherit" | "on" | "off" | "custom";
  composedOtel: string;
}

/** Collection per group: inherit the org's switch, or on/off for the group; shows the exact [otel] section its hosts get. */
export function GroupCollection({ org, groups }: { org: string; groups: GroupRow[] }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="space-y-3 text-sm">
      <table className="w-full text-sm" aria-label="Collection per group">
        <thead className="text-left text-xs text-muted"><tr><th className="py-1 pr-3">Group</th><th className="pr-3">Collection</th><th>[otel] section its hosts receive (overlay draft over the current base)</th></tr></thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.group} className="border-t border-line align-top">
              <td className="py-1.5 pr-3"><a className="hover:underline" href={`/o/${org}/groups/${encodeURIComponent(g.group)}`}>{g.group}</a></td>
              <td className="pr-3">
                <select aria-label={`Collection for group ${g.group}`} defaultValue={g.mode} disabled={pending} className={inputCls}
                  onChange={(e) => {
                    const mode = e.target.value as "inherit" | "on" | "off";
                    start(async () => {
                      setMessage(null);
                      const r = await setGroupCollectionAction(org, { group: g.group, mode });
                      if (!r.ok) return setMessage({ ok: false, text: r.error.message });
                      setMessage({ ok: true, text: r.data.draftRevision ? `Group "${g.group}": its overlay draft (revision ${r.data.draftRevision}) changed; review the diff and publish the overlay.` : `Group "${g.group}" already says so.` });
                      router.refresh();
                    });
                  }}>
                  <option value="inherit">Inherit the org&apos;s</option>
                  <option value="on">On</option>
                  <option value="off">Off</option>
                  {g.mode === "custom" && <option value="custom" disabled>Custom [otel] in the overlay</option>}
                </select>
              </td>
              <td>{g.composedOtel ? <pre className="overflow-x-auto rounded-md border border-line bg-panel px-2 py-1 font-mono text-xs" data-testid={`group-otel-${g.group}`}>{g.composedOtel}</pre> : <span className="text-muted">none: the group&apos;s hosts report nothing</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {message && (message.ok ? <p role="status" className="text-sm text-emerald-700">{message.text}</p> : <ErrorLine message={message.text} />)}
    </div>
  );
}
