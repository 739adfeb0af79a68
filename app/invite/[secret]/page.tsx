import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { currentActor } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { describeInvitation } from "@/lib/orgs/invitations";
import { signOutAction } from "@/app/actions";
import { AcceptInvitation, CreateAccountAndAccept } from "./invite-forms";
import { formatTime } from "@/components/format";

export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };

function Card({ children }: { children: ReactNode }) {
  return (
    <main id="main" tabIndex={-1} className="outline-none flex min-h-screen items-center justify-center bg-panel px-4">
      <div className="w-full max-w-md rounded-xl border border-line bg-white p-8 shadow-sm">{children}</div>
    </main>
  );
}

const STATUS_TEXT = {
  accepted: "This invitation was already used. Sign in to reach the organisation.",
  revoked: "This invitation was revoked. Ask an owner of the organisation for a new one.",
  expired: "This invitation expired. Ask an owner of the organisation for a new one.",
} as const;

/** Public page: the link's secret is the capability. It shows the org, the invited email and the role, nothing more. */
export default async function InvitePage({ params }: { params: Promise<{ secret: string }> }) {
  const { secret } = await params;
  const [invitation, actor] = await Promise.all([describeInvitation(db, secret), currentActor()]);
  if (!invitation) {
    return (
      <Card>
        <h1 className="text-xl font-semibold">Invitation not found</h1>
        <p className="mt-2 text-sm text-muted">This invitation link is not valid. Check that you copied all of it, or ask for a new one.</p>
      </Card>
    );
  }
  const signInHref = `/signin?callbackUrl=${encodeURIComponent(`/invite/${secret}`)}`;
  return (
    <Card>
      <p className="text-xs font-medium uppercase tracking-wide text-muted">Charter invitation</p>
      <h1 className="mt-1 text-xl font-semibold">Join {invitation.org.name}</h1>
      <p className="mt-2 text-sm text-muted">
        <span className="font-medium text-ink">{invitation.email}</span> is invited as{" "}
        <span className="font-medium capitalize text-ink" data-testid="invited-role">{invitation.role}</span>.
        {invitation.status === "pending" ? ` The link expires ${formatTime(invitation.expiresAt)}.` : ""}
      </p>
      <div className="mt-6">
        {invitation.status !== "pending" ? (
          <p role="alert" className="rounded-md border border-danger/30 bg-danger/5 px-3 py-2 text-sm text-danger">{STATUS_TEXT[invitation.status]}</p>
        ) : actor ? (
          actor.email.toLowerCase() === invitation.email.toLowerCase() ? (
            <AcceptInvitation secret={secret} orgName={invitation.org.name} />
          ) : (
            <div className="space-y-3">
              <p role="alert" className="rounded-md border border-danger/30 bg-danger/5 px-3 py-2 text-sm text-danger">
                You are signed in as {actor.email}. This invitation is for {invitation.email}: sign out, then open the link again.
              </p>
              <form action={signOutAction}>
                <button type="submit" className="rounded-md border border-line px-3 py-1.5 text-sm hover:bg-panel focus-visible:outline-2 focus-visible:outline-accent">Sign out</button>
              </form>
            </div>
          )
        ) : invitation.accountExists ? (
          <div className="space-y-3 text-sm">
            <p>An account for {invitation.email} exists. Sign in with it (password or single sign-on) and you will come back here to accept.</p>
            <Link href={signInHref} className="inline-block rounded-md bg-accent px-3 py-2 font-medium text-white hover:bg-accent/90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent">
              Sign in to accept
            </Link>
          </div>
        ) : (
          <CreateAccountAndAccept secret={secret} email={invitation.email} signInHref={signInHref} />
        )}
      </div>
    </Card>
  );
}
