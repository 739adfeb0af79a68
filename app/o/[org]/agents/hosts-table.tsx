import Link from "next/link";
import type { FleetHostRow } from "@/lib/fleet/hosts";
import { HOST_STATE_LABEL, type HostState } from "@/lib/fleet/states";
import { TableHead } from "@/components/ui/table-head";
import { formatTime } from "@/components/format";

const TONE: Record<HostState, string> = {
  current: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  behind: "bg-amber-50 text-amber-900 ring-amber-200",
  failed: "bg-red-50 text-red-800 ring-red-200",
  drifted: "bg-orange-50 text-orange-900 ring-orange-200",
  never: "bg-panel text-muted ring-line",
  silent: "bg-slate-100 text-slate-700 ring-slate-300",
  revoked: "bg-panel text-muted ring-line",
};

export function StateBadge({ state }: { state: HostState }) {
  return <span className={`inline-block rounded px-1.5 py-0.5 text-xs ring-1 ${TONE[state]}`} data-state={state}>{HOST_STATE_LABEL[state]}</span>;
}

/** The fleet's hosts (at most `limit` rows; the counts above cover all). */
export function HostsTable({ org, hosts, currentVersion, limit = 500 }: { org: string; hosts: FleetHostRow[]; currentVersion: number | null; limit?: number }) {
  if (hosts.length === 0) return <p className="text-sm text-muted">No hosts match.</p>;
  return (
    <div className="space-y-2">
      <div className="overflow-x-auto" role="region" aria-label="Hosts table" tabIndex={0}>
        <table className="w-full text-sm" aria-label="Hosts">
          <TableHead columns={["Host", "State", "Installed", "Group", "OS", "Codex", "Agent", "Last seen"]} />
          <tbody>
            {hosts.slice(0, limit).map((h) => (
              <tr key={h.id} className="border-b border-line last:border-0" data-testid={`host-${h.hostname ?? h.name}`}>
                <td className="py-2 pr-3 font-medium">
                  <Link href={`/o/${org}/agents/${h.id}`} className="underline-offset-2 hover:underline">{h.hostname ?? h.name}</Link>
                  {h.hostname && h.hostname !== h.name ? <span className="block text-xs text-muted">{h.name}</span> : null}
                </td>
                <td className="py-2 pr-3">
                  <StateBadge state={h.state} />
                  {h.state === "failed" && h.lastError ? <span className="block max-w-xs truncate text-xs text-red-800" title={h.lastError}>{h.lastError}</span> : null}
                  {h.state === "behind" && h.assignedVersion !== null ? <span className="block text-xs text-muted">should have v{h.assignedVersion}{h.assignedVersion !== currentVersion ? ` (newest v${currentVersion}: rollout)` : ""}</span> : null}
                </td>
                <td className="py-2 pr-3 tabular-nums">{h.installedVersion ?? "—"}</td>
                <td className="py-2 pr-3 text-muted">{h.group ?? "—"}</td>
                <td className="py-2 pr-3 text-muted">{h.os ? `${h.os}/${h.arch ?? "?"}` : "—"}</td>
                <td className="py-2 pr-3 font-mono text-xs text-muted">{h.codexVersion ?? "—"}</td>
                <td className="py-2 pr-3 font-mono text-xs text-muted">{h.agentVersion ?? "—"}</td>
                <td className="py-2 pr-3 text-muted">{h.lastSeenAt ? formatTime(h.lastSeenAt) : "never"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {hosts.length > limit ? <p className="text-xs text-muted">Showing {limit} of {hosts.length} hosts; narrow the filters to see the others.</p> : null}
    </div>
  );
}
