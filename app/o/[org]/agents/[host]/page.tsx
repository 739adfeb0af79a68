import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireOrg } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getHost } from "@/lib/fleet/hosts";
import { TableHead } from "@/components/ui/table-head";
import { Section } from "../../settings/ui";
import { formatTime } from "@/components/format";
import { StateBadge } from "../hosts-table";

export const metadata: Metadata = { title: "Host" };

/** One host: what it last reported, and its check-in history (changes, a daily sample, and the agent's own events). */
export default async function HostPage({ params }: { params: Promise<{ org: string; host: string }> }) {
  const { org, host: hostId } = await params;
  const ctx = await requireOrg(org, "org:read");
  const detail = await getHost(db, ctx, hostId).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const { token, host, history, state } = detail;
  const name = host?.hostname ?? token.name;
  const facts: [string, React.ReactNode][] = [
    ["State", <StateBadge key="s" state={state} />],
    ["Reason", host?.lastError ?? "—"],
    ["Installed version", detail.installedVersion ?? "—"],
    ["Should have", detail.assignment.version === null ? "—" : <span key="a" data-testid="assigned-version">version {detail.assignment.version}{detail.assignment.group ? ` (group ${detail.assignment.group})` : ""}: {detail.assignment.reason}</span>],
    ["Newest version", detail.currentVersion ?? "—"],
    ["sha256 installed", <code key="i" className="break-all font-mono text-xs">{host?.installedSha256 ?? "—"}</code>],
    ["sha256 on disk", <code key="d" className="break-all font-mono text-xs">{host?.diskSha256 ?? "—"}</code>],
    ["OS", host?.os ? `${host.os}/${host.arch ?? "?"}` : "—"],
    ["Codex version", host?.codexVersion ?? "not found on the host"],
    ["Agent version", host?.agentVersion ?? token.checkIn?.clientVersion ?? "—"],
    ["Group", token.group ?? "—"],
    ["Token", `${token.prefix}… (${token.enrollmentSecret ? `enrolled with ${token.enrollmentSecret.name}` : `made by ${token.createdBy?.email ?? "an admin"}`})${token.revokedAt ? `, revoked ${formatTime(token.revokedAt)}` : ""}`],
    ["Enrolled", host?.enrolledAt ? formatTime(host.enrolledAt) : "—"],
    ["First seen", host?.firstSeenAt ? formatTime(host.firstSeenAt) : "—"],
    ["Last seen", detail.lastSeenAt ? formatTime(detail.lastSeenAt) : "never"],
    ["Last check on the host", host?.lastCheckAt ? formatTime(host.lastCheckAt) : "—"],
    ["Check-ins", (host?.checkIns ?? 0) + (token.checkIn?.count ?? 0)],
  ];
  return (
    <div className="max-w-5xl space-y-6">
      <header className="space-y-1">
        <p className="text-sm"><Link href={`/o/${org}/agents`} className="underline">Agents</Link> / host</p>
        <h1 className="text-xl font-semibold">{name}</h1>
      </header>
      <Section id="host-facts" title="Last report">
        <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[12rem_1fr]" data-testid="host-facts">
          {facts.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-muted">{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </Section>
      <Section id="host-history" title="Check-in history" description="Newest first: every check-in that changed something, one sample a day, and the transitions the agent reported.">
        {history.length === 0 ? (
          <p className="text-sm text-muted">This host has never checked in.</p>
        ) : (
          <div className="overflow-x-auto" role="region" aria-label="Check-in history table" tabIndex={0}>
            <table className="w-full text-sm" aria-label="Check-in history">
              <TableHead columns={["When", "Kind", "State", "Version", "sha256 on disk", "Codex", "Reason"]} />
              <tbody>
                {history.map((h, i) => (
                  <tr key={i} className="border-b border-line last:border-0" data-testid="history-row">
                    <td className="py-2 pr-3 text-muted">{formatTime(h.at)}</td>
                    <td className="py-2 pr-3">{h.kind === "event" ? "agent event" : "check-in"}</td>
                    <td className="py-2 pr-3">{h.state}</td>
                    <td className="py-2 pr-3 tabular-nums">{h.installedVersion ?? "—"}</td>
                    <td className="py-2 pr-3 font-mono text-xs">{h.diskSha256 ? `${h.diskSha256.slice(0, 12)}…` : "—"}</td>
                    <td className="py-2 pr-3 font-mono text-xs">{h.codexVersion ?? "—"}</td>
                    <td className="py-2 pr-3">{h.reason ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </div>
  );
}
