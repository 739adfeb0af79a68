import type { ReactNode } from "react";
import { LogOut } from "lucide-react";
import { requireOrg } from "@/lib/auth/next";
import { ConsoleNav } from "@/components/console-nav";
import { CollapsibleSidebar } from "@/components/collapsible-sidebar";
import { OrgSwitcher } from "@/components/org-switcher";
import { db } from "@/lib/db";
import { listOrgs } from "@/lib/orgs";
import { signOutAction } from "@/app/actions";

export default async function ConsoleLayout({ children, params }: { children: ReactNode; params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const { org, actor, role } = await requireOrg(slug);
  const orgs = await listOrgs(db, actor);
  return (
    <div className="min-h-screen md:flex">
      <CollapsibleSidebar title={<p className="truncate text-sm"><span className="font-medium text-muted">Charter</span> · <span className="font-semibold">{org.name}</span></p>}>
        <div className="mb-6 px-2.5">
          <p className="text-xs font-medium uppercase tracking-wide text-muted">Charter</p>
          <p className="mt-0.5 truncate text-base font-semibold" data-testid="org-name">{org.name}</p>
          {orgs.length > 1 ? <OrgSwitcher current={org.slug} orgs={orgs} /> : null}
        </div>
        <ConsoleNav org={org.slug} />
        <div className="mt-6 border-t border-line px-2.5 pt-3 text-sm md:mt-auto">
          <p className="truncate font-medium" title={actor.email}>{actor.email}</p>
          <p className="text-xs capitalize text-muted">{role}</p>
          <form action={signOutAction} className="mt-2">
            <button type="submit" className="flex items-center gap-1.5 text-muted hover:text-ink focus-visible:outline-2 focus-visible:outline-accent">
              <LogOut aria-hidden className="size-3.5" /> Sign out
            </button>
          </form>
        </div>
      </CollapsibleSidebar>
      <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-5 outline-none sm:px-6 md:px-8 md:py-6">{children}</main>
    </div>
  );
}
