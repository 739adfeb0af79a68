import type { ReactNode } from "react";
import { LogOut } from "lucide-react";
import { requireOrg } from "@/lib/auth/next";
import { ConsoleNav } from "@/components/console-nav";
import { OrgSwitcher } from "@/components/org-switcher";
import { db } from "@/lib/db";
import { listOrgs } from "@/lib/orgs";
import { signOutAction } from "@/app/actions";

export default async function ConsoleLayout({ children, params }: { children: ReactNode; params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const { org, actor, role } = await requireOrg(slug);
  const orgs = await listOrgs(db, actor);
  return (
    <div className="flex min-h-screen">
      <aside className="flex w-60 shrink-0 flex-col border-r border-line bg-panel px-3 py-4">
        <div className="mb-6 px-2.5">
          <p className="text-xs font-medium uppercase tracking-wide text-muted">Charter</p>
          <p className="mt-0.5 truncate text-base font-semibold" data-testid="org-name">{org.name}</p>
          {orgs.length > 1 ? <OrgSwitcher current={org.slug} orgs={orgs} /> : null}
        </div>
        <ConsoleNav org={org.slug} />
        <div className="mt-auto border-t border-line px-2.5 pt-3 text-sm">
          <p className="truncate font-medium" title={actor.email}>{actor.email}</p>
          <p className="text-xs capitalize text-muted">{role}</p>
          <form action={signOutAction} className="mt-2">
            <button type="submit" className="flex items-center gap-1.5 text-muted hover:text-ink focus-visible:outline-2 focus-visible:outline-accent">
              <LogOut aria-hidden className="size-3.5" /> Sign out
            </button>
          </form>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-6">{children}</main>
    </div>
  );
}
