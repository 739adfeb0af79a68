"use client";

import { useEffect, useId, useState, type ReactNode } from "react";
import { usePathname } from "next/navigation";
import { Menu, X } from "lucide-react";

/**
 * Below the md breakpoint the sidebar folds into a top bar with a Menu button; the panel closes again when a link
 * is followed (the path changes) or Escape is pressed. From md up the sidebar is always shown and this bar is hidden.
 */
export function CollapsibleSidebar({ title, children }: { title: ReactNode; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const panel = useId();
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <>
      <header className="flex items-center justify-between gap-3 border-b border-line bg-panel px-4 py-2 md:hidden print:hidden">
        <div className="min-w-0">{title}</div>
        <button type="button" aria-expanded={open} aria-controls={panel} onClick={() => setOpen((o) => !o)}
          className="flex items-center gap-1.5 rounded-md border border-line bg-white px-2.5 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-accent">
          {open ? <X aria-hidden className="size-4" /> : <Menu aria-hidden className="size-4" />}
          Menu
        </button>
      </header>
      <aside id={panel} aria-label="Sidebar"
        className={`${open ? "flex" : "hidden"} w-full shrink-0 flex-col border-b border-line bg-panel px-3 py-4 md:flex md:w-60 md:border-r md:border-b-0 print:hidden`}>
        {children}
      </aside>
    </>
  );
}
