import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { listGroups } from "@/lib/groups";
import { Section } from "../settings/ui";
import { CreateGroupForm } from "./group-forms";

export const metadata: Metadata = { title: "Groups" };

function rulesText(rules: { os?: string[]; codexVersion?: string; hostnamePattern?: string } | null): string {
  if (!rules) return "—";
  return [rules.os && `OS ${rules.os.join("/")}`, rules.codexVersion && `Codex ${rules.codexVersion}`, rules.hostnamePattern && `host ${rules.hostnamePattern}`].filter(Boolean).join(", ") || "—";
}

/** Host groups in precedence order: who is in each, and which overlay its hosts get on top of the base. */
export default async function GroupsPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await requireOrg((await params).org, "org:read");
  const edit = ctx.role !== null && can(ctx.role, "policy:edit");
  const groups = await listGroups(db, ctx);
  return (
    <div className="max-w-6xl space-y-6">
      <header>
        <h1 className="text-xl font-semibold">Groups</h1>
        <p className="text-sm text-muted">
          A host belongs to a group when it was enrolled or tokened with the group&apos;s name, or when its check-ins match every rule. A host in several groups
          gets the overlay of the highest priority (equal priorities: the name first in the alphabet). The overlay is composed over the base: it can only narrow
          allow-lists, and the base&apos;s denials stick.
        </p>
      </header>
      <Section id="groups" title="Groups" description="Highest priority first.">
        {groups.length === 0 ? (
          <p className="text-sm text-muted">No groups yet. Every host gets the base requirements.</p>
        ) : (
          <table className="w-full text-sm" aria-label="Groups">
            <thead className="text-left text-xs text-muted">
              <tr>
                <th className="py-1">Name</th>
                <th>Priority</th>
                <th>Rules</th>
                <th>Hosts</th>
                <th>Overlay</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.id} className="border-t border-line" data-testid={`group-row-${g.name}`}>
                  <td className="py-1.5">
                    <Link className="font-medium text-accent hover:underline" href={`/o/${ctx.org.slug}/groups/${encodeURIComponent(g.name)}`}>{g.name}</Link>
                    {g.description ? <span className="block text-xs text-muted">{g.description}</span> : null}
                  </td>
                  <td className="tabular-nums">{g.priority}</td>
                  <td>{rulesText(g.rules)}</td>
                  <td className="tabular-nums">{g.members}</td>
                  <td>{g.overlayVersion ? `overlay v${g.overlayVersion}` : "none (base only)"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      {edit ? (
        <Section id="new-group" title="New group">
          <CreateGroupForm org={ctx.org.slug} />
        </Section>
      ) : null}
    </div>
  );
}
