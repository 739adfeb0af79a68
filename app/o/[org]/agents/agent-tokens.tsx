"use client";

import { useState } from "react";
import type { FleetHost } from "@/lib/agents";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ErrorLine } from "@/components/ui/error-line";
import { CreatedSecret } from "@/components/ui/one-time-secret";
import { inputCls, primaryBtn } from "@/components/ui/styles";
import { TableHead } from "@/components/ui/table-head";
import { useConsoleActions } from "@/components/ui/use-console-actions";
import { createAgentTokenAction, revokeAgentTokenAction } from "./actions";
import { fmt } from "../settings/ui";

/** A fleet host as the page passes it: its dates as ISO strings. */
export type HostRow = Omit<FleetHost, "createdAt" | "revokedAt" | "lastCheckIn"> & { createdAt: string; revokedAt: string | null; lastCheckIn: string | null };

function Flag({ tone, children }: { tone: "ok" | "warn" | "off"; children: React.ReactNode }) {
  const cls = tone === "ok" ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : tone === "warn" ? "bg-amber-50 text-amber-900 ring-amber-200" : "bg-panel text-muted ring-line";
  return <span className={`mr-1 inline-block rounded px-1.5 py-0.5 text-xs ring-1 ${cls}`}>{children}</span>;
}

export function AgentTokens({ org, hosts, canManage, currentVersion }: { org: string; hosts: HostRow[]; canManage: boolean; currentVersion: number | null }) {
  const { error, pending, run, submit, confirmRow } = useConsoleActions();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);

  return (
    <div className="space-y-4">
      {canManage ? (
        <form className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const data = new FormData(form);
            setCreated(null);
            submit(() => createAgentTokenAction(org, { name: String(data.get("name") ?? ""), group: String(data.get("group") ?? "") }), (d) => {
              setCreated({ name: d.name, secret: d.secret });
              form.reset();
            });
          }}>
          <div className="space-y-1">
            <label htmlFor="agent-token-name" className="block text-xs font-medium">Host or token name</label>
            <input id="agent-token-name" name="name" required maxLength={80} placeholder="build-runner-07" className={`${inputCls} w-56`} />
          </div>
          <div className="space-y-1">
            <label htmlFor="agent-token-group" className="block text-xs font-medium">Group (optional)</label>
            <input id="agent-token-group" name="group" maxLength={60} placeholder="ci" className={`${inputCls} w-40`} />
          </div>
          <button type="submit" className={primaryBtn} disabled={pending}>{pending ? "Creating…" : "Create agent token"}</button>
        </form>
      ) : (
        <p className="text-sm text-muted">Admins and owners create and revoke agent tokens.</p>
      )}
      <ErrorLine message={error} />
      {created ? (
        <CreatedSecret label={`Secret of agent token ${created.name}`} value={created.secret} onDone={() => setCreated(null)}
          warning="Copy this token now and give it to the host (charter pull --token …). It is shown only once: Charter keeps only its hash." />
      ) : null}
      {hosts.length === 0 ? (
        <p className="text-sm text-muted">No agent tokens yet.{canManage ? " Create one per host (or per group of identical hosts) above." : ""}</p>
      ) : (
        <div className="overflow-x-auto" role="region" aria-label="Agent tokens table" tabIndex={0}>
          <table className="w-full text-sm" aria-label="Agent tokens">
            <TableHead columns={["Name", "Group", "Prefix", "Created", "Last check-in", "Served", "Installed", "Client", "Status"]} actions />
            <tbody>
              {hosts.map((h) => (
                <tr key={h.id} className="border-b border-line last:border-0" data-testid={`agent-${h.name}`}>
                  <td className="py-2 pr-3 font-medium">{h.name}</td>
                  <td className="py-2 pr-3 text-muted">{h.group ?? "—"}</td>
                  <td className="py-2 pr-3 font-mono text-xs">{h.prefix}…</td>
                  <td className="py-2 pr-3 text-muted" title={h.createdBy ?? undefined}>{fmt(h.createdAt)}</td>
                  <td className="py-2 pr-3 text-muted">{h.lastCheckIn ? fmt(h.lastCheckIn) : "never"}{h.checkIns ? <span className="text-xs"> ({h.checkIns}×)</span> : null}</td>
                  <td className="py-2 pr-3 tabular-nums">{h.versionServed ?? "—"}</td>
                  <td className="py-2 pr-3 tabular-nums">{h.versionInstalled ?? "—"}</td>
                  <td className="py-2 pr-3 font-mono text-xs text-muted">{h.clientVersion ?? "—"}</td>
                  <td className="py-2 pr-3 whitespace-nowrap">
                    {h.revokedAt ? <Flag tone="off">revoked {fmt(h.revokedAt)}</Flag> : (
                      <>
                        {h.stale ? <Flag tone="warn">stale (behind v{currentVersion})</Flag> : null}
                        {h.silent ? <Flag tone="warn">silent</Flag> : null}
                        {!h.stale && !h.silent ? <Flag tone="ok">current</Flag> : null}
                      </>
                    )}
                  </td>
                  <td className="py-2 text-right">
                    {!canManage || h.revokedAt ? null : (
                      <ConfirmButton {...confirmRow(h.id)}
                        onConfirm={() => run(() => revokeAgentTokenAction(org, { tokenId: h.id }))}
                        ariaLabel={`Revoke agent token ${h.name}`} confirmLabel="Confirm revoke">Revoke</ConfirmButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
