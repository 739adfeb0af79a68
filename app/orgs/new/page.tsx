import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/auth/next";
import { db } from "@/lib/db";
import { listOrgs } from "@/lib/orgs";
import { NewOrgForm } from "./new-org-form";

export const metadata: Metadata = { title: "New organisation" };

export default async function NewOrgPage() {
  const actor = await requireActor();
  const orgs = await listOrgs(db, actor);
  return (
    <main id="main" tabIndex={-1} className="outline-none flex min-h-screen items-center justify-center bg-panel px-4">
      <div className="w-full max-w-md rounded-xl border border-line bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">New organisation</h1>
        <p className="mb-6 mt-1 text-sm text-muted">You ({actor.email}) become its owner and can invite others.</p>
        <NewOrgForm />
        {orgs.length ? (
          <p className="mt-4 border-t border-line pt-3 text-sm">
            <Link href={`/o/${orgs[0].slug}/requirements`} className="text-accent underline underline-offset-2 hover:no-underline">Back to {orgs[0].name}</Link>
          </p>
        ) : null}
      </div>
    </main>
  );
}
