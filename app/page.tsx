import Link from "next/link";
import { redirect } from "next/navigation";
import { requireActor } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { listOrgs } from "@/lib/orgs";
import { signOutAction } from "@/app/actions";

export default async function Home() {
  const actor = await requireActor();
  const orgs = await listOrgs(db, actor);
  if (orgs.length === 0) {
    return (
      <main id="main" tabIndex={-1} className="outline-none flex min-h-screen items-center justify-center p-8">
        <div className="max-w-md text-center">
          <h1 className="text-lg font-semibold">No organisation yet</h1>
          <p className="mt-2 text-sm text-muted">You are signed in as {actor.email}, but no organisation has added you. Ask an owner to invite you, or{" "}
            <Link href="/orgs/new" className="text-accent underline underline-offset-2 hover:no-underline">create an organisation</Link>.</p>
          <form action={signOutAction} className="mt-4">
            <button type="submit" className="text-sm text-muted underline underline-offset-2 hover:text-ink">Sign out</button>
          </form>
        </div>
      </main>
    );
  }
  redirect(`/o/${orgs[0].slug}/requirements`);
}
