"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { CONSOLE_AREAS } from "./console-areas";

export function ConsoleNav({ org }: { org: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Console" className="space-y-0.5">
      {CONSOLE_AREAS.map(({ segment, label, icon: Icon }) => {
        const href = `/o/${org}/${segment}`;
        const active = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link key={segment} href={href} aria-current={active ? "page" : undefined}
            className={`flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-accent ${
              active ? "bg-white font-medium text-ink shadow-sm ring-1 ring-line" : "text-muted hover:bg-white/70 hover:text-ink"}`}>
            <Icon aria-hidden className="size-4" />
            {label}
          </Link>
        );
      })}
    </nav>
  );
}
