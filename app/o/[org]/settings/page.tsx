import type { Metadata } from "next";
import Link from "next/link";
import { requireOrg } from "@/lib/auth/next";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { listMembers } from "@/lib/orgs/members";
import { listInvitations } from "@/lib/orgs/invitations";
import { getOrgSettings } from "@/lib/orgs/settings";
import { listApiTokens } from "@/lib/tokens";
import { listSigningKeys } from "@/lib/bundles/keys";
import { MembersTable, PendingInvitations } from "./members";
import { InviteForm } from "./invite-form";
import { Tokens } from "./tokens";
import { PublishingForm } from "./publishing";
import { CodexVersionsForm } from "./codex-versions";
import { describeFleetVersions, fleetCodexVersions } from "@/lib/policies/fleet-versions";
import { KNOWN_CODEX_VERSIONS } from "@/lib/requirements/versions";
import { Section } from "./ui";
import { SigningKeys } from "./signing-keys";

export const metadata: Metadata = { title: "Settings" };

/**
 * Every member reads members and publishing settings; only owners (org:manage) see invitations and API tokens and
 * get controls. The actions check again on the server, so hiding a control is convenience, not the check.
 */
export default async function SettingsPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await requireOrg((await params).org, "org:read");
  const manage = ctx.role !== null && can(ctx.role, "org:manage");
  const [members, settings, invitations, tokens, keys, fleet] = await Promise.all([
    listMembers(db, ctx),
    getOrgSettings(db, ctx),
    manage ? listInvitations(db, ctx) : Promise.resolve([]),
    manage ? listApiTokens(db, ctx) : Promise.resolve([]),
    listSigningKeys(db, ctx),
    fleetCodexVersions(db, ctx.org.id),
  ]);
  const slug = ctx.org.slug;
  return (
    <div className="max-w-5xl space-y-6">
      <header className="flex items-start justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold">Settings</h1>
          <p className="text-sm text-muted">
            Members, roles, API tokens and publishing rules of {ctx.org.name}.
            {manage ? "" : ` You are ${ctx.role}: only owners change these.`}
          </p>
        </div>
        <Link href="/orgs/new" className="shrink-0 text-sm text-accent underline underline-offset-2 hover:no-underline">New organisation</Link>
      </header>

      <Section id="members" title="Members" description={`${members.length} member${members.length === 1 ? "" : "s"}. Owners manage members, roles, tokens and settings; an organisation always keeps at least one owner.`}>
        <MembersTable org={slug} members={members} meId={ctx.actor.userId} canManage={manage} />
        {manage ? (
          <div className="space-y-2 pt-2">
            <h3 className="text-sm font-medium">Pending invitations</h3>
            <PendingInvitations org={slug} invitations={invitations} />
          </div>
        ) : null}
      </Section>

      {manage ? (
        <Section id="invite" title="Invite" description="The invitee opens the link, signs in (or creates an account for exactly this email) and joins with the role.">
          <InviteForm org={slug} />
        </Section>
      ) : null}

      <Section id="tokens" title="API tokens" description="Scoped tokens for automation and the charter CLI, bound to this organisation. Stored as hashes.">
        {manage ? <Tokens org={slug} tokens={tokens} now={Date.now()} maxDays={settings.tokenMaxDays} /> : <p className="text-sm text-muted">Only owners see and manage API tokens.</p>}
      </Section>

      <Section id="signing-keys" title="Signing keys" description="Ed25519 keys that sign the bundles agents fetch. Private keys are encrypted at rest; only owners rotate them.">
        <SigningKeys org={slug} canManage={manage} jwksPath={`/api/v1/orgs/${slug}/keys`}
          keys={keys.map((k) => ({ ...k, createdAt: k.createdAt.toISOString(), activatedAt: k.activatedAt?.toISOString() ?? null, retiredAt: k.retiredAt?.toISOString() ?? null, servedUntil: k.servedUntil?.toISOString() ?? null }))} />
      </Section>

      <Section id="publishing" title="Publishing" description="How many approvals a change request needs before it can be published.">
        {manage ? (
          <PublishingForm org={slug} approvalsRequired={settings.approvalsRequired} />
        ) : (
          <p className="text-sm">
            Approvals required to publish: <span className="font-semibold" data-testid="approvals-required">{settings.approvalsRequired}</span>
            {settings.approvalsRequired === 0 ? <span className="text-muted"> (admins publish directly)</span> : null}
          </p>
        )}
      </Section>

      <Section id="codex-versions" title="Codex versions" description="The editor, the API and publishing check a policy as each of these Codex versions loads it; publishing is refused when any of them would refuse it.">
        <p className="text-sm" data-testid="fleet-versions">{describeFleetVersions(fleet)}</p>
        {manage ? <CodexVersionsForm org={slug} known={KNOWN_CODEX_VERSIONS} chosen={settings.codexVersions} /> : null}
      </Section>
    </div>
  );
}
