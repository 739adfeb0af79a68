"use client";

import { usePathname, useRouter } from "next/navigation";

/** Shown when the user belongs to more than one org: switching keeps them in the same console area. */
export function OrgSwitcher({ current, orgs }: { current: string; orgs: { slug: string; name: string; role: string }[] }) {
  const router = useRouter();
  // Only the area (e.g. "audit"), never deeper ids, which belong to the old org.
  const area = usePathname().split("/")[3] || "requirements";
  return (
    <div className="mt-2">
      <label htmlFor="org-switcher" className="sr-only">Switch organisation</label>
      <select id="org-switcher" value={current}
        onChange={(e) => router.push(`/o/${e.currentTarget.value}/${area}`)}
        className="w-full rounded-md border border-line bg-white px-2 py-1 text-sm outline-none focus:border-accent focus:ring-2 focus:ring-accent/20">
        {orgs.map((o) => (
          <option key={o.slug} value={o.slug}>{o.name} ({o.role})</option>
        ))}
      </select>
    </div>
  );
}
